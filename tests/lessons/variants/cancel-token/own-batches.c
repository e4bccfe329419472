/* Replaces what the lesson provides: its own batch timing and counting
 * instead of next_batch and process.
 * expect: fail stops-cleanly */
#include "lesson.h"

AX_ASYNC(worker, int, batches *src; ax_token *tok; ax_selected sel; int done;)
{
	AX_BEGIN;
	while (!ax_token_is_cancelled(self->tok)) {
		AX_AWAIT_TO(self->sel, AX_SELECT(ax_sleep_ms(100), ax_token_cancelled(self->tok)));
		if (self->sel.index == 1)
			break;
		AX_AWAIT(ax_sleep_ms(20));
		self->done++;
	}
	AX_RETURN(self->done);
	AX_END;
}
