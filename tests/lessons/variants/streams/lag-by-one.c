/* Wrong: each reading is handled only once the next one has been taken
 * (a look-ahead), so every reading, and the alert, is 50 ms late.
 * expect: fail as-they-arrive */
#include "lesson.h"

AX_ASYNC(watch, int, ax_stream *sensor; summary *sum; ax_opt prev; ax_opt item;)
{
	AX_BEGIN;
	AX_AWAIT_TO(self->prev, ax_next(self->sensor));
	while (self->prev.some) {
		AX_AWAIT_TO(self->item, ax_next(self->sensor));
		AX_AWAIT(AX_CALL(handle, .t = self->prev.val));
		if (self->sum->n++ == 0 || self->prev.val > self->sum->max)
			self->sum->max = self->prev.val;
		self->prev = self->item;
	}
	ax_stream_free(self->sensor);
	AX_RETURN(0);
	AX_END;
}
