/* A correct route: backoff with jitter from ax_retry_delay_ms, giving up
 * when the next attempt would start past the deadline.  Each client's
 * jitter state is seeded in the order the clients start, so that the
 * third client's last attempt starts 9 ms before the deadline and is
 * refused just after it; giving up then, at once, is on time.
 * expect: pass */
#include "lesson.h"
#include <errno.h>
#include <stdint.h>

static const uint64_t seeds[] = { 1, 2, 21 };
static int started;

AX_ASYNC(call_with_retry, ax_res, client *c; ax_res r; uint64_t start; uint64_t rng; int n;
	 uint64_t wait;)
{
	AX_BEGIN;
	self->start = ax_now();
	self->rng = seeds[started++ % 3] * 0x9E3779B97F4A7C15ull;
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
