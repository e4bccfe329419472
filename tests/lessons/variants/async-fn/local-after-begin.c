/* Wrong: the total is a plain C local declared after AX_BEGIN; the jump
 * to the await skips its initialisation, so it holds garbage.
 * expect: fail frame-locals,running-total */
#include "lesson.h"
#include <stdio.h>

AX_ASYNC(download, int, int chunks; int i; int size;)
{
	AX_BEGIN;
	int total = 0;
	for (self->i = 0; self->i < self->chunks; self->i++) {
		AX_AWAIT_TO(self->size, AX_CALL(next_chunk, .index = self->i));
		total += self->size;
		printf("chunk %d: %d bytes, %d so far\n", self->i + 1, self->size, total);
	}
	AX_RETURN(total);
	AX_END;
}
