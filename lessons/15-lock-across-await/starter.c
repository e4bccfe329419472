/* Lesson 15: a blocking lock held across an await (anti-pattern).
 *
 * The lesson runs count_view for three requests at once.  Each locks the
 * counter, reads it, writes an audit record (audit, 10 ms of I/O: see
 * lesson.h), stores the count plus one and unlocks.  Run it: after two
 * lines the program stops for good; the checker ends the run at once
 * (end: deadlock), with the one finding that explains it. */
#include "lesson.h"
#include <stdio.h>

/* async fn count_view(who) */
AX_ASYNC(count_view, int, const char *who; int seen;)
{
	AX_BEGIN;
	printf("[%d ms] %s: locking the counter\n", (int)(ax_now() / 1000000), self->who);
	ax_bmutex_lock(views_lock);
	self->seen = views;
	/* TODO(you): the lock is still held across this await.  While this
	 * task is suspended, the next one blocks the thread on the lock,
	 * and this task can never run again to release it.  Finish with the
	 * counter and unlock BEFORE awaiting, or use the async mutex
	 * (views_mutex), which may be held across an await. */
	AX_AWAIT(AX_CALL(audit, .seen = self->seen));
	views = self->seen + 1;
	ax_bmutex_unlock(views_lock);
	printf("[%d ms] %s: counted\n", (int)(ax_now() / 1000000), self->who);
	AX_RETURN(0);
	AX_END;
}
