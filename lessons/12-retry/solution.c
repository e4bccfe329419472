/* Lesson 12: retry with exponential backoff and jitter, within a deadline.
 * The reference solution: ax_retry with a doubling, capped, jittered delay
 * and a deadline. */
#include "lesson.h"

/* One attempt: a fresh request future each time (a future runs once). */
static ax_future *attempt(int n, void *ud)
{
	(void)n;
	return AX_BOX(AX_CALL(request, .c = ud));
}

/* async fn call_with_retry(c) -> Result<i64, Error>
 *
 * Exponential backoff: after the k-th failure wait 100 * 2^(k-1) ms, at
 * most 1000 ms.  A service that is down gets a few requests spread over
 * time instead of a flood, and each wait gives it longer to recover.
 * Jitter: each delay is drawn from [d/2, d], so that clients that failed
 * together do not all come back at the same instant (a thundering herd
 * that can knock the service over again).  Deadline: stop when the next
 * attempt would start more than 2000 ms after the first; a caller is
 * waiting, and "down" must turn into an error in bounded time. */
AX_ASYNC(call_with_retry, ax_res, client *c; ax_res r;)
{
	AX_BEGIN;
	AX_AWAIT_TO(self->r, ax_retry(attempt, self->c,
				      (ax_retry_opts){ .base_ms = 100,
						       .max_ms = 1000,
						       .deadline_ms = 2000,
						       .jitter = true }));
	AX_RETURN(self->r);
	AX_END;
}
