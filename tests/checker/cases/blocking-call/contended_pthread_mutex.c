/* Another thread holds a pthread mutex; a task locks it and the executor
 * thread waits for that thread.
 * expect: blocking-call 23 */
#include "asynclab.h"
#include <pthread.h>
#include <unistd.h>

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static volatile int held;

static void *holder(void *arg)
{
	pthread_mutex_lock(&mu);
	held = 1;
	usleep(50000);
	pthread_mutex_unlock(&mu);
	return arg;
}

AX_ASYNC(worker, int, int unused;)
{
	AX_BEGIN;
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

/* timing: yes (another thread holds the mutex) */
