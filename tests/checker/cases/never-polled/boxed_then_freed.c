/* A boxed future is made and released without ever being polled.
 * expect: never-polled 16 */
#include "asynclab.h"

AX_ASYNC(fetch, int, int id;)
{
	AX_BEGIN;
	AX_AWAIT(ax_sleep_ms(5));
	AX_RETURN(self->id);
	AX_END;
}

AX_ASYNC(main_async, int, ax_future *f;)
{
	AX_BEGIN;
	self->f = AX_BOX(AX_CALL(fetch, .id = 1)); /* <- never-polled */
	AX_AWAIT(ax_sleep_ms(10));
	ax_future_free(self->f);
	AX_RETURN(0);
	AX_END;
}

int main(void)
{
	return AX_RUN(AX_CALL(main_async));
}
