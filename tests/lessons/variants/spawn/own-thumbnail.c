/* Replaces what the lesson provides: thumbnails of its own that take no
 * time and have the sizes of the lesson text.
 * expect: fail results,waited-for */
#include "lesson.h"

AX_ASYNC(my_thumbnail, int, int id;)
{
	AX_BEGIN;
	AX_RETURN(self->id * 1000);
	AX_END;
}

AX_ASYNC(process_upload, int, int upload; int n; ax_task *h[8]; int i; ax_res r; int total;)
{
	AX_BEGIN;
	ax_task_detach(AX_SPAWN(AX_CALL(audit, .upload = self->upload)));
	for (self->i = 0; self->i < self->n; self->i++)
		self->h[self->i] = AX_SPAWN(AX_CALL(my_thumbnail, .id = self->i + 1));
	for (self->i = 0; self->i < self->n; self->i++) {
		AX_AWAIT_TO(self->r, ax_join(self->h[self->i]));
		self->total += (int)self->r.val;
	}
	AX_RETURN(self->total);
	AX_END;
}
