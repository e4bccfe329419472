/* A task computes for 200 ms of CPU time in one poll, under the default
 * threshold (100 ms): the executor stalls for all that time.  The work is
 * measured in the thread's CPU time, so it is the same amount on a loaded
 * machine or under valgrind (so no slowdown factor applies).
 * env: ASYNCLAB_CHECK_SLOWDOWN=1
 * expect: stalled-poll 23 */
/* valgrind: memory only.  Under valgrind (one thread at a time) the
 * watchdog samples this 200 ms loop too late to see it at twice the
 * threshold in about 1 run of 10, and in 3 to 9 of 20 on a loaded
 * machine; its verdict is checked natively, 10 runs on each clock. */
#include "asynclab.h"
#include <time.h>

/* The thread's CPU time in ms, read in the loop's own line. */
#define CPU_MS(ts) (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &(ts)), \
		    (ts).tv_sec * 1000 + (ts).tv_nsec / 1000000)

AX_ASYNC(crunch, long, long start; struct timespec ts;)
{
	AX_BEGIN;
	self->start = CPU_MS(self->ts);
	/* The loop below stalls every other task. */
	while (CPU_MS(self->ts) - self->start < 200) { } /* <- stalled-poll */
	AX_RETURN(self->start);
	AX_END;
}

int main(void)
{
	AX_RUN(AX_CALL(crunch));
	return 0;
}

/* timing: yes (the stall watchdog: CPU or blocked time against its threshold) */
