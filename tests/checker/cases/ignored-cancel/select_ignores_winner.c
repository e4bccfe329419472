/* The worker races its work against the token's cancelled future but
 * never looks at which one won; a child token is cancelled through its
 * parent.
 * expect: ignored-cancel 14 */
#include "asynclab.h"

static ax_token *root, *child;

AX_ASYNC(worker, int, int i; ax_selected s;)
{
	AX_BEGIN;
	for (self->i = 0; self->i < 100; self->i++) {
		AX_AWAIT_TO(self->s, AX_SELECT(ax_token_cancelled(child), ax_sleep_ms(10)));
		AX_AWAIT(ax_sleep_ms(5)); /* <- ignored-cancel */
	}
	AX_RETURN(self->i);
	AX_END;
}

AX_ASYNC(main_async, int, ax_task *w;)
{
	AX_BEGIN;
	self->w = AX_SPAWN(AX_CALL(worker));
	AX_AWAIT(ax_sleep_ms(50));
	ax_token_cancel(root);
	AX_AWAIT(ax_join(self->w));
	AX_RETURN(0);
	AX_END;
}

int main(void)
{
	root = ax_token_new();
	child = ax_token_child(root);
	int r = AX_RUN(AX_CALL(main_async));
	ax_token_free(child);
	ax_token_free(root);
	return r;
}

/* timing: yes (polls after a cancel made at a real-clock time) */
