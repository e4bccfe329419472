/* The blocking call sits in a plain helper two calls below an async
 * function: the finding names the helper's line.
 * expect: blocking-call 10 */
#include "asynclab.h"
#include <time.h>

static void pause_a_bit(void)
{
	struct timespec ts = { 0, 50 * 1000 * 1000 };
	nanosleep(&ts, NULL); /* <- blocking-call */
}

static int compute(int x)
{
	pause_a_bit();
	return x * 2;
}

AX_ASYNC(step, int, int x;)
{
	AX_BEGIN;
	AX_AWAIT(ax_yield());
	AX_RETURN(compute(self->x));
	AX_END;
}

AX_ASYNC(main_async, int, int v;)
{
	AX_BEGIN;
	AX_AWAIT_TO(self->v, AX_CALL(step, .x = 21));
	AX_RETURN(self->v);
	AX_END;
}

int main(void)
{
	return AX_RUN(AX_CALL(main_async)) == 42 ? 0 : 1;
}

/* timing: yes (a real 50 ms sleep in a poll, beside the stall watchdog) */
