/* Lesson 1: an async function is a frame plus a poll function.  The
 * reference solution: the running total lives in the frame. */
#include <asynclab.h>
#include <stdio.h>

static const int chunk_bytes[] = { 512, 1024, 256, 2048, 128 };
#define NCHUNKS 5

/* async fn download() -> i32
 *
 * Everything that must survive an await is a frame field: the loop index
 * i and the running total.  The body is re-entered from the top at every
 * poll and AX_BEGIN jumps to where it left off, so a plain C local would
 * start over (or hold garbage) after each await. */
AX_ASYNC(download, int, int i; int total;)
{
	AX_BEGIN;
	for (self->i = 0; self->i < NCHUNKS; self->i++) {
		AX_AWAIT(ax_sleep_ms(10)); /* the next chunk arrives */
		self->total += chunk_bytes[self->i];
		printf("chunk %d: %d bytes, %d so far\n", self->i + 1,
		       chunk_bytes[self->i], self->total);
	}
	AX_RETURN(self->total);
	AX_END;
}

AX_ASYNC(main_async, int, int bytes;)
{
	AX_BEGIN;
	AX_AWAIT_TO(self->bytes, AX_CALL(download));
	printf("downloaded %d bytes in %d ms\n", self->bytes,
	       (int)(ax_now() / 1000000));
	AX_RETURN(0);
	AX_END;
}

int main(void)
{
	return AX_RUN(AX_CALL(main_async));
}
