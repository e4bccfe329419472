/* Lesson 1: an async function is a frame plus a poll function.  The
 * reference solution: the running total lives in the frame. */
#include "lesson.h"
#include <stdio.h>

/* async fn download(chunks) -> i32
 *
 * Everything that must survive an await is a frame field: the loop index
 * i and the running total.  The body is re-entered from the top at every
 * poll and AX_BEGIN jumps to where it left off, so a plain C local would
 * start over (or hold garbage) after each await. */
AX_ASYNC(download, int, int chunks; int i; int size; int total;)
{
	AX_BEGIN;
	for (self->i = 0; self->i < self->chunks; self->i++) {
		AX_AWAIT_TO(self->size, AX_CALL(next_chunk, .index = self->i));
		self->total += self->size;
		printf("chunk %d: %d bytes, %d so far\n", self->i + 1, self->size,
		       self->total);
	}
	AX_RETURN(self->total);
	AX_END;
}
