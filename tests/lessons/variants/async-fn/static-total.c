/* Wrong: a static total survives the awaits, but also the call: the
 * second download goes on from the first one's total.
 * expect: fail running-total */
#include "lesson.h"
#include <stdio.h>

AX_ASYNC(download, int, int chunks; int i; int size;)
{
	static int total;
	AX_BEGIN;
	for (self->i = 0; self->i < self->chunks; self->i++) {
		AX_AWAIT_TO(self->size, AX_CALL(next_chunk, .index = self->i));
		total += self->size;
		printf("chunk %d: %d bytes, %d so far\n", self->i + 1, self->size, total);
	}
	AX_RETURN(total);
	AX_END;
}
