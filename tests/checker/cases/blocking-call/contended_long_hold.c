/* The thread holding the mutex keeps it for 300 ms: the task's lock call
 * also stalls the executor past the threshold.  One bug, one finding.
 * expect: blocking-call 29 */
#include "asynclab.h"
#include <pthread.h>
#include <unistd.h>

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static volatile int held, locking;

static void *holder(void *arg)
{
	pthread_mutex_lock(&mu);
	held = 1;
	/* Released a while after the task goes to lock it, however slowly
	 * the executor starts (valgrind, a loaded machine). */
	while (!locking)
		usleep(1000);
	usleep(300000);
	pthread_mutex_unlock(&mu);
	return arg;
}

AX_ASYNC(worker, int, int unused;)
{
	AX_BEGIN;
	locking = 1;
	/* Waits for the thread while every task waits. */
	pthread_mutex_lock(&mu); /* <- blocking-call */
	pthread_mutex_unlock(&mu);
	AX_RETURN(7);
	AX_END;
}

int main(void)
{
	pthread_t th;
	pthread_create(&th, NULL, holder, NULL);
	while (!held)
		usleep(1000);
	int r = AX_RUN(AX_CALL(worker));
	pthread_join(th, NULL);
	return r == 7 ? 0 : 1;
}

/* timing: yes (another thread holds the mutex; the stall it causes is the
 * blocking call's note, however long it lasts) */
