/* A correct route: a helper async function per chunk adds into the
 * caller's frame through a pointer; a local used within one poll only.
 * expect: pass */
#include "lesson.h"
#include <stdio.h>

AX_ASYNC(add_chunk, int, int index; int *total; int size;)
{
	AX_BEGIN;
	AX_AWAIT_TO(self->size, AX_CALL(next_chunk, .index = self->index));
	*self->total += self->size;
	AX_RETURN(self->size);
	AX_END;
}

AX_ASYNC(download, int, int chunks; int i; int total;)
{
	AX_BEGIN;
	while (self->i < self->chunks) {
		AX_AWAIT(AX_CALL(add_chunk, .index = self->i, .total = &self->total));
		int done = ++self->i;
		printf("%d chunks, %d so far\n", done, self->total);
	}
	AX_RETURN(self->total);
	AX_END;
}
