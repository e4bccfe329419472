/* Wrong: the wait is raced against the token, but when the token wins the
 * worker goes round its loop again instead of leaving it.
 * expect: fail leaves-loop
 * end: unfinished */
#include "lesson.h"

AX_ASYNC(worker, int, batches *src; ax_token *tok; ax_selected sel; int done;)
{
	AX_BEGIN;
	for (;;) {
		AX_AWAIT_TO(self->sel, AX_SELECT(AX_CALL(next_batch, .src = self->src),
						 ax_token_cancelled(self->tok)));
		if (self->sel.index == 1)
			continue;
		if (self->sel.val == 0)
			break;
		AX_AWAIT(AX_CALL(process, .batch = (int)self->sel.val));
		self->done++;
	}
	AX_RETURN(self->done);
	AX_END;
}
