/* Lesson 1: an async function is a frame plus a poll function.
 *
 * download(chunks) waits for each chunk of a file in turn (next_chunk,
 * provided by the lesson: see lesson.h) and adds up their sizes.  Run it:
 * the running total is wrong after every chunk, and so is the result.
 * Find out why, and fix it. */
#include "lesson.h"
#include <stdio.h>

/* async fn download(chunks) -> i32 */
AX_ASYNC(download, int, int chunks; int i; int size;)
{
	/* TODO(you): total must keep its value across the await below.
	 * Does a plain C local do that? */
	int total = 0;

	AX_BEGIN;
	for (self->i = 0; self->i < self->chunks; self->i++) {
		AX_AWAIT_TO(self->size, AX_CALL(next_chunk, .index = self->i));
		total += self->size;
		printf("chunk %d: %d bytes, %d so far\n", self->i + 1, self->size, total);
	}
	AX_RETURN(total);
	AX_END;
}
