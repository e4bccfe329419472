/* The worker looks at its token once, at the start, and then loops on:
 * cancelling it changes nothing.
 * expect: ignored-cancel 14 */
#include "asynclab.h"

static ax_token *stop;

AX_ASYNC(worker, int, int i;)
{
	AX_BEGIN;
	if (ax_token_is_cancelled(stop))
		AX_RETURN(0);
	for (self->i = 0; self->i < 200; self->i++)
		AX_AWAIT(ax_sleep_ms(10)); /* <- ignored-cancel */
	AX_RETURN(self->i);
	AX_END;
}

AX_ASYNC(main_async, int, ax_task *w;)
{
	AX_BEGIN;
	self->w = AX_SPAWN_NAMED("worker", AX_CALL(worker));
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
