/* The other pthread lock routes: a timed mutex lock, a timed write lock
 * and a spin lock, each held across an await.
 * expect: lock-across-await 26
 * expect: lock-across-await 32
 * expect: lock-across-await 37 */
#include "asynclab.h"
#include <pthread.h>
#include <time.h>

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_rwlock_t rw = PTHREAD_RWLOCK_INITIALIZER;
static pthread_spinlock_t spin;

static struct timespec soon(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += 1;
	return ts;
}

AX_ASYNC(worker, int, int n;)
{
	AX_BEGIN;
	struct timespec ts = soon();
	if (pthread_mutex_timedlock(&mu, &ts) == 0) { /* <- lock-across-await */
		self->n++;
		AX_AWAIT(ax_sleep_ms(5));
		pthread_mutex_unlock(&mu);
	}
	ts = soon();
	if (pthread_rwlock_timedwrlock(&rw, &ts) == 0) { /* <- lock-across-await */
		self->n++;
		AX_AWAIT(ax_sleep_ms(5));
		pthread_rwlock_unlock(&rw);
	}
	pthread_spin_lock(&spin); /* <- lock-across-await */
	self->n++;
	AX_AWAIT(ax_yield());
	pthread_spin_unlock(&spin);
	AX_RETURN(self->n);
	AX_END;
}

int main(void)
{
	pthread_spin_init(&spin, PTHREAD_PROCESS_PRIVATE);
	int r = AX_RUN(AX_CALL(worker));
	pthread_spin_destroy(&spin);
	return r == 3 ? 0 : 1;
}

/* timing: yes (timed lock routes with a deadline) */
