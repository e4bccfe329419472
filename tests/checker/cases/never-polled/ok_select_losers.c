/* select drops the losers: that is cancellation, not a forgotten await.
 * expect: none */
#include "asynclab.h"

AX_ASYNC(after, int, int ms;)
{
	AX_BEGIN;
	AX_AWAIT(ax_sleep_ms((uint64_t)self->ms));
	AX_RETURN(self->ms);
	AX_END;
}

AX_ASYNC(main_async, int, ax_selected s; ax_res t;)
{
	AX_BEGIN;
	AX_AWAIT_TO(self->s, AX_SELECT(AX_CALL(after, .ms = 10), AX_CALL(after, .ms = 50),
				       AX_CALL(after, .ms = 90)));
	AX_AWAIT_TO(self->t, AX_TIMEOUT_MS(5, AX_CALL(after, .ms = 100)));
	AX_RETURN(self->s.index == 0 && self->t.err ? 0 : 1);
	AX_END;
}

int main(void)
{
	return AX_RUN(AX_CALL(main_async));
}
