/* Lesson 7: cooperative cancellation with a token.
 *
 * A worker waits for batches (one arrives every 100 ms) and processes
 * each in 20 ms; next_batch and process are provided by the lesson (see
 * lesson.h).  While the worker waits for its third batch, the lesson
 * cancels the token and waits for the worker to stop.  Run it: the worker
 * ignores the token and goes on until the lesson gives up on it. */
#include "lesson.h"

/* async fn worker(src, tok) -> i32 */
AX_ASYNC(worker, int, batches *src; ax_token *tok; int batch; int done;)
{
	AX_BEGIN;
	if (ax_token_is_cancelled(self->tok))
		AX_RETURN(0); /* cancelled before it even started */
	for (;;) {
		/* TODO(you): stop when the token is cancelled.  Check it
		 * before each batch, and do not sit out a wait after a
		 * cancel: race the wait against ax_token_cancelled(tok). */
		AX_AWAIT_TO(self->batch, AX_CALL(next_batch, .src = self->src));
		if (!self->batch)
			break; /* no more batches */
		AX_AWAIT(AX_CALL(process, .batch = self->batch));
		self->done++;
	}
	AX_RETURN(self->done);
	AX_END;
}
