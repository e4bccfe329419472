/* Every call is awaited, directly, boxed into a join, or spawned.
 * expect: none */
#include "asynclab.h"

AX_ASYNC(fetch, int, int id;)
{
	AX_BEGIN;
	AX_AWAIT(ax_sleep_ms(5));
	AX_RETURN(self->id);
	AX_END;
}

AX_ASYNC(main_async, int, int a; ax_vals all; ax_res r;)
{
	AX_BEGIN;
	AX_AWAIT_TO(self->a, AX_CALL(fetch, .id = 1));
	AX_AWAIT_TO(self->all, AX_JOIN(AX_CALL(fetch, .id = 2), AX_CALL(fetch, .id = 3)));
	AX_AWAIT_TO(self->r, ax_join(AX_SPAWN(AX_CALL(fetch, .id = 4))));
	AX_RETURN(self->a + (int)self->all.val[0] + (int)self->all.val[1] + (int)self->r.val);
	AX_END;
}

int main(void)
{
	return AX_RUN(AX_CALL(main_async)) == 10 ? 0 : 1;
}
