/* Wrong for this lesson: the thumbnails joined inside process_upload's own
 * task, none of them spawned.
 * expect: fail spawned */
#include "lesson.h"

AX_ASYNC(process_upload, int, int upload; int n; int i; ax_vals v; int total;)
{
	AX_BEGIN;
	ax_task_detach(AX_SPAWN(AX_CALL(audit, .upload = self->upload)));
	ax_future *f[8];
	for (int i = 0; i < self->n && i < 8; i++)
		f[i] = AX_BOX(AX_CALL(thumbnail, .upload = self->upload, .id = i + 1));
	AX_AWAIT_TO(self->v, ax_join_all(self->n, f));
	for (self->i = 0; self->i < self->n; self->i++)
		self->total += (int)self->v.val[self->i];
	AX_RETURN(self->total);
	AX_END;
}
