/* A reader takes a pthread read lock on the configuration and awaits
 * while it holds it: a writer that needs the lock would block the
 * executor thread until the reader runs again.
 * expect: lock-across-await 15
 * expect-first-note: lock-across-await 15 17 */
#include "asynclab.h"
#include <pthread.h>

static pthread_rwlock_t cfg_lock = PTHREAD_RWLOCK_INITIALIZER;
static int cfg = 3;

AX_ASYNC(read_config, int, int v;)
{
	AX_BEGIN;
	pthread_rwlock_rdlock(&cfg_lock); /* <- lock-across-await */
	self->v = cfg;
	AX_AWAIT(ax_sleep_ms(20)); /* */
	pthread_rwlock_unlock(&cfg_lock);
	AX_RETURN(self->v);
	AX_END;
}

int main(void)
{
	return AX_RUN(AX_CALL(read_config)) == 3 ? 0 : 1;
}
