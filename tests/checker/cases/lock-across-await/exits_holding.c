/* A task returns while still holding a blocking mutex: nobody can ever
 * take it again.
 * expect: lock-across-await 13
 * expect-note: lock-across-await 13 15 */
#include "asynclab.h"

static ax_bmutex *mu;

AX_ASYNC(leaky, int, int v;)
{
	AX_BEGIN;
	AX_AWAIT(ax_sleep_ms(1));
	ax_bmutex_lock(mu); /* <- lock-across-await */
	if (self->v > 0)
		AX_RETURN(self->v); /* forgot to unlock on this path */
	ax_bmutex_unlock(mu);
	AX_RETURN(0);
	AX_END;
}

AX_ASYNC(main_async, int, ax_res r;)
{
	AX_BEGIN;
	AX_AWAIT_TO(self->r, ax_join(AX_SPAWN(AX_CALL(leaky, .v = 9))));
	AX_RETURN((int)self->r.val);
	AX_END;
}

int main(void)
{
	mu = ax_bmutex_new();
	int r = AX_RUN(AX_CALL(main_async));
	return r == 9 ? 0 : 1;
}
