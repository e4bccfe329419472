/* A correct route: no long wait at all; the worker takes a batch when one
 * has arrived and otherwise sleeps 10 ms, checking the token each turn.
 * expect: pass */
#include "lesson.h"

AX_ASYNC(worker, int, batches *src; ax_token *tok; int batch; int done; int idle;)
{
	AX_BEGIN;
	while (!ax_token_is_cancelled(self->tok)) {
		self->batch = take_batch(self->src);
		if (!self->batch) {
			if (++self->idle > 1000)
				break; /* nothing for 10 s: the source has ended */
			AX_AWAIT(ax_sleep_ms(10));
			continue;
		}
		self->idle = 0;
		AX_AWAIT(AX_CALL(process, .batch = self->batch));
		self->done++;
	}
	AX_RETURN(self->done);
	AX_END;
}
