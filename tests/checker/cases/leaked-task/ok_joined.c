/* Every spawned task is awaited before main returns.
 * expect: none */
#include "asynclab.h"

AX_ASYNC(work, int, int ms;)
{
	AX_BEGIN;
	AX_AWAIT(ax_sleep_ms((uint64_t)self->ms));
	AX_RETURN(self->ms);
	AX_END;
}

AX_ASYNC(main_async, int, ax_task *a; ax_task *b; ax_res ra; ax_res rb;)
{
	AX_BEGIN;
	self->a = AX_SPAWN(AX_CALL(work, .ms = 30));
	self->b = AX_SPAWN(AX_CALL(work, .ms = 10));
	AX_AWAIT_TO(self->ra, ax_join(self->a));
	AX_AWAIT_TO(self->rb, ax_join(self->b));
	AX_RETURN((int)(self->ra.val + self->rb.val));
	AX_END;
}

int main(void)
{
	return AX_RUN(AX_CALL(main_async)) == 40 ? 0 : 1;
}
