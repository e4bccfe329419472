/* A correct route: the loop runs in a task of its own, spawned by watch,
 * which awaits its handle.
 * expect: pass */
#include "lesson.h"

AX_ASYNC(reader, int, ax_stream *s; summary *sum; ax_opt item;)
{
	AX_BEGIN;
	while (1) {
		AX_AWAIT_TO(self->item, ax_next(self->s));
		if (!self->item.some)
			break;
		AX_AWAIT(AX_CALL(handle, .t = self->item.val));
		if (self->sum->n++ == 0 || self->item.val > self->sum->max)
			self->sum->max = self->item.val;
	}
	ax_stream_free(self->s);
	AX_RETURN(0);
	AX_END;
}

AX_ASYNC(watch, int, ax_stream *sensor; summary *sum; ax_res r;)
{
	AX_BEGIN;
	AX_AWAIT_TO(self->r, ax_join(AX_SPAWN(AX_CALL(reader, .s = self->sensor,
						      .sum = self->sum))));
	AX_RETURN(0);
	AX_END;
}
