/* Lesson 4: join, run futures concurrently.  The reference solution: the
 * three independent fetches are awaited together with AX_JOIN. */
#include "lesson.h"

/* async fn load_page(p) */
AX_ASYNC(load_page, int, page *p; ax_vals v;)
{
	AX_BEGIN;
	/* join!: one future that polls all three children, inside this
	 * task, and is ready when every one of them is.  While one child
	 * sleeps the others make progress, so the total is the longest
	 * (300 ms), not the sum (600 ms).  Results come back in argument
	 * order, whatever order the children finished in. */
	AX_AWAIT_TO(self->v,
		    AX_JOIN(AX_CALL(fetch, .what = "user", .page = self->p->id),
			    AX_CALL(fetch, .what = "posts", .page = self->p->id),
			    AX_CALL(fetch, .what = "comments", .page = self->p->id)));
	self->p->users = (int)self->v.val[0];
	self->p->posts = (int)self->v.val[1];
	self->p->comments = (int)self->v.val[2];
	AX_RETURN(0);
	AX_END;
}
