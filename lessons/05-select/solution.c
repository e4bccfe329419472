/* Lesson 5: select, the first completion wins.  The reference solution:
 * the mirrors race in a select, and the archive races a timer. */
#include <asynclab.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>

static int now_ms(void)
{
	return (int)(ax_now() / 1000000);
}

static void download_dropped(void *frame);

/* async fn download(mirror, ms, bytes) -> i64: the bytes received. */
AX_ASYNC(download, ax_val, const char *mirror; int ms; ax_val bytes;
	 bool finished;)
{
	AX_BEGIN;
	/* Say so if this download is dropped before it finishes. */
	ax_frame_own(&self->ax_fr, self, download_dropped);
	AX_AWAIT(ax_sleep_ms(self->ms));
	printf("[%d ms] mirror %s: download complete\n", now_ms(), self->mirror);
	self->finished = true;
	AX_RETURN(self->bytes);
	AX_END;
}

static void download_dropped(void *frame)
{
	download_t *d = frame;
	if (!d->finished)
		printf("[%d ms] mirror %s: cancelled\n", now_ms(), d->mirror);
}

static const char *const mirrors[] = { "eu", "us" };

AX_ASYNC(main_async, int, ax_selected sel; int winner; ax_val bytes;
	 bool gave_up; ax_res r;)
{
	AX_BEGIN;
	/* Part 1: select!.  The first child to complete wins; the others
	 * are dropped on the spot, which cancels them (their timers and
	 * wakers are released, their drop guards run).  Waiting for both
	 * (join) would cost the slowest mirror's time and finish work
	 * nobody wants. */
	AX_AWAIT_TO(self->sel,
		    AX_SELECT(AX_CALL(download, .mirror = "eu", .ms = 250, .bytes = 4096),
			      AX_CALL(download, .mirror = "us", .ms = 120, .bytes = 4096)));
	self->winner = self->sel.index;
	self->bytes = self->sel.val;
	printf("[%d ms] fastest mirror: %s (%lld bytes)\n", now_ms(),
	       mirrors[self->winner], (long long)self->bytes);

	/* Part 2: a timeout is a select against a timer.  AX_TIMEOUT_MS
	 * packages exactly that; AX_SELECT(download, ax_sleep_ms(100)) with
	 * index 1 meaning "timed out" would do the same. */
	AX_AWAIT_TO(self->r, AX_TIMEOUT_MS(100, AX_CALL(download, .mirror = "archive",
							.ms = 400, .bytes = 65536)));
	self->gave_up = self->r.err == -ETIMEDOUT;
	self->bytes = self->r.val;
	if (self->gave_up)
		printf("[%d ms] archive: gave up after 100 ms\n", now_ms());
	else
		printf("[%d ms] archive: %lld bytes\n", now_ms(),
		       (long long)self->bytes);
	AX_RETURN(0);
	AX_END;
}

int main(void)
{
	return AX_RUN(AX_CALL(main_async));
}
