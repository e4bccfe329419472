/* A lock taken with a try-lock that succeeded is held all the same: both
 * the pthread and the API's try-lock, each held across an await.
 * expect: lock-across-await 15
 * expect: lock-across-await 20 */
#include "asynclab.h"
#include <pthread.h>

static pthread_mutex_t stats_mu = PTHREAD_MUTEX_INITIALIZER;
static ax_bmutex *log_mu;
static int hits;

AX_ASYNC(count_hit, int, int unused;)
{
	AX_BEGIN;
	if (pthread_mutex_trylock(&stats_mu) == 0) { /* <- lock-across-await */
		hits++;
		AX_AWAIT(ax_sleep_ms(10));
		pthread_mutex_unlock(&stats_mu);
	}
	if (ax_bmutex_trylock(log_mu)) { /* <- lock-across-await */
		hits++;
		AX_AWAIT(ax_yield());
		ax_bmutex_unlock(log_mu);
	}
	AX_RETURN(hits);
	AX_END;
}

int main(void)
{
	log_mu = ax_bmutex_new();
	int r = AX_RUN(AX_CALL(count_hit));
	ax_bmutex_free(log_mu);
	return r == 2 ? 0 : 1;
}
