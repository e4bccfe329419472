/* A blocking mutex is taken, then the task awaits while holding it.  Any
 * other task locking it now blocks the executor thread itself.
 * expect: lock-across-await 12 */
#include "asynclab.h"

static ax_bmutex *mu;
static int counter;

AX_ASYNC(bump, int, int unused;)
{
	AX_BEGIN;
	ax_bmutex_lock(mu); /* <- lock-across-await */
	counter++;
	AX_AWAIT(ax_sleep_ms(50));
	counter++;
	ax_bmutex_unlock(mu);
	AX_RETURN(counter);
	AX_END;
}

int main(void)
{
	mu = ax_bmutex_new();
	int r = AX_RUN(AX_CALL(bump));
	ax_bmutex_free(mu);
	return r == 2 ? 0 : 1;
}
