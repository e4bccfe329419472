/* Lesson 10: bounded concurrency with buffer_unordered.  The reference
 * solution: a stream of resize futures, at most LIMIT in flight. */
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

/* Turn an image number into a boxed resize future (the stream's items). */
static ax_future *make_resize(ax_val id, void *ud)
{
	(void)ud;
	return AX_BOX(AX_CALL(resize, .id = (int)id));
}

AX_ASYNC(main_async, int, ax_stream *s; size_t done;)
{
	AX_BEGIN;
	/* stream::iter(1..=12).map(resize).buffer_unordered(LIMIT): the
	 * adapter starts futures until LIMIT are in flight, and starts the
	 * next one each time one finishes.  Twelve 100 ms resizes, three at
	 * a time: 4 rounds, 400 ms.  Joining all twelve would take 100 ms
	 * but swamp the service (and with 10000 items, memory); one at a
	 * time wastes 800 ms.  The results come out as they complete
	 * (ax_stream_buffered would keep the input order). */
	self->s = ax_stream_buffer_unordered(
		ax_stream_map_future(ax_stream_range(1, IMAGES + 1), make_resize, NULL),
		LIMIT);
	/* Drive it to the end; no per-item work, so no callback. */
	AX_AWAIT_TO(self->done, ax_stream_for_each(self->s, NULL, NULL));

	printf("[%d ms] %d images resized, peak %d in flight\n", now_ms(),
	       (int)self->done, peak);
	AX_RETURN(0);
	AX_END;
}

int main(void)
{
	return AX_RUN(AX_CALL(main_async));
}
