/* The spin on ax_yield sits in a helper async function the task awaits:
 * the finding names the helper's yield.  Another task sets the flag after
 * 400 yields of its own (a counting loop: its frame changes, so it is not
 * a spin), so the spin lasts 400 polls on every run.
 * expect: busy-wake 15 */
#include "asynclab.h"

static int flag;

AX_ASYNC(until_set, int, int unused;)
{
	AX_BEGIN;
	while (!flag)
		/* One spin of the loop. */
		AX_AWAIT(ax_yield()); /* <- busy-wake */
	AX_RETURN(1);
	AX_END;
}

AX_ASYNC(producer, int, int i;)
{
	AX_BEGIN;
	for (self->i = 0; self->i < 400; self->i++)
		AX_AWAIT(ax_yield());
	flag = 1;
	AX_RETURN(0);
	AX_END;
}

AX_ASYNC(main_async, int, ax_task *p; int got;)
{
	AX_BEGIN;
	self->p = AX_SPAWN(AX_CALL(producer));
	AX_AWAIT_TO(self->got, AX_CALL(until_set));
	AX_AWAIT(ax_join(self->p));
	AX_RETURN(self->got);
	AX_END;
}

int main(void)
{
	return AX_RUN(AX_CALL(main_async)) == 1 ? 0 : 1;
}
