/* Wrong: stops reading at the first alert, leaving the rest of the
 * stream unread.
 * expect: fail every-item,summary */
#include "lesson.h"

AX_ASYNC(watch, int, ax_stream *sensor; summary *sum; ax_opt item;)
{
	AX_BEGIN;
	for (;;) {
		AX_AWAIT_TO(self->item, ax_next(self->sensor));
		if (!self->item.some)
			break;
		AX_AWAIT(AX_CALL(handle, .t = self->item.val));
		if (self->sum->n++ == 0 || self->item.val > self->sum->max)
			self->sum->max = self->item.val;
		if (self->item.val > 30)
			break;
	}
	ax_stream_free(self->sensor);
	AX_RETURN(0);
	AX_END;
}
