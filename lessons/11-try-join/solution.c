/* Lesson 11: try_join, the first error wins and the rest are cancelled.
 * The reference solution: the three sources load under AX_TRY_JOIN. */
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
AX_ASYNC(load_config, ax_res, bool file_broken; ax_try_vals tv;)
{
	AX_BEGIN;
	/* try_join!: all three run concurrently, like join.  The first
	 * child to fail ends the whole thing at once with its error, and
	 * the children still running are dropped (cancelled): there is no
	 * point loading a remote config that will be thrown away.  join
	 * would wait for every child, 300 ms, before anyone looked at the
	 * error. */
	AX_AWAIT_TO(self->tv,
		    AX_TRY_JOIN(AX_CALL(load, .source = "defaults", .ms = 100, .value = 1),
				AX_CALL(load, .source = "file", .ms = 50, .value = 20,
					.broken = self->file_broken),
				AX_CALL(load, .source = "remote", .ms = 300, .value = 300)));
	if (self->tv.err) {
		printf("[%d ms] config failed: %s: %s\n", now_ms(),
		       sources[self->tv.failed], strerror(-self->tv.err));
		AX_RETURN(((ax_res){ .err = self->tv.err }));
	}
	AX_RETURN(((ax_res){ .val = self->tv.val[0] + self->tv.val[1] + self->tv.val[2] }));
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
