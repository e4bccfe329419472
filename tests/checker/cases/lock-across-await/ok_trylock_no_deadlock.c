/* A lock held across an await is reported, but the task that wants it
 * only tries and moves on when it is taken: nobody blocks, no deadlock.
 * expect: lock-across-await 12 */
#include "asynclab.h"

static ax_bmutex *mu;
static int done, skipped;

AX_ASYNC(holder, int, int unused;)
{
	AX_BEGIN;
	ax_bmutex_lock(mu); /* <- lock-across-await */
	AX_AWAIT(ax_sleep_ms(20));
	done++;
	ax_bmutex_unlock(mu);
	AX_RETURN(0);
	AX_END;
}

AX_ASYNC(poller, int, int unused;)
{
	AX_BEGIN;
	while (!done) {
		if (ax_bmutex_trylock(mu))
			ax_bmutex_unlock(mu);
		else
			skipped++;
		AX_AWAIT(ax_sleep_ms(5));
	}
	AX_RETURN(skipped);
	AX_END;
}

AX_ASYNC(main_async, int, ax_task *a; ax_task *b;)
{
	AX_BEGIN;
	self->a = AX_SPAWN(AX_CALL(holder));
	self->b = AX_SPAWN(AX_CALL(poller));
	AX_AWAIT(ax_join(self->a));
	AX_AWAIT(ax_join(self->b));
	AX_RETURN(skipped);
	AX_END;
}

int main(void)
{
	mu = ax_bmutex_new();
	int r = AX_RUN(AX_CALL(main_async));
	ax_bmutex_free(mu);
	return r > 0 ? 0 : 1;
}

/* timing: yes (real-clock sleeps of different tasks race each other) */
