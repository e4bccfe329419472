/* Wrong: the token is checked before each wait only; the cancel that comes
 * during the wait for batch 3 is seen after that batch was processed.
 * expect: fail stops-promptly */
#include "lesson.h"

AX_ASYNC(worker, int, batches *src; ax_token *tok; int batch; int done;)
{
	AX_BEGIN;
	while (!ax_token_is_cancelled(self->tok)) {
		AX_AWAIT_TO(self->batch, AX_CALL(next_batch, .src = self->src));
		if (!self->batch)
			break;
		AX_AWAIT(AX_CALL(process, .batch = self->batch));
		self->done++;
	}
	AX_RETURN(self->done);
	AX_END;
}
