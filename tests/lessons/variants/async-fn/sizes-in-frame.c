/* A correct route: every size kept in a frame array, summed at the end.
 * expect: pass */
#include "lesson.h"
#include <stdio.h>

AX_ASYNC(download, int, int chunks; int i; int sizes[16]; int sum;)
{
	AX_BEGIN;
	for (self->i = 0; self->i < self->chunks && self->i < 16; self->i++)
		AX_AWAIT_TO(self->sizes[self->i], AX_CALL(next_chunk, .index = self->i));
	for (self->i = 0; self->i < self->chunks && self->i < 16; self->i++)
		self->sum += self->sizes[self->i];
	printf("total %d\n", self->sum);
	AX_RETURN(self->sum);
	AX_END;
}
