/* A task returns on an early path without unlocking; later another task
 * locks the same pthread mutex and waits for ever.  One finding: the lock
 * left held, where its task returned, and who waits.
 * expect: lock-across-await 17
 * expect-note: lock-across-await 17 19
 * expect-note: lock-across-await 17 31
 * expect-end: deadlock */
#include "asynclab.h"
#include <pthread.h>

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static int stock = 5;

AX_ASYNC(take_one, int, int want;)
{
	AX_BEGIN;
	pthread_mutex_lock(&mu); /* <- lock-across-await */
	if (stock < self->want)
		AX_RETURN(-1); /* */
	stock -= self->want;
	pthread_mutex_unlock(&mu);
	AX_RETURN(stock);
	AX_END;
}

AX_ASYNC(main_async, int, ax_res r;)
{
	AX_BEGIN;
	AX_AWAIT_TO(self->r, ax_join(AX_SPAWN(AX_CALL(take_one, .want = 9))));
	AX_AWAIT(ax_sleep_ms(5));
	pthread_mutex_lock(&mu); /* */
	stock++;
	pthread_mutex_unlock(&mu);
	AX_RETURN((int)self->r.val);
	AX_END;
}

int main(void)
{
	return AX_RUN(AX_CALL(main_async)) == -1 ? 0 : 1;
}
