/* After seeing the cancel the worker flushes for a few more rounds, then
 * stops: a short, bounded clean-up is fine.
 * expect: none */
#include "asynclab.h"

static ax_token *stop;

AX_ASYNC(worker, int, int i; int flush;)
{
	AX_BEGIN;
	for (self->i = 0; self->i < 1000; self->i++) {
		if (ax_token_is_cancelled(stop))
			break;
		AX_AWAIT(ax_sleep_ms(10));
	}
	for (self->flush = 0; self->flush < 5; self->flush++)
		AX_AWAIT(ax_sleep_ms(1));
	AX_RETURN(0);
	AX_END;
}

AX_ASYNC(main_async, int, ax_task *w;)
{
	AX_BEGIN;
	self->w = AX_SPAWN(AX_CALL(worker));
	AX_AWAIT(ax_sleep_ms(100));
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
