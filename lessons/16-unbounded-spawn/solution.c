/* Lesson 16: unbounded spawning (anti-pattern).  The reference solution:
 * the uploads are a stream of futures with at most LIMIT in flight. */
#include <asynclab.h>
#include <stdio.h>
#include <stdlib.h>

#define UPLOADS 10000
#define LIMIT 16

static int now_ms(void)
{
	return (int)(ax_now() / 1000000);
}

/* How many uploads are running right now, and the most there ever were. */
static int in_flight, peak;

static void upload_ended(void *frame)
{
	(void)frame;
	in_flight--;
}

/* async fn upload(id) -> i32: the size in KB. */
AX_ASYNC(upload, int, int id;)
{
	AX_BEGIN;
	if (++in_flight > peak)
		peak = in_flight;
	ax_frame_own(&self->ax_fr, self, upload_ended); /* finished or dropped */
	AX_AWAIT(ax_sleep_ms(50));
	AX_RETURN(self->id % 7 + 1);
	AX_END;
}

/* One upload future per file number: the stream's items. */
static ax_future *make_upload(ax_val id, void *ud)
{
	(void)ud;
	return AX_BOX(AX_CALL(upload, .id = (int)id));
}

/* Add each finished upload's size to the total (a for_each callback that
 * needs no future of its own). */
static ax_future *add_size(ax_val kb, void *ud)
{
	*(long *)ud += (long)kb;
	return NULL;
}

AX_ASYNC(main_async, int, ax_stream *s; long total; size_t n;)
{
	AX_BEGIN;
	/* Bounded concurrency.  A task per item with no limit means the
	 * amount of work in flight is decided by the input size, not by
	 * what the machine or the other side can take: 10000 tasks, timers
	 * and connections at once, and with a larger input, memory runs
	 * out.  buffer_unordered keeps LIMIT uploads in flight inside this
	 * one task and starts the next as each finishes.  (A semaphore of
	 * LIMIT permits, acquired before each spawn and released when the
	 * task ends, bounds spawned tasks the same way.) */
	self->s = ax_stream_buffer_unordered(
		ax_stream_map_future(ax_stream_range(0, UPLOADS), make_upload, NULL),
		LIMIT);
	AX_AWAIT_TO(self->n, ax_stream_for_each(self->s, add_size, &self->total));

	printf("[%d ms] %d uploads done, %ld KB, peak %d in flight\n", now_ms(),
	       UPLOADS, self->total, peak);
	AX_RETURN(0);
	AX_END;
}

int main(void)
{
	return AX_RUN(AX_CALL(main_async));
}
