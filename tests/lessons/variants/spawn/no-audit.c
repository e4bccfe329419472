/* Wrong: the thumbnails are right, but the audit record is forgotten.
 * expect: fail audit-written */
#include "lesson.h"

AX_ASYNC(process_upload, int, int upload; int n; ax_task *h[8]; int i; ax_res r; int total;)
{
	AX_BEGIN;
	for (self->i = 0; self->i < self->n; self->i++)
		self->h[self->i] = AX_SPAWN(AX_CALL(thumbnail, .upload = self->upload,
						    .id = self->i + 1));
	for (self->i = 0; self->i < self->n; self->i++) {
		AX_AWAIT_TO(self->r, ax_join(self->h[self->i]));
		self->total += (int)self->r.val;
	}
	AX_RETURN(self->total);
	AX_END;
}
