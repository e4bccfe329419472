/* A correct route: an async helper takes one reading and handles it,
 * returning whether there was one; watch loops on it.
 * expect: pass */
#include "lesson.h"

AX_ASYNC(take_one, int, ax_stream *s; summary *sum; ax_opt item;)
{
	AX_BEGIN;
	AX_AWAIT_TO(self->item, ax_next(self->s));
	if (!self->item.some)
		AX_RETURN(0);
	AX_AWAIT(AX_CALL(handle, .t = self->item.val));
	if (self->sum->n++ == 0 || self->item.val > self->sum->max)
		self->sum->max = self->item.val;
	AX_RETURN(1);
	AX_END;
}

AX_ASYNC(watch, int, ax_stream *sensor; summary *sum; int more;)
{
	AX_BEGIN;
	do
		AX_AWAIT_TO(self->more, AX_CALL(take_one, .s = self->sensor, .sum = self->sum));
	while (self->more);
	ax_stream_free(self->sensor);
	AX_RETURN(0);
	AX_END;
}
