/* Lesson 14: blocking inside a task (anti-pattern).
 *
 * The lesson serves three requests at once with your handle_request,
 * each a task of its own, while a heartbeat task beats every 20 ms.  Each
 * request waits 20 ms for the rate limiter, then looks up a price with
 * legacy_price_lookup (see lesson.h), an old library call that blocks for
 * 100 ms.  It does so on a runtime with one worker, then with two.  Run
 * it: with one worker the requests are served one after another and every
 * heartbeat comes late; with two, two at a time, and the heartbeat waits
 * while both workers are blocked. */
#include "lesson.h"
#include <unistd.h>

/* async fn handle_request(id) -> i64 */
AX_ASYNC(handle_request, long, int id; long price;)
{
	AX_BEGIN;
	/* TODO(you): both calls below block the worker thread polling this
	 * task, so nothing else can run on it while they wait (with one
	 * worker, nothing at all).  Wait for the rate limiter with an async
	 * sleep, and run the legacy lookup on the blocking pool
	 * (ax_spawn_blocking) instead of inside this poll. */
	usleep(20 * 1000); /* the rate limiter */
	self->price = legacy_price_lookup(self->id);
	AX_RETURN(self->price);
	AX_END;
}
