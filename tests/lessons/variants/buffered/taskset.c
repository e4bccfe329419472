/* A correct route: a task set that never holds more than LIMIT resizes;
 * when it is full, the next one to finish is joined before another
 * starts.
 * expect: pass */
#include "lesson.h"

AX_ASYNC(resize_all, ax_val, int images; ax_taskset *ts; int i; ax_opt next; ax_val total;)
{
	AX_BEGIN;
	self->ts = ax_taskset_new();
	AX_TASKSET_OWN(self->ts);
	for (self->i = 1; self->i <= self->images; self->i++) {
		while (ax_taskset_len(self->ts) >= LIMIT) {
			AX_AWAIT_TO(self->next, ax_taskset_join_next(self->ts));
			self->total += self->next.val;
		}
		AX_TASKSET_SPAWN(self->ts, AX_CALL(resize, .id = self->i));
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
