/* Lesson 10: bounded concurrency with buffer_unordered.
 *
 * Twelve images need resizing, 100 ms each.  The resize service accepts
 * at most 3 requests at a time.  Run it: one at a time, 1200 ms. */
#include <asynclab.h>
#include <stdio.h>

#define IMAGES 12
#define LIMIT 3

static int now_ms(void)
{
	return (int)(ax_now() / 1000000);
}

/* How many resizes are running right now, and the most there ever were. */
static int in_flight, peak;

static void resize_ended(void *frame)
{
	(void)frame;
	in_flight--;
}

/* async fn resize(id) -> i32 */
AX_ASYNC(resize, int, int id;)
{
	AX_BEGIN;
	if (++in_flight > peak)
		peak = in_flight;
	ax_frame_own(&self->ax_fr, self, resize_ended); /* finished or dropped */
	AX_AWAIT(ax_sleep_ms(100));
	printf("[%d ms] image %d resized\n", now_ms(), self->id);
	AX_RETURN(self->id);
	AX_END;
}

AX_ASYNC(main_async, int, int i; int done;)
{
	AX_BEGIN;
	/* TODO(you): one resize at a time leaves the service mostly idle.
	 * Run them LIMIT at a time: turn the image numbers into a stream
	 * of resize futures and let ax_stream_buffer_unordered keep LIMIT
	 * of them in flight. */
	for (self->i = 1; self->i <= IMAGES; self->i++) {
		AX_AWAIT(AX_CALL(resize, .id = self->i));
		self->done++;
	}

	printf("[%d ms] %d images resized, peak %d in flight\n", now_ms(),
	       self->done, peak);
	AX_RETURN(0);
	AX_END;
}

int main(void)
{
	return AX_RUN(AX_CALL(main_async));
}
