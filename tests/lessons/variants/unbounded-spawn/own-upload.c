/* Replaces what the lesson provides: an upload of its own that only
 * sleeps, run 16 at a time.
 * expect: fail all-uploaded */
#include "lesson.h"

AX_ASYNC(my_upload, int, int id;)
{
	AX_BEGIN;
	AX_AWAIT(ax_sleep_ms(10));
	AX_RETURN(self->id % 7 + 1);
	AX_END;
}

static ax_future *make_upload(ax_val id, void *ud)
{
	(void)ud;
	return AX_BOX(AX_CALL(my_upload, .id = (int)id));
}

static ax_future *add_size(ax_val kb, void *ud)
{
	*(long *)ud += (long)kb;
	return NULL;
}

AX_ASYNC(upload_all, long, int files; ax_stream *s; long total; size_t n;)
{
	AX_BEGIN;
	self->s = ax_stream_buffer_unordered(
		ax_stream_map_future(ax_stream_range(0, self->files), make_upload, NULL),
		UPLOAD_LIMIT);
	AX_AWAIT_TO(self->n, ax_stream_for_each(self->s, add_size, &self->total));
	AX_RETURN(self->total);
	AX_END;
}
