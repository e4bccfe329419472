/* Wrong: each task's handle awaited right after its spawn: the thumbnails
 * are made one at a time.
 * expect: fail ran-concurrently,upload-time */
#include "lesson.h"

AX_ASYNC(process_upload, int, int upload; int n; int i; ax_res r; int total;)
{
	AX_BEGIN;
	ax_task_detach(AX_SPAWN(AX_CALL(audit, .upload = self->upload)));
	for (self->i = 1; self->i <= self->n; self->i++) {
		AX_AWAIT_TO(self->r, ax_join(AX_SPAWN(AX_CALL(thumbnail, .upload = self->upload,
							      .id = self->i))));
		self->total += (int)self->r.val;
	}
	AX_RETURN(self->total);
	AX_END;
}
