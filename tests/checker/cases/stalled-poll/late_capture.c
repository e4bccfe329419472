/* A poll computes past the stall threshold, and the watchdog's signal for
 * the report reaches its thread only after that poll has ended (as on a
 * loaded machine or under valgrind, where the watchdog runs late).  The
 * finding must still name the loop the poll was stuck in, from the
 * capture the watchdog took half way through the stall.
 *
 * The program plays the late thread: it takes over the watchdog's signal,
 * hands one that comes well before the threshold (the half-way capture)
 * straight to the probe, and holds back any later one (the report's) until
 * the poll has returned.
 * env: ASYNCLAB_CHECK_STALL_MS=1000 ASYNCLAB_CHECK_SLOWDOWN=1
 * expect: stalled-poll 43 */
#include "asynclab.h"
#include <signal.h>
#include <time.h>

static struct sigaction probe_sa;     /* the probe's own handler */
static volatile sig_atomic_t signals; /* watchdog signals so far */
static volatile sig_atomic_t held;    /* one is held back */
static volatile sig_atomic_t forward; /* hand every signal on */
static volatile long loop_start = -1; /* CPU ms when the loop began */

#define CPU_MS(ts) (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &(ts)), \
		    (ts).tv_sec * 1000 + (ts).tv_nsec / 1000000)

static void late_thread(int sig, siginfo_t *si, void *uc)
{
	struct timespec ts;
	long used = loop_start < 0 ? 0 : CPU_MS(ts) - loop_start;
	/* The report comes after 1000 ms of CPU time in the poll; a signal
	 * well before that is the half-way capture. */
	if (forward || (++signals == 1 && used < 900))
		probe_sa.sa_sigaction(sig, si, uc);
	else
		held = 1;
}

AX_ASYNC(crunch, long, long start; struct timespec ts;)
{
	AX_BEGIN;
	self->start = loop_start = CPU_MS(self->ts);
	/* Computes until the report's signal came (or for 5 s of CPU). */
	while (!held && CPU_MS(self->ts) - self->start < 5000) { } /* <- */
	AX_RETURN(self->start);
	AX_END;
}

int main(void)
{
	struct sigaction sa = { 0 };
	sigaction(SIGRTMIN + 7, NULL, &probe_sa);
	sa.sa_sigaction = late_thread;
	sa.sa_flags = SA_SIGINFO | SA_RESTART;
	sigemptyset(&sa.sa_mask);
	/* Only under the checker, whose probe set a handler before main. */
	if ((probe_sa.sa_flags & SA_SIGINFO) && probe_sa.sa_sigaction)
		sigaction(SIGRTMIN + 7, &sa, NULL);
	AX_RUN(AX_CALL(crunch));
	/* The poll has ended and its task is gone: now the report's signal
	 * is answered, outside any task. */
	forward = 1;
	if (held)
		raise(SIGRTMIN + 7);
	return 0;
}

/* timing: yes (the stall watchdog's signals, answered late on purpose) */
