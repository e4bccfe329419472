/* Lesson 16: unbounded spawning (anti-pattern).
 *
 * The lesson asks upload_all to upload a few hundred files (upload, 10 ms
 * each, is provided: see lesson.h) and add up their sizes.  Run it: one
 * task per file is spawned, all at once, and every upload is in flight
 * together. */
#include "lesson.h"
#include <stdlib.h>

/* async fn upload_all(files) -> i64 */
AX_ASYNC(upload_all, long, int files; ax_task **h; int i; ax_res r; long total;)
{
	AX_BEGIN;
	self->h = malloc((size_t)self->files * sizeof *self->h);
	if (!self->h)
		AX_RETURN(-1);
	/* TODO(you): one task per file, with no bound: every upload starts
	 * at once, each with its own task, timer and connection.  Keep at
	 * most UPLOAD_LIMIT uploads in flight instead (a stream with
	 * ax_stream_buffer_unordered, or a semaphore around the spawns). */
	for (self->i = 0; self->i < self->files; self->i++)
		self->h[self->i] = AX_SPAWN(AX_CALL(upload, .id = self->i));

	for (self->i = 0; self->i < self->files; self->i++) {
		AX_AWAIT_TO(self->r, ax_join(self->h[self->i]));
		self->total += self->r.val;
	}
	free(self->h);
	AX_RETURN(self->total);
	AX_END;
}
