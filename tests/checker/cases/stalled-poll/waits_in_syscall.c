/* A task waits for a signal with pause(), a call the checker does not
 * know as blocking: the watchdog still sees the poll that never returns.
 * env: ASYNCLAB_CHECK_STALL_MS=100 */
/* expect: stalled-poll 22 */
#include "asynclab.h"
#include <signal.h>
#include <sys/time.h>
#include <unistd.h>

static volatile sig_atomic_t stop;

static void on_alarm(int sig)
{
	(void)sig;
	stop = 1;
}

AX_ASYNC(waiter, int, int unused;)
{
	AX_BEGIN;
	AX_AWAIT(ax_yield());
	while (!stop) pause(); /* <- stalled-poll */
	AX_RETURN(2);
	AX_END;
}

int main(void)
{
	signal(SIGALRM, on_alarm);
	struct itimerval it = { { 0, 0 }, { 0, 500000 } };
	setitimer(ITIMER_REAL, &it, NULL);
	return AX_RUN(AX_CALL(waiter)) == 2 ? 0 : 1;
}

/* timing: yes (the stall watchdog: CPU or blocked time against its threshold) */
