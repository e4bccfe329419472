/* Lesson 14: blocking inside a task (anti-pattern).  The reference
 * solution: an async sleep for the rate limiter, and the blocking library
 * call moved to the blocking pool. */
#include "lesson.h"
#include <stdint.h>

/* The blocking call, packaged as a job for the blocking pool. */
static ax_val lookup_job(void *arg)
{
	return legacy_price_lookup((int)(intptr_t)arg);
}

/* async fn handle_request(id) -> i64 */
AX_ASYNC(handle_request, long, int id; long price;)
{
	AX_BEGIN;
	/* A task runs on a worker thread of the executor; while its poll
	 * is stuck in a blocking call, no other task can run on that
	 * worker, not even ones that are ready (with one worker: no task
	 * at all; with more, the tasks queued on it, and everything once
	 * every worker is blocked).  So: wait with an async sleep (the
	 * task yields and a timer wakes it), ... */
	AX_AWAIT(ax_sleep_ms(20)); /* the rate limiter */
	/* ... and send what can only block, or what burns the CPU for a
	 * long time, to the blocking pool: it runs on another thread, and
	 * this task awaits its result like any other future (Rust:
	 * spawn_blocking).  The lookups overlap on the pool. */
	AX_AWAIT_TO(self->price, ax_spawn_blocking(lookup_job, (void *)(intptr_t)self->id));
	AX_RETURN(self->price);
	AX_END;
}
