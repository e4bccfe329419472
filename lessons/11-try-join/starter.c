/* Lesson 11: try_join, the first error wins and the rest are cancelled.
 *
 * The configuration comes from three sources: defaults (100 ms), a file
 * (50 ms) and a remote store (300 ms).  The first round works; in the
 * second the file cannot be read.  Run it: the sources load one after
 * another, and the run ends at 600 ms instead of 350 ms. */
#include <asynclab.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

static int now_ms(void)
{
	return (int)(ax_now() / 1000000);
}

static void load_dropped(void *frame);

/* async fn load(source, ms, broken) -> Result<i64, Error> */
AX_ASYNC(load, ax_res, const char *source; int ms; bool broken; int value;
	 bool finished;)
{
	AX_BEGIN;
	ax_frame_own(&self->ax_fr, self, load_dropped);
	AX_AWAIT(ax_sleep_ms(self->ms));
	self->finished = true;
	if (self->broken) {
		printf("[%d ms] %s: failed\n", now_ms(), self->source);
		AX_RETURN(((ax_res){ .err = -EACCES }));
	}
	printf("[%d ms] %s: loaded\n", now_ms(), self->source);
	AX_RETURN(((ax_res){ .val = self->value }));
	AX_END;
}

static void load_dropped(void *frame)
{
	load_t *l = frame;
	if (!l->finished)
		printf("[%d ms] %s: cancelled\n", now_ms(), l->source);
}

static const char *const sources[] = { "defaults", "file", "remote" };

/* async fn load_config(file_broken) -> Result<i64, Error>: the three
 * values summed, or the first error. */
AX_ASYNC(load_config, ax_res, bool file_broken; ax_res r[3]; int i;)
{
	AX_BEGIN;
	/* TODO(you): the three sources do not depend on each other, yet
	 * they load one after another.  Load them concurrently, and as soon
	 * as one fails, stop: return its error and cancel the others. */
	AX_AWAIT_TO(self->r[0], AX_CALL(load, .source = "defaults", .ms = 100, .value = 1));
	if (self->r[0].err)
		goto failed;
	AX_AWAIT_TO(self->r[1], AX_CALL(load, .source = "file", .ms = 50, .value = 20,
					.broken = self->file_broken));
	if (self->r[1].err)
		goto failed;
	AX_AWAIT_TO(self->r[2], AX_CALL(load, .source = "remote", .ms = 300, .value = 300));
	if (self->r[2].err)
		goto failed;
	AX_RETURN(((ax_res){ .val = self->r[0].val + self->r[1].val + self->r[2].val }));
failed:
	for (self->i = 0; self->r[self->i].err == 0; self->i++)
		;
	printf("[%d ms] config failed: %s: %s\n", now_ms(), sources[self->i],
	       strerror(-self->r[self->i].err));
	AX_RETURN(self->r[self->i]);
	AX_END;
}

AX_ASYNC(main_async, int, ax_res r;)
{
	AX_BEGIN;
	AX_AWAIT_TO(self->r, AX_CALL(load_config, .file_broken = false));
	if (self->r.err == 0)
		printf("[%d ms] config loaded: %lld\n", now_ms(), (long long)self->r.val);

	AX_AWAIT_TO(self->r, AX_CALL(load_config, .file_broken = true));
	if (self->r.err == 0)
		printf("[%d ms] config loaded: %lld\n", now_ms(), (long long)self->r.val);
	AX_RETURN(0);
	AX_END;
}

int main(void)
{
	return AX_RUN(AX_CALL(main_async));
}
