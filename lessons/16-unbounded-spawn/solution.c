/* Lesson 16: unbounded spawning (anti-pattern).  The reference solution:
 * the uploads are a stream of futures with at most UPLOAD_LIMIT in
 * flight. */
#include "lesson.h"

/* One upload future per file number: the stream's items. */
static ax_future *make_upload(ax_val id, void *ud)
{
	(void)ud;
	return AX_BOX(AX_CALL(upload, .id = (int)id));
}

/* Add each finished upload's size to the total (a for_each callback that
 * needs no future of its own). */
static ax_future *add_size(ax_val kb, void *ud)
{
	*(long *)ud += (long)kb;
	return NULL;
}

/* async fn upload_all(files) -> i64 */
AX_ASYNC(upload_all, long, int files; ax_stream *s; long total; size_t n;)
{
	AX_BEGIN;
	/* Bounded concurrency.  A task per file with no limit lets the
	 * input decide how much runs at once: every task, timer and
	 * connection together, and with a larger input, memory runs out.
	 * buffer_unordered keeps UPLOAD_LIMIT uploads in flight inside this
	 * one task and starts the next as each finishes.  (A semaphore of
	 * UPLOAD_LIMIT permits, taken before each spawn and given back when
	 * the task ends, bounds spawned tasks the same way.) */
	self->s = ax_stream_buffer_unordered(
		ax_stream_map_future(ax_stream_range(0, self->files), make_upload, NULL),
		UPLOAD_LIMIT);
	AX_AWAIT_TO(self->n, ax_stream_for_each(self->s, add_size, &self->total));
	AX_RETURN(self->total);
	AX_END;
}
