/* An async mutex may be held across an await: waiting for it suspends the
 * task instead of blocking the thread.
 * expect: none */
#include "asynclab.h"

static ax_mutex *mu;
static int counter;

AX_ASYNC(bump, int, int unused;)
{
	AX_BEGIN;
	AX_AWAIT(ax_mutex_lock(mu));
	counter++;
	AX_AWAIT(ax_sleep_ms(20));
	ax_mutex_unlock(mu);
	AX_RETURN(0);
	AX_END;
}

AX_ASYNC(main_async, int, ax_task *a; ax_task *b;)
{
	AX_BEGIN;
	self->a = AX_SPAWN(AX_CALL(bump));
	self->b = AX_SPAWN(AX_CALL(bump));
	AX_AWAIT(ax_join(self->a));
	AX_AWAIT(ax_join(self->b));
	AX_RETURN(counter);
	AX_END;
}

int main(void)
{
	mu = ax_mutex_new();
	int r = AX_RUN(AX_CALL(main_async));
	ax_mutex_free(mu);
	return r == 2 ? 0 : 1;
}
