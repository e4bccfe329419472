/* A task computes for half a second without returning from its poll: no
 * blocking call, yet every other task is stalled.  The watchdog catches
 * the poll while it runs and names the loop.  A timer on the process's
 * CPU time ends the loop, so the work is the same on a loaded machine.
 * env: ASYNCLAB_CHECK_STALL_MS=100 ASYNCLAB_CHECK_SLOWDOWN=1 */
/* expect: stalled-poll 22 */
#include "asynclab.h"
#include <signal.h>
#include <sys/time.h>

static volatile sig_atomic_t stop;

static void on_alarm(int sig)
{
	(void)sig;
	stop = 1;
}

AX_ASYNC(crunch, int, int unused;)
{
	AX_BEGIN;
	while (!stop) { } /* <- stalled-poll */
	AX_RETURN(1);
	AX_END;
}

int main(void)
{
	signal(SIGVTALRM, on_alarm);
	struct itimerval it = { { 0, 0 }, { 0, 500000 } };
	setitimer(ITIMER_VIRTUAL, &it, NULL);
	return AX_RUN(AX_CALL(crunch)) == 1 ? 0 : 1;
}

/* timing: yes (the stall watchdog: CPU or blocked time against its threshold) */
