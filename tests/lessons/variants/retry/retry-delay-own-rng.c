/* A correct route: a loop that asks ax_retry_delay_ms for each wait, with
 * a jitter state of its own seeded from the client, and stops at the
 * deadline measured from the first attempt.
 * expect: pass */
#include "lesson.h"
#include <errno.h>
#include <stdint.h>

AX_ASYNC(call_with_retry, ax_res, client *c; ax_res r; uint64_t start; uint64_t rng; int n;
	 uint64_t wait;)
{
	AX_BEGIN;
	self->start = ax_now();
	self->rng = (uint64_t)(uintptr_t)self->c * 0x9E3779B97F4A7C15ull;
	for (self->n = 1;; self->n++) {
		AX_AWAIT_TO(self->r, AX_CALL(request, .c = self->c));
		if (self->r.err == 0)
			break;
		ax_retry_opts o = { .base_ms = 100, .max_ms = 1000, .jitter = true };
		self->wait = ax_retry_delay_ms(&o, self->n, &self->rng);
		if (ax_now() + self->wait * 1000000u > self->start + 2000000000u) {
			self->r.err = -ETIMEDOUT;
			break;
		}
		AX_AWAIT(ax_sleep_ms(self->wait));
	}
	AX_RETURN(self->r);
	AX_END;
}
