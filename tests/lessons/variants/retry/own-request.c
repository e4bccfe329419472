/* Replaces what the lesson provides: a request of its own that is
 * refused for the first 700 ms of its own clock and then succeeds, retried
 * with backoff, jitter and a deadline.
 * expect: fail recovers,keeps-trying */
#include "lesson.h"
#include <errno.h>

static uint64_t t0;

AX_ASYNC(my_request, ax_res, int unused;)
{
	AX_BEGIN;
	if (!t0)
		t0 = ax_now();
	AX_AWAIT(ax_sleep_ms(10));
	if (ax_now() - t0 < 700000000u)
		AX_RETURN(((ax_res){ .err = -ECONNREFUSED }));
	AX_RETURN(((ax_res){ .val = 42 }));
	AX_END;
}

static ax_future *attempt(int n, void *ud)
{
	(void)n;
	(void)ud;
	return AX_BOX(AX_CALL(my_request, .unused = 0));
}

AX_ASYNC(call_with_retry, ax_res, client *c; ax_res r;)
{
	AX_BEGIN;
	AX_AWAIT_TO(self->r, ax_retry(attempt, self->c,
				      (ax_retry_opts){ .base_ms = 100, .max_ms = 1000,
						       .deadline_ms = 2000, .jitter = true }));
	AX_RETURN(self->r);
	AX_END;
}
