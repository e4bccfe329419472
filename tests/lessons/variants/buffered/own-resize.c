/* Replaces what the lesson provides: a resize of its own (100 ms, a fixed
 * size), bounded correctly, so the lesson's service is never used.
 * expect: fail all-done,kept-busy */
#include "lesson.h"

AX_ASYNC(my_resize, int, int id;)
{
	AX_BEGIN;
	AX_AWAIT(ax_sleep_ms(100));
	AX_RETURN(64);
	AX_END;
}

static ax_future *make_resize(ax_val id, void *ud)
{
	(void)ud;
	return AX_BOX(AX_CALL(my_resize, .id = (int)id));
}

AX_ASYNC(resize_all, ax_val, int images; ax_stream *s; ax_opt kb; ax_val total;)
{
	AX_BEGIN;
	self->s = ax_stream_buffer_unordered(
		ax_stream_map_future(ax_stream_range(1, self->images + 1), make_resize, NULL),
		LIMIT);
	for (;;) {
		AX_AWAIT_TO(self->kb, ax_next(self->s));
		if (!self->kb.some)
			break;
		self->total += self->kb.val;
	}
	ax_stream_free(self->s);
	AX_RETURN(self->total);
	AX_END;
}
