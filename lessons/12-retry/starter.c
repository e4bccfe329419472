/* Lesson 12: retry with exponential backoff and jitter, within a deadline.
 *
 * The lesson provides request (see lesson.h) and calls call_with_retry for
 * three clients at once: a and b call a service that is restarting and
 * refuses every request until 700 ms; c calls a service that stays down.
 * Run it: every client retries at once, hammers its service 20 times in
 * 200 ms, and gives up before the restarting service is back. */
#include "lesson.h"

/* async fn call_with_retry(c) -> Result<i64, Error> */
AX_ASYNC(call_with_retry, ax_res, client *c; ax_res r; int attempt;)
{
	AX_BEGIN;
	for (self->attempt = 1;; self->attempt++) {
		AX_AWAIT_TO(self->r, AX_CALL(request, .c = self->c));
		if (self->r.err == 0 || self->attempt == 20)
			break;
		/* TODO(you): retrying at once hammers a service that is
		 * down.  Wait before each new attempt: 100 ms, then 200,
		 * 400, ... (never more than 1000 ms), each with random
		 * jitter, and start no attempt later than 2000 ms after the
		 * first.  ax_retry does all of that for you. */
	}
	AX_RETURN(self->r);
	AX_END;
}
