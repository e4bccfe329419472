/* The same spin written inside an async function: wake, suspend, check,
 * again and again.
 * expect: busy-wake 12 */
#include "asynclab/future.h"

static int ready;

AX_ASYNC(poller, int, int unused;)
{
	AX_BEGIN;
	while (!ready) {
		ax_waker_wake_by_ref(cx->waker); /* <- busy-wake */
		AX_SUSPEND;
	}
	AX_RETURN(1);
	AX_END;
}

AX_ASYNC(producer, int, int i;)
{
	AX_BEGIN;
	for (self->i = 0; self->i < 250; self->i++)
		AX_AWAIT(ax_yield());
	ready = 1;
	AX_RETURN(0);
	AX_END;
}

AX_ASYNC(main_async, int, ax_task *p; ax_task *q;)
{
	AX_BEGIN;
	self->p = AX_SPAWN(AX_CALL(poller));
	self->q = AX_SPAWN(AX_CALL(producer));
	AX_AWAIT(ax_join(self->p));
	AX_AWAIT(ax_join(self->q));
	AX_RETURN(0);
	AX_END;
}

int main(void)
{
	return AX_RUN(AX_CALL(main_async));
}
