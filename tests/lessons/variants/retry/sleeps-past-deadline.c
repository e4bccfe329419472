/* Wrong: the deadline is looked at only after the wait, so the client
 * sleeps past it before giving up (and, without jitter, a and b come
 * back together).
 * expect: fail deadline */
#include "lesson.h"

AX_ASYNC(call_with_retry, ax_res, client *c; ax_res r; uint64_t start; int n; uint64_t wait;)
{
	AX_BEGIN;
	self->start = ax_now();
	for (self->n = 1;; self->n++) {
		AX_AWAIT_TO(self->r, AX_CALL(request, .c = self->c));
		if (self->r.err == 0)
			break;
		ax_retry_opts o = { .base_ms = 100, .max_ms = 1000 };
		self->wait = ax_retry_delay_ms(&o, self->n, NULL);
		AX_AWAIT(ax_sleep_ms(self->wait));
		if (ax_now() - self->start > 2000000000u)
			break;
	}
	AX_RETURN(self->r);
	AX_END;
}
