/* Lesson 14: blocking inside a task (anti-pattern).
 *
 * Three requests are handled at once while a heartbeat task beats every
 * 20 ms.  Each request waits 20 ms for the rate limiter, then looks up a
 * price in an old library that blocks for 100 ms.  Run it: the requests
 * are served one after another, and every heartbeat comes late. */
#include <asynclab.h>
#include <stdio.h>
#include <unistd.h>

static int now_ms(void)
{
	return (int)(ax_now() / 1000000);
}

/* An old library function with no async version: it blocks the calling
 * thread for 100 ms (think of a synchronous database driver). */
static long legacy_price_lookup(int item)
{
	usleep(100 * 1000);
	return 100 + item;
}

/* async fn heartbeat(start): a beat every 20 ms, 10 beats; a beat more than
 * 5 ms late means the executor was stuck. */
AX_ASYNC(heartbeat, int, uint64_t start; int beat; int late; uint64_t due;)
{
	AX_BEGIN;
	for (self->beat = 1; self->beat <= 10; self->beat++) {
		self->due = self->start + (uint64_t)self->beat * 20000000u;
		AX_AWAIT(ax_sleep_until(self->due));
		int late_ms = (int)((ax_now() - self->due) / 1000000);
		if (late_ms > 5) {
			self->late++;
			printf("[%d ms] heartbeat: beat %d is %d ms late\n", now_ms(),
			       self->beat, late_ms);
		}
	}
	printf("[%d ms] heartbeat: 10 beats, %d late\n", now_ms(), self->late);
	AX_RETURN(self->late);
	AX_END;
}

/* async fn handle_request(id) */
AX_ASYNC(handle_request, int, int id; long price;)
{
	AX_BEGIN;
	/* TODO(you): both calls below block the executor's only thread, so
	 * nothing else can run while they wait.  Wait for the rate limiter
	 * with an async sleep, and run the legacy lookup on the blocking
	 * pool (ax_spawn_blocking) instead of inside this poll. */
	usleep(20 * 1000); /* the rate limiter */
	self->price = legacy_price_lookup(self->id);
	printf("[%d ms] request %d: price %ld\n", now_ms(), self->id, self->price);
	AX_RETURN(0);
	AX_END;
}

AX_ASYNC(main_async, int, ax_task *hb; ax_res r;)
{
	AX_BEGIN;
	self->hb = AX_SPAWN(AX_CALL(heartbeat, .start = ax_now()));
	AX_AWAIT(AX_JOIN(AX_CALL(handle_request, .id = 1),
			 AX_CALL(handle_request, .id = 2),
			 AX_CALL(handle_request, .id = 3)));
	printf("[%d ms] 3 requests served\n", now_ms());
	AX_AWAIT_TO(self->r, ax_join(self->hb));
	AX_RETURN(0);
	AX_END;
}

int main(void)
{
	return AX_RUN(AX_CALL(main_async));
}
