/* Wrong: a task per image, all spawned at once, then their handles
 * awaited in order; the service gets every request together.
 * expect: fail within-limit */
#include "lesson.h"

#include <stdlib.h>

AX_ASYNC(resize_all, ax_val, int images; ax_task **h; int i; ax_res r; ax_val total;)
{
	AX_BEGIN;
	self->h = calloc((size_t)self->images, sizeof *self->h);
	for (self->i = 0; self->i < self->images; self->i++)
		self->h[self->i] = AX_SPAWN(AX_CALL(resize, .id = self->i + 1));
	for (self->i = 0; self->i < self->images; self->i++) {
		AX_AWAIT_TO(self->r, ax_join(self->h[self->i]));
		self->total += self->r.val;
	}
	free(self->h);
	AX_RETURN(self->total);
	AX_END;
}
