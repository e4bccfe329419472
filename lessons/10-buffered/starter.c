/* Lesson 10: bounded concurrency with buffer_unordered.
 *
 * Twelve images need resizing (resize is provided by the lesson: see
 * lesson.h).  The service accepts at most LIMIT (3) requests at a time.
 * Run it: one at a time, the service is mostly idle. */
#include "lesson.h"

/* async fn resize_all(images) -> i64 */
AX_ASYNC(resize_all, ax_val, int images; int i; int kb; ax_val total;)
{
	AX_BEGIN;
	/* TODO(you): one resize at a time leaves the service mostly idle.
	 * Run them LIMIT at a time: turn the image numbers into a stream
	 * of resize futures and let ax_stream_buffer_unordered keep LIMIT
	 * of them in flight. */
	for (self->i = 1; self->i <= self->images; self->i++) {
		AX_AWAIT_TO(self->kb, AX_CALL(resize, .id = self->i));
		self->total += self->kb;
	}
	AX_RETURN(self->total);
	AX_END;
}
