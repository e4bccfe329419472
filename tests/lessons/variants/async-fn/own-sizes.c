/* Replaces what the lesson provides: its own table of chunk sizes and its
 * own waiting instead of next_chunk.
 * expect: fail every-chunk,running-total */
#include "lesson.h"
#include <stdio.h>

static const int chunk_bytes[] = { 512, 1024, 256, 2048, 128 };

AX_ASYNC(download, int, int chunks; int i; int total;)
{
	AX_BEGIN;
	for (self->i = 0; self->i < self->chunks; self->i++) {
		AX_AWAIT(ax_sleep_ms(10));
		self->total += chunk_bytes[self->i % 5];
	}
	AX_RETURN(self->total);
	AX_END;
}
