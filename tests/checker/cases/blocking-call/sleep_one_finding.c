/* sleep(1) in a task, checked on the real clock the way a programmer
 * runs `asynclab check`: the call blocks the executor thread, and the
 * watchdog sees the same poll stalled at the same line.  One bug, one
 * finding: the blocking call, with the stall it caused as a note (the
 * probe's raw stream is checked on the virtual clock, where the sleep
 * only moves the clock).
 * clock: virtual
 * check-clock: real
 * expect: blocking-call 17 */
#include "asynclab.h"
#include <unistd.h>

AX_ASYNC(refresh_cache, int, int unused;)
{
	AX_BEGIN;
	/* The learner's blocking call. */
	sleep(1); /* <- blocking-call */
	AX_RETURN(1);
	AX_END;
}

AX_ASYNC(main_async, int, ax_task *h; ax_res r;)
{
	AX_BEGIN;
	self->h = AX_SPAWN_NAMED("refresh", AX_CALL(refresh_cache));
	AX_AWAIT_TO(self->r, ax_join(self->h));
	AX_RETURN((int)self->r.val);
	AX_END;
}

int main(void)
{
	return AX_RUN(AX_CALL(main_async)) == 1 ? 0 : 1;
}
