/* Wrong: bounded and concurrent, but it returns how many uploads ran
 * instead of adding up their sizes.
 * expect: fail all-uploaded */
#include "lesson.h"

static ax_future *make_upload(ax_val id, void *ud)
{
	(void)ud;
	return AX_BOX(AX_CALL(upload, .id = (int)id));
}

static ax_future *ignore(ax_val kb, void *ud)
{
	(void)kb;
	(void)ud;
	return NULL;
}

AX_ASYNC(upload_all, long, int files; ax_stream *s; size_t n;)
{
	AX_BEGIN;
	self->s = ax_stream_buffer_unordered(
		ax_stream_map_future(ax_stream_range(0, self->files), make_upload, NULL),
		UPLOAD_LIMIT);
	AX_AWAIT_TO(self->n, ax_stream_for_each(self->s, ignore, NULL));
	AX_RETURN((long)self->n);
	AX_END;
}
