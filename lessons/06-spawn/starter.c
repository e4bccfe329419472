/* Lesson 6: spawning background tasks.
 *
 * process_upload makes an upload's thumbnails in the background and
 * writes an audit record; thumbnail and audit are provided by the lesson
 * (see lesson.h).  It must return the thumbnails' total size; nobody needs
 * anything from the audit record.  Run it: it returns 0 at once, and the
 * thumbnails finish after nobody is waiting for them any more. */
#include "lesson.h"

#define MAX_THUMBS 8

/* async fn process_upload(upload, n) -> i32 */
AX_ASYNC(process_upload, int, int upload; int n; ax_task *h[MAX_THUMBS]; int i; ax_res r;
	 int total;)
{
	AX_BEGIN;
	/* Fire and forget: nobody needs the audit task's output. */
	ax_task_detach(AX_SPAWN(AX_CALL(audit, .upload = self->upload)));

	for (self->i = 0; self->i < self->n && self->i < MAX_THUMBS; self->i++) {
		self->h[self->i] = AX_SPAWN(AX_CALL(thumbnail, .upload = self->upload,
						    .id = self->i + 1));
		/* TODO(you): we need this task's output, so this handle must
		 * not be thrown away.  Keep it, and after the loop await every
		 * handle, adding its output to self->total. */
		ax_task_detach(self->h[self->i]);
	}
	AX_RETURN(self->total);
	AX_END;
}
