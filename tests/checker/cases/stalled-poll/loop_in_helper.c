/* The long loop sits in a plain helper function the task calls: the
 * finding points into the helper, where the thread was caught.  A timer
 * on the process's CPU time ends the loop, however loaded the machine.
 * env: ASYNCLAB_CHECK_STALL_MS=100 ASYNCLAB_CHECK_SLOWDOWN=1 */
/* expect: stalled-poll 21 */
#include "asynclab.h"
#include <signal.h>
#include <sys/time.h>

static volatile sig_atomic_t stop;

static void on_alarm(int sig)
{
	(void)sig;
	stop = 1;
}

static int checksum(void)
{
	unsigned long n = 0;
	while (!stop) n++; /* <- stalled-poll */
	return n > 0;
}

AX_ASYNC(main_async, int, int v;)
{
	AX_BEGIN;
	AX_AWAIT(ax_sleep_ms(10));
	AX_RETURN(checksum());
	AX_END;
}

int main(void)
{
	signal(SIGVTALRM, on_alarm);
	struct itimerval it = { { 0, 0 }, { 0, 500000 } };
	setitimer(ITIMER_VIRTUAL, &it, NULL);
	return AX_RUN(AX_CALL(main_async)) == 1 ? 0 : 1;
}

/* timing: yes (the stall watchdog: CPU or blocked time against its threshold) */
