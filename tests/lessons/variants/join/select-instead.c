/* Wrong: a select, which keeps only the first to finish and drops the
 * other two.
 * expect: fail all-awaited,results */
#include "lesson.h"

AX_ASYNC(load_page, int, page *p; ax_selected s;)
{
	AX_BEGIN;
	AX_AWAIT_TO(self->s,
		    AX_SELECT(AX_CALL(fetch, .what = "user", .page = self->p->id),
			      AX_CALL(fetch, .what = "posts", .page = self->p->id),
			      AX_CALL(fetch, .what = "comments", .page = self->p->id)));
	if (self->s.index == 0)
		self->p->users = (int)self->s.val;
	AX_RETURN(0);
	AX_END;
}
