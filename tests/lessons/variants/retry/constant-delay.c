/* Wrong: the same 100 ms after every failure, no growth and no jitter.
 * expect: fail backs-off,jitter */
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
				      (ax_retry_opts){ .base_ms = 100, .max_ms = 100,
						       .deadline_ms = 2000 }));
	AX_RETURN(self->r);
	AX_END;
}
