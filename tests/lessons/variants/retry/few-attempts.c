/* Wrong: backoff and jitter, but a limit of three attempts instead of a
 * deadline: every client gives up after 300 ms or so.
 * expect: fail recovers,keeps-trying */
#include "lesson.h"

static ax_future *attempt(int n, void *ud)
{
	(void)n;
	return AX_BOX(AX_CALL(request, .c = ud));
}

AX_ASYNC(call_with_retry, ax_res, client *c; ax_res r;)
{
	AX_BEGIN;
	AX_AWAIT_TO(self->r, ax_retry(attempt, self->c,
				      (ax_retry_opts){ .max_attempts = 3, .base_ms = 100,
						       .max_ms = 1000, .jitter = true }));
	AX_RETURN(self->r);
	AX_END;
}
