/* The API's blocking reader-writer lock (std::sync::RwLock): a writer
 * holds it across an await while it refreshes a cache.
 * expect: lock-across-await 12 */
#include "asynclab.h"

static ax_brwlock *cache_lock;
static int cache[4];

AX_ASYNC(refresh, int, int i;)
{
	AX_BEGIN;
	ax_brwlock_write(cache_lock); /* <- lock-across-await */
	for (self->i = 0; self->i < 4; self->i++) {
		cache[self->i] = self->i * 10;
		AX_AWAIT(ax_sleep_ms(5));
	}
	ax_brwlock_unlock(cache_lock);
	AX_RETURN(cache[3]);
	AX_END;
}

int main(void)
{
	cache_lock = ax_brwlock_new();
	int r = AX_RUN(AX_CALL(refresh));
	ax_brwlock_free(cache_lock);
	return r == 30 ? 0 : 1;
}
