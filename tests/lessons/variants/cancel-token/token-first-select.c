/* A correct route: no check before the wait; the token raced first in the
 * select, and the loop left when it wins.
 * expect: pass */
#include "lesson.h"

AX_ASYNC(worker, int, batches *src; ax_token *tok; ax_selected sel; int done;)
{
	AX_BEGIN;
	for (;;) {
		AX_AWAIT_TO(self->sel, AX_SELECT(ax_token_cancelled(self->tok),
						 AX_CALL(next_batch, .src = self->src)));
		if (self->sel.index == 0 || self->sel.val == 0)
			break;
		AX_AWAIT(AX_CALL(process, .batch = (int)self->sel.val));
		self->done++;
	}
	AX_RETURN(self->done);
	AX_END;
}
