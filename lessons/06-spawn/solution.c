/* Lesson 6: spawning background tasks.  The reference solution: the
 * thumbnails run as tasks whose JoinHandles process_upload keeps and
 * awaits; the audit record is fire-and-forget. */
#include "lesson.h"

#define MAX_THUMBS 8

/* async fn process_upload(upload, n) -> i32 */
AX_ASYNC(process_upload, int, int upload; int n; ax_task *h[MAX_THUMBS]; int i; ax_res r;
	 int total;)
{
	AX_BEGIN;
	/* Fire and forget: nobody needs the audit task's output, so its
	 * handle is given up at once.  It still has to finish before the
	 * program does: when main returns, the runtime drops every task
	 * left. */
	ax_task_detach(AX_SPAWN(AX_CALL(audit, .upload = self->upload)));

	for (self->i = 0; self->i < self->n && self->i < MAX_THUMBS; self->i++)
		self->h[self->i] = AX_SPAWN(AX_CALL(thumbnail, .upload = self->upload,
						    .id = self->i + 1));
	/* All of them are running now, side by side.  Awaiting the handles
	 * one after another still takes only as long as the slowest: the
	 * tasks do not wait for us to await them.  (Spawning and awaiting
	 * inside the same loop turn would run them one at a time.) */
	for (self->i = 0; self->i < self->n && self->i < MAX_THUMBS; self->i++) {
		AX_AWAIT_TO(self->r, ax_join(self->h[self->i]));
		if (self->r.err == 0)
			self->total += (int)self->r.val;
	}
	AX_RETURN(self->total);
	AX_END;
}
