/* The worker checks its token each round and returns when cancelled.
 * expect: none */
#include "asynclab.h"

static ax_token *stop;

AX_ASYNC(worker, int, int i;)
{
	AX_BEGIN;
	for (self->i = 0; self->i < 200; self->i++) {
		if (ax_token_is_cancelled(stop))
			AX_RETURN(self->i);
		AX_AWAIT(ax_sleep_ms(10));
	}
	AX_RETURN(self->i);
	AX_END;
}

AX_ASYNC(main_async, int, ax_task *w; ax_res r;)
{
	AX_BEGIN;
	self->w = AX_SPAWN(AX_CALL(worker));
	AX_AWAIT(ax_sleep_ms(100));
	ax_token_cancel(stop);
	AX_AWAIT_TO(self->r, ax_join(self->w));
	AX_RETURN(self->r.val < 200 ? 0 : 1);
	AX_END;
}

int main(void)
{
	stop = ax_token_new();
	int r = AX_RUN(AX_CALL(main_async));
	ax_token_free(stop);
	return r;
}

/* timing: yes (polls after a cancel made at a real-clock time) */
