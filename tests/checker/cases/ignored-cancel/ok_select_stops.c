/* select between work and cancellation, leaving the loop when the
 * cancellation wins.
 * expect: none */
#include "asynclab.h"

static ax_token *stop;

AX_ASYNC(worker, int, int i; ax_selected s;)
{
	AX_BEGIN;
	for (self->i = 0; self->i < 100; self->i++) {
		AX_AWAIT_TO(self->s, AX_SELECT(ax_token_cancelled(stop), ax_sleep_ms(10)));
		if (self->s.index == 0)
			break;
	}
	AX_RETURN(self->i);
	AX_END;
}

AX_ASYNC(main_async, int, ax_task *w;)
{
	AX_BEGIN;
	self->w = AX_SPAWN(AX_CALL(worker));
	AX_AWAIT(ax_sleep_ms(50));
	ax_token_cancel(stop);
	AX_AWAIT(ax_join(self->w));
	AX_RETURN(0);
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
