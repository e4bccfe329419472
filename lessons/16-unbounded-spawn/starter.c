/* Lesson 16: unbounded spawning (anti-pattern).
 *
 * 10000 files are uploaded, 50 ms each.  Run it: the program spawns one
 * task per file, all at once, and 10001 tasks are alive together. */
#include <asynclab.h>
#include <stdio.h>
#include <stdlib.h>

#define UPLOADS 10000

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

AX_ASYNC(main_async, int, ax_task **h; int i; ax_res r; long total;)
{
	AX_BEGIN;
	self->h = malloc(UPLOADS * sizeof *self->h);
	if (!self->h)
		AX_RETURN(1);
	/* TODO(you): one task per file, with no bound: every upload starts
	 * at once, each with its own task, timer and connection.  Keep at
	 * most 16 uploads in flight instead (a stream with
	 * ax_stream_buffer_unordered, or a semaphore around the spawns). */
	for (self->i = 0; self->i < UPLOADS; self->i++)
		self->h[self->i] = AX_SPAWN(AX_CALL(upload, .id = self->i));

	ax_rt_stats st;
	ax_rt_stats_get(ax_rt_current(), &st);
	printf("[%d ms] live tasks: %llu\n", now_ms(), (unsigned long long)st.live_tasks);

	for (self->i = 0; self->i < UPLOADS; self->i++) {
		AX_AWAIT_TO(self->r, ax_join(self->h[self->i]));
		self->total += self->r.val;
	}
	free(self->h);

	printf("[%d ms] %d uploads done, %ld KB, peak %d in flight\n", now_ms(),
	       UPLOADS, self->total, peak);
	AX_RETURN(0);
	AX_END;
}

int main(void)
{
	return AX_RUN(AX_CALL(main_async));
}
