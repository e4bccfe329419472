/* Lesson 1: an async function is a frame plus a poll function.
 *
 * download() waits for five chunks (10 ms each) and adds up their sizes.
 * Run it: the running total is wrong after every chunk, and so is the
 * result.  Find out why, and fix it. */
#include <asynclab.h>
#include <stdio.h>

static const int chunk_bytes[] = { 512, 1024, 256, 2048, 128 };
#define NCHUNKS 5

/* async fn download() -> i32 */
AX_ASYNC(download, int, int i;)
{
	/* TODO(you): total must keep its value across the await below.
	 * Does a plain C local do that? */
	int total = 0;

	AX_BEGIN;
	for (self->i = 0; self->i < NCHUNKS; self->i++) {
		AX_AWAIT(ax_sleep_ms(10)); /* the next chunk arrives */
		total += chunk_bytes[self->i];
		printf("chunk %d: %d bytes, %d so far\n", self->i + 1,
		       chunk_bytes[self->i], total);
	}
	AX_RETURN(total);
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
