/* Wrong: jitter drawn from a generator every client seeds the same way,
 * so a and b draw the same delays and still come back together.
 * expect: fail jitter */
#include "lesson.h"

AX_ASYNC(call_with_retry, ax_res, client *c; ax_res r; uint64_t start; uint64_t rng; int n;
	 uint64_t wait;)
{
	AX_BEGIN;
	self->start = ax_now();
	self->rng = 42;
	for (self->n = 1;; self->n++) {
		AX_AWAIT_TO(self->r, AX_CALL(request, .c = self->c));
		if (self->r.err == 0)
			break;
		ax_retry_opts o = { .base_ms = 100, .max_ms = 1000, .jitter = true };
		self->wait = ax_retry_delay_ms(&o, self->n, &self->rng);
		if (ax_now() + self->wait * 1000000u > self->start + 2000000000u)
			break;
		AX_AWAIT(ax_sleep_ms(self->wait));
	}
	AX_RETURN(self->r);
	AX_END;
}
