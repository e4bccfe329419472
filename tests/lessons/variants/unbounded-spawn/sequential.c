/* Wrong: bounded, but to one: each upload is awaited before the next.
 * expect: fail still-concurrent */
#include "lesson.h"

AX_ASYNC(upload_all, long, int files; int i; int kb; long total;)
{
	AX_BEGIN;
	for (self->i = 0; self->i < self->files; self->i++) {
		AX_AWAIT_TO(self->kb, AX_CALL(upload, .id = self->i));
		self->total += self->kb;
	}
	AX_RETURN(self->total);
	AX_END;
}
