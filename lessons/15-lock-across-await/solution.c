/* Lesson 15: a blocking lock held across an await (anti-pattern).  The
 * reference solution: the counter is updated and the lock released before
 * the await. */
#include "lesson.h"
#include <stdio.h>

/* async fn count_view(who) */
AX_ASYNC(count_view, int, const char *who; int seen;)
{
	AX_BEGIN;
	printf("[%d ms] %s: locking the counter\n", (int)(ax_now() / 1000000), self->who);
	/* The critical section is the read-modify-write, and nothing in it
	 * waits: lock, update, copy what the await needs, unlock (Rust: let
	 * the guard go out of scope in an inner block before the .await).
	 * Holding a blocking lock across the await instead lets the next
	 * task block the executor's only thread on it while the holder is
	 * suspended and cannot run to release it: a deadlock.  Unlocking
	 * before the await and locking again after it would not do either:
	 * the read and the write would be split, and views would be lost.
	 * If the lock really must span the await, use the async mutex:
	 * AX_AWAIT(ax_mutex_lock(views_mutex)) suspends the task instead of
	 * the thread (the three updates then run one after another). */
	ax_bmutex_lock(views_lock);
	self->seen = ++views;
	ax_bmutex_unlock(views_lock);
	AX_AWAIT(AX_CALL(audit, .seen = self->seen)); /* 10 ms, lock released */
	printf("[%d ms] %s: counted\n", (int)(ax_now() / 1000000), self->who);
	AX_RETURN(0);
	AX_END;
}
