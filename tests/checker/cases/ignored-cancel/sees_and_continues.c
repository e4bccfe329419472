/* The worker checks its token every round and even sees it cancelled,
 * but only counts the fact and carries on.
 * expect: ignored-cancel 15 */
#include "asynclab.h"

static ax_token *stop;
static int noticed;

AX_ASYNC(worker, int, int i;)
{
	AX_BEGIN;
	for (self->i = 0; self->i < 200; self->i++) {
		if (ax_token_is_cancelled(stop))
			noticed++;
		AX_AWAIT(ax_yield()); /* <- ignored-cancel */
	}
	AX_RETURN(noticed);
	AX_END;
}

AX_ASYNC(main_async, int, ax_task *w; int i;)
{
	AX_BEGIN;
	self->w = AX_SPAWN(AX_CALL(worker));
	for (self->i = 0; self->i < 10; self->i++)
		AX_AWAIT(ax_yield());
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
