/* Lesson 7: cooperative cancellation with a token.  The reference
 * solution: the worker checks the token between batches and races its
 * waits against the token's cancelled future. */
#include "lesson.h"

/* async fn worker(src, tok) -> i32 */
AX_ASYNC(worker, int, batches *src; ax_token *tok; ax_selected sel; int done;)
{
	AX_BEGIN;
	for (;;) {
		/* A safe point: nothing is half done here.  Checking the
		 * token is cheap; do it at every such point. */
		if (ax_token_is_cancelled(self->tok))
			break;
		/* Waiting is where a worker spends most of its time, and a
		 * check before the wait cannot see a cancel that comes
		 * during it.  Race the wait against the token (Rust:
		 * select! { _ = token.cancelled() => break, b = next => ... }).
		 * The select drops the loser: here the pending wait. */
		AX_AWAIT_TO(self->sel, AX_SELECT(AX_CALL(next_batch, .src = self->src),
						 ax_token_cancelled(self->tok)));
		if (self->sel.index == 1 || self->sel.val == 0)
			break;
		/* A batch once started is finished: cooperative cancellation
		 * lets the worker choose where it stops. */
		AX_AWAIT(AX_CALL(process, .batch = (int)self->sel.val));
		self->done++;
	}
	AX_RETURN(self->done);
	AX_END;
}
