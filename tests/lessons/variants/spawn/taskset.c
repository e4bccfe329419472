/* A correct route: the thumbnails in a task set, their outputs collected
 * as each finishes.
 * expect: pass */
#include "lesson.h"

AX_ASYNC(process_upload, int, int upload; int n; int i; ax_taskset *ts; ax_opt next;
	 int total;)
{
	AX_BEGIN;
	ax_task_detach(AX_SPAWN(AX_CALL(audit, .upload = self->upload)));
	self->ts = ax_taskset_new();
	AX_TASKSET_OWN(self->ts);
	for (self->i = 1; self->i <= self->n; self->i++)
		AX_TASKSET_SPAWN(self->ts, AX_CALL(thumbnail, .upload = self->upload, .id = self->i));
	for (;;) {
		AX_AWAIT_TO(self->next, ax_taskset_join_next(self->ts));
		if (!self->next.some)
			break;
		self->total += (int)self->next.val;
	}
	AX_RETURN(self->total);
	AX_END;
}
