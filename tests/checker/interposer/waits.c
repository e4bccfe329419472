/* waits.c - a task that waits on a condition variable with a timeout
 * inside its poll (a blocking call the probe reports). */
#include "asynclab.h"

#include <pthread.h>
#include <time.h>

AX_ASYNC(waiter, int, int unused;)
{
	AX_BEGIN;
	pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
	pthread_cond_t c = PTHREAD_COND_INITIALIZER;
	struct timespec at;
	clock_gettime(CLOCK_REALTIME, &at);
	at.tv_nsec += 1000000;
	if (at.tv_nsec >= 1000000000L) {
		at.tv_sec++;
		at.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&m);
	(void)pthread_cond_timedwait(&c, &m, &at);
	pthread_mutex_unlock(&m);
	AX_RETURN(0);
	AX_END;
}

int main(void)
{
	return AX_RUN(AX_CALL(waiter));
}
