/* Lesson 4: join, run futures concurrently.
 *
 * A profile page needs the user (100 ms), their posts (200 ms) and the
 * comments (300 ms); fetch is provided by the lesson (see lesson.h).  None
 * of the three needs another's result.  Run it: each page is ready only
 * 600 ms after it was asked for. */
#include "lesson.h"

/* async fn load_page(p) */
AX_ASYNC(load_page, int, page *p;)
{
	AX_BEGIN;
	/* TODO(you): these three do not depend on each other, yet each
	 * await waits for the one before it.  Await all three together. */
	AX_AWAIT_TO(self->p->users, AX_CALL(fetch, .what = "user", .page = self->p->id));
	AX_AWAIT_TO(self->p->posts, AX_CALL(fetch, .what = "posts", .page = self->p->id));
	AX_AWAIT_TO(self->p->comments, AX_CALL(fetch, .what = "comments", .page = self->p->id));
	AX_RETURN(0);
	AX_END;
}
