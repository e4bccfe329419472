/* A correct route: the loop written out: an async sleep between
 * attempts, a delay that doubles up to 1000 ms, jitter from rand() (one
 * sequence shared by every client) and the deadline from ax_now().
 * expect: pass */
#include "lesson.h"
#include <stdlib.h>

AX_ASYNC(call_with_retry, ax_res, client *c; ax_res r; uint64_t start; int delay; int wait;)
{
	AX_BEGIN;
	self->start = ax_now();
	self->delay = 100;
	for (;;) {
		AX_AWAIT_TO(self->r, AX_CALL(request, .c = self->c));
		if (self->r.err == 0)
			break;
		self->wait = self->delay / 2 + rand() % (self->delay - self->delay / 2 + 1);
		if (ax_now() + (uint64_t)self->wait * 1000000u > self->start + 2000000000u)
			break;
		AX_AWAIT(ax_sleep_ms((uint64_t)self->wait));
		self->delay = self->delay * 2 > 1000 ? 1000 : self->delay * 2;
	}
	AX_RETURN(self->r);
	AX_END;
}
