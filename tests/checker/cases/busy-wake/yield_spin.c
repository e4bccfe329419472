/* A task waits for a flag another thread sets by yielding again and
 * again: every poll starts a new yield, but nothing of the task's own
 * changes between them, so it spins as surely as a task waking itself.
 * The thread sets the flag once the task has spun 2000 times, so the
 * spin is as long on every run, clock and machine.
 * expect: busy-wake 22 */
#include "asynclab.h"
#include <pthread.h>
#include <stdatomic.h>
#include <unistd.h>

static atomic_int ready;
static atomic_int spins;

AX_ASYNC(wait_ready, int, int unused;)
{
	AX_BEGIN;
	/* Nothing in this frame changes while it waits. */
	while (!atomic_load(&ready)) {
		atomic_fetch_add(&spins, 1);
		/* The await the spin is suspended at, each time. */
		AX_AWAIT(ax_yield()); /* <- busy-wake */
	}
	AX_RETURN(1);
	AX_END;
}

static void *setter(void *arg)
{
	(void)arg;
	while (atomic_load(&spins) < 2000)
		usleep(1000);
	atomic_store(&ready, 1);
	return NULL;
}

int main(void)
{
	pthread_t th;
	pthread_create(&th, NULL, setter, NULL);
	int r = AX_RUN(AX_CALL(wait_ready));
	pthread_join(th, NULL);
	return r == 1 ? 0 : 1;
}

/* timing: yes (another thread sets the flag) */
