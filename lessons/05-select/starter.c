/* Lesson 5: select, the first completion wins.
 *
 * Part 1 fetches a file from two mirrors and needs only one copy.
 * Part 2 fetches from a slow archive, but may wait at most 100 ms.
 * Run it: part 1 waits for both mirrors, part 2 waits 400 ms, and the run
 * ends at 650 ms instead of 220 ms. */
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

AX_ASYNC(main_async, int, ax_vals both; int winner; ax_val bytes;
	 bool gave_up;)
{
	AX_BEGIN;
	/* Part 1.  TODO(you): this waits for BOTH mirrors, then keeps the
	 * us copy.  Race them instead: the first one to finish wins (note
	 * which one it was in self->winner) and the other is dropped. */
	AX_AWAIT_TO(self->both,
		    AX_JOIN(AX_CALL(download, .mirror = "eu", .ms = 250, .bytes = 4096),
			    AX_CALL(download, .mirror = "us", .ms = 120, .bytes = 4096)));
	self->winner = 1;
	self->bytes = self->both.val[1];
	printf("[%d ms] fastest mirror: %s (%lld bytes)\n", now_ms(),
	       mirrors[self->winner], (long long)self->bytes);

	/* Part 2.  TODO(you): give the archive at most 100 ms; if it is not
	 * done by then, drop it and set self->gave_up. */
	AX_AWAIT_TO(self->bytes, AX_CALL(download, .mirror = "archive", .ms = 400,
					 .bytes = 65536));
	self->gave_up = false;
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
