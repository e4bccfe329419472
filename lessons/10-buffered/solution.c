/* Lesson 10: bounded concurrency with buffer_unordered.  The reference
 * solution: a stream of resize futures, at most LIMIT in flight. */
#include "lesson.h"

/* Turn an image number into a boxed resize future (the stream's items). */
static ax_future *make_resize(ax_val id, void *ud)
{
	(void)ud;
	return AX_BOX(AX_CALL(resize, .id = (int)id));
}

/* async fn resize_all(images) -> i64 */
AX_ASYNC(resize_all, ax_val, int images; ax_stream *s; ax_opt kb; ax_val total;)
{
	AX_BEGIN;
	/* stream::iter(1..=images).map(resize).buffer_unordered(LIMIT): the
	 * adapter starts futures until LIMIT are in flight, and starts the
	 * next one each time one finishes, so the service always has LIMIT
	 * requests while images are left.  Joining them all would swamp the
	 * service (and with 10000 images, memory); batches of LIMIT wait for
	 * each batch's slowest; one at a time leaves it idle.  The sizes come
	 * out as the resizes complete (ax_stream_buffered would keep the
	 * input order). */
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
