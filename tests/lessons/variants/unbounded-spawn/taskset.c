/* A correct route: a task set that never holds more than UPLOAD_LIMIT
 * uploads; when it is full, the next one to finish is joined first.
 * expect: pass */
#include "lesson.h"

AX_ASYNC(upload_all, long, int files; ax_taskset *ts; int i; ax_opt next; long total;)
{
	AX_BEGIN;
	self->ts = ax_taskset_new();
	AX_TASKSET_OWN(self->ts);
	for (self->i = 0; self->i < self->files; self->i++) {
		while (ax_taskset_len(self->ts) >= UPLOAD_LIMIT) {
			AX_AWAIT_TO(self->next, ax_taskset_join_next(self->ts));
			self->total += self->next.val;
		}
		AX_TASKSET_SPAWN(self->ts, AX_CALL(upload, .id = self->i));
	}
	for (;;) {
		AX_AWAIT_TO(self->next, ax_taskset_join_next(self->ts));
		if (!self->next.some)
			break;
		self->total += self->next.val;
	}
	AX_RETURN(self->total);
	AX_END;
}
