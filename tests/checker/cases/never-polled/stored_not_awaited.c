/* A future kept in a frame field "for later", and later never comes.
 * expect: never-polled 16 */
#include "asynclab.h"

AX_ASYNC(cleanup, int, int unused;)
{
	AX_BEGIN;
	AX_AWAIT(ax_sleep_ms(1));
	AX_RETURN(0);
	AX_END;
}

AX_ASYNC(main_async, int, cleanup_t pending; int n;)
{
	AX_BEGIN;
	self->pending = AX_CALL(cleanup); /* <- never-polled */
	for (self->n = 0; self->n < 3; self->n++)
		AX_AWAIT(ax_sleep_ms(2));
	AX_RETURN(self->n);
	AX_END;
}

int main(void)
{
	return AX_RUN(AX_CALL(main_async)) == 3 ? 0 : 1;
}
