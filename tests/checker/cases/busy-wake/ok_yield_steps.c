/* A task runs a long job in steps, each an async function that yields
 * once to be fair to the others: the outer loop's await is the same each
 * time, but the step it passes changes, so this is work, not a spin.  A
 * second task spins briefly (a few yields, under the threshold) until the
 * job has started.
 * expect: none */
#include "asynclab.h"

static int started;
static long total;

AX_ASYNC(step, int, int i;)
{
	AX_BEGIN;
	total += self->i;
	AX_AWAIT(ax_yield());
	AX_RETURN(0);
	AX_END;
}

AX_ASYNC(job, int, int i;)
{
	AX_BEGIN;
	for (self->i = 0; self->i < 3000; self->i++) {
		started = 1;
		AX_AWAIT(AX_CALL(step, .i = self->i));
	}
	AX_RETURN(0);
	AX_END;
}

AX_ASYNC(watcher, int, int unused;)
{
	AX_BEGIN;
	while (!started)
		AX_AWAIT(ax_yield());
	AX_RETURN(0);
	AX_END;
}

AX_ASYNC(main_async, int, ax_task *w; ax_task *j;)
{
	AX_BEGIN;
	self->w = AX_SPAWN(AX_CALL(watcher));
	self->j = AX_SPAWN(AX_CALL(job));
	AX_AWAIT(ax_join(self->w));
	AX_AWAIT(ax_join(self->j));
	AX_RETURN(0);
	AX_END;
}

int main(void)
{
	AX_RUN(AX_CALL(main_async));
	return total == 3000L * 2999 / 2 ? 0 : 1;
}
