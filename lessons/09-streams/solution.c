/* Lesson 9: streams, processing items as they arrive.  The reference
 * solution: `while let Some(t) = sensor.next().await { handle(t).await }`
 * with ax_next. */
#include "lesson.h"

/* async fn watch(sensor, sum) */
AX_ASYNC(watch, int, ax_stream *sensor; summary *sum; ax_opt item;)
{
	AX_BEGIN;
	/* Async iteration: each ax_next polls the stream's poll_next until
	 * it yields an item (some) or the end (!some).  Between readings this
	 * task sleeps, and each reading is handled the moment it arrives,
	 * before the next one is asked for.  Collecting first would hold
	 * every reading (and the alert) until the stream ends, and needs
	 * memory for all of them. */
	for (;;) {
		AX_AWAIT_TO(self->item, ax_next(self->sensor));
		if (!self->item.some)
			break;
		AX_AWAIT(AX_CALL(handle, .t = self->item.val));
		self->sum->n++;
		if (self->sum->n == 1 || self->item.val > self->sum->max)
			self->sum->max = self->item.val;
	}
	ax_stream_free(self->sensor); /* ax_next borrows the stream; we own it */
	AX_RETURN(0);
	AX_END;
}
