/* Short polls (30 ms of CPU each, well under the threshold: a watchdog
 * sample on a loaded machine may charge one poll a slice of its
 * neighbour's) on a CPU shared with three busy threads: each poll takes
 * about 120 ms of wall time, but only because the
 * thread waits for the CPU.  Waiting for a CPU is not a stalled poll (nor
 * is a slow machine, valgrind or a sanitizer build).
 * env: ASYNCLAB_CHECK_STALL_MS=100
 * expect: none */
#define _GNU_SOURCE
#include "asynclab.h"
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <time.h>

static atomic_int done;

static long cpu_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void *spin(void *arg)
{
	while (!atomic_load(&done)) {
	}
	return arg;
}

AX_ASYNC(crunch, int, int i; long start;)
{
	AX_BEGIN;
	for (self->i = 0; self->i < 10; self->i++) {
		self->start = cpu_ms();
		while (cpu_ms() - self->start < 30) {
		}
		AX_AWAIT(ax_yield());
	}
	AX_RETURN(0);
	AX_END;
}

int main(void)
{
	/* Everything on one CPU, so the executor gets a quarter of it. */
	cpu_set_t one;
	CPU_ZERO(&one);
	CPU_SET(sched_getcpu() < 0 ? 0 : sched_getcpu(), &one);
	sched_setaffinity(0, sizeof one, &one);
	pthread_t th[3];
	for (int i = 0; i < 3; i++)
		pthread_create(&th[i], NULL, spin, NULL);
	int r = AX_RUN(AX_CALL(crunch));
	atomic_store(&done, 1);
	for (int i = 0; i < 3; i++)
		pthread_join(th[i], NULL);
	return r;
}

/* timing: yes (the stall watchdog: CPU or blocked time against its threshold, beside three busy threads) */
