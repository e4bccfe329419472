/* The blocking mutex guards only the update and is released before the
 * await, as it should be; a pthread mutex the same way.
 * expect: none */
#include "asynclab.h"
#include <pthread.h>

static ax_bmutex *mu;
static pthread_mutex_t pmu = PTHREAD_MUTEX_INITIALIZER;
static int counter;

AX_ASYNC(bump, int, int i;)
{
	AX_BEGIN;
	for (self->i = 0; self->i < 3; self->i++) {
		ax_bmutex_lock(mu);
		counter++;
		ax_bmutex_unlock(mu);
		pthread_mutex_lock(&pmu);
		counter++;
		pthread_mutex_unlock(&pmu);
		AX_AWAIT(ax_sleep_ms(5));
	}
	AX_RETURN(counter);
	AX_END;
}

int main(void)
{
	mu = ax_bmutex_new();
	int r = AX_RUN(AX_CALL(bump));
	ax_bmutex_free(mu);
	return r == 6 ? 0 : 1;
}
