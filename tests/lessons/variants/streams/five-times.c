/* Wrong: takes exactly five readings, the number in the lesson text,
 * instead of reading until the stream ends.
 * expect: fail every-item,summary */
#include "lesson.h"

AX_ASYNC(watch, int, ax_stream *sensor; summary *sum; ax_opt item; int i;)
{
	AX_BEGIN;
	for (self->i = 0; self->i < 5; self->i++) {
		AX_AWAIT_TO(self->item, ax_next(self->sensor));
		AX_AWAIT(AX_CALL(handle, .t = self->item.val));
		if (self->sum->n++ == 0 || self->item.val > self->sum->max)
			self->sum->max = self->item.val;
	}
	ax_stream_free(self->sensor);
	AX_RETURN(0);
	AX_END;
}
