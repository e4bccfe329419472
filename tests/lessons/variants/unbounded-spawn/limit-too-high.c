/* Wrong: buffer_unordered with a bound, but not the lesson's: 64 in
 * flight.
 * expect: fail bounded */
#include "lesson.h"

static ax_future *make_upload(ax_val id, void *ud)
{
	(void)ud;
	return AX_BOX(AX_CALL(upload, .id = (int)id));
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
		ax_stream_map_future(ax_stream_range(0, self->files), make_upload, NULL), 64);
	AX_AWAIT_TO(self->n, ax_stream_for_each(self->s, add_size, &self->total));
	AX_RETURN(self->total);
	AX_END;
}
