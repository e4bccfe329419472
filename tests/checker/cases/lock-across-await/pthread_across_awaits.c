/* A raw pthread mutex held across two awaits (a loop): the finding lists
 * each await it was held through.
 * expect: lock-across-await 13 */
#include "asynclab.h"
#include <pthread.h>

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static int total;

AX_ASYNC(sum, int, int i;)
{
	AX_BEGIN;
	pthread_mutex_lock(&mu); /* <- lock-across-await */
	for (self->i = 0; self->i < 3; self->i++) {
		total += self->i;
		AX_AWAIT(ax_yield());
	}
	pthread_mutex_unlock(&mu);
	AX_RETURN(total);
	AX_END;
}

int main(void)
{
	return AX_RUN(AX_CALL(sum)) == 3 ? 0 : 1;
}
