/* Wrong: batches of LIMIT joined one after another; each batch waits for
 * its slowest resize while the service has free places.
 * expect: fail kept-busy */
#include "lesson.h"

AX_ASYNC(resize_all, ax_val, int images; int i; ax_vals v; ax_val total;)
{
	AX_BEGIN;
	for (self->i = 1; self->i + 2 <= self->images; self->i += 3) {
		AX_AWAIT_TO(self->v, AX_JOIN(AX_CALL(resize, .id = self->i),
					     AX_CALL(resize, .id = self->i + 1),
					     AX_CALL(resize, .id = self->i + 2)));
		self->total += self->v.val[0] + self->v.val[1] + self->v.val[2];
	}
	for (; self->i <= self->images; self->i++) {
		AX_AWAIT_TO(self->v.val[0], AX_CALL(resize, .id = self->i));
		self->total += self->v.val[0];
	}
	AX_RETURN(self->total);
	AX_END;
}
