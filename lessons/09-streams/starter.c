/* Lesson 9: streams, processing items as they arrive.
 *
 * A sensor (a stream, provided by the lesson: see lesson.h) yields a
 * temperature every 50 ms, then ends.  handle(t) logs a reading and raises
 * the alert for one over 30, which must happen at once.  Run it: every
 * reading, and the alert, is handled only when the stream has ended. */
#include "lesson.h"

#include <stdlib.h>

/* async fn watch(sensor, sum) */
AX_ASYNC(watch, int, ax_stream *sensor; summary *sum; ax_collected all; size_t i;)
{
	AX_BEGIN;
	/* TODO(you): this waits for the stream to END, then handles every
	 * reading at once.  Take the readings one at a time as they arrive
	 * (ax_next) and handle each right away. */
	AX_AWAIT_TO(self->all, ax_stream_collect(self->sensor)); /* frees the stream */
	for (self->i = 0; self->i < self->all.n; self->i++) {
		AX_AWAIT(AX_CALL(handle, .t = self->all.v[self->i]));
		self->sum->n++;
		if (self->sum->n == 1 || self->all.v[self->i] > self->sum->max)
			self->sum->max = self->all.v[self->i];
	}
	free(self->all.v);
	AX_RETURN(0);
	AX_END;
}
