/* A correct route: the loop condition checks the token, the wait is raced
 * against it, and the batch is processed only when the wait won.
 * expect: pass */
#include "lesson.h"

AX_ASYNC(worker, int, batches *src; ax_token *tok; ax_selected sel; int done;)
{
	AX_BEGIN;
	while (!ax_token_is_cancelled(self->tok)) {
		AX_AWAIT_TO(self->sel, AX_SELECT(AX_CALL(next_batch, .src = self->src),
						 ax_token_cancelled(self->tok)));
		if (self->sel.index == 0 && self->sel.val == 0)
			break;
		if (self->sel.index == 0) {
			AX_AWAIT(AX_CALL(process, .batch = (int)self->sel.val));
			self->done++;
		}
	}
	AX_RETURN(self->done);
	AX_END;
}
