/* Two workers: one task computes for 400 ms of CPU time in one poll while
 * a ticker sleeps and wakes beside it.  The poll stalls its worker (and
 * the tasks queued on it), not the program: the other worker goes on.
 * block_on's thread only waits, and is no stall.  The work is counted in
 * the thread's CPU time, the same amount on a loaded machine.
 * env: ASYNCLAB_WORKERS=2 ASYNCLAB_CHECK_SLOWDOWN=1
 * expect: stalled-poll 19
 * expect-text: stalled-poll 19 task 'crunch' has computed for over * ms of CPU time inside one poll without returning: worker * of 2 is stuck in it */
#include "asynclab.h"
#include <time.h>

#define CPU_MS(ts) (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &(ts)), \
		    (ts).tv_sec * 1000 + (ts).tv_nsec / 1000000)

AX_ASYNC(crunch, long, long start; struct timespec ts;)
{
	AX_BEGIN;
	self->start = CPU_MS(self->ts);
	while (CPU_MS(self->ts) - self->start < 400) { } /* <- stalled-poll */
	AX_RETURN(self->start);
	AX_END;
}

AX_ASYNC(tick, int, int i;)
{
	AX_BEGIN;
	for (self->i = 0; self->i < 20; self->i++)
		AX_AWAIT(ax_sleep_ms(10));
	AX_RETURN(self->i);
	AX_END;
}

AX_ASYNC(main_async, int, ax_task *a; ax_task *b; ax_res r; ax_res n;)
{
	AX_BEGIN;
	self->b = AX_SPAWN_NAMED("tick", AX_CALL(tick));
	self->a = AX_SPAWN_NAMED("crunch", AX_CALL(crunch));
	AX_AWAIT_TO(self->r, ax_join(self->a));
	AX_AWAIT_TO(self->n, ax_join(self->b));
	AX_RETURN((int)self->n.val);
	AX_END;
}

int main(void)
{
	return AX_RUN(AX_CALL(main_async)) == 20 ? 0 : 1;
}

/* timing: yes (the stall watchdog: CPU time against its threshold, on
 * two worker threads) */
