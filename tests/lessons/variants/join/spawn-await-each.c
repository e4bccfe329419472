/* Wrong: a task per fetch, but each handle awaited right after its spawn,
 * so the fetches still run one after another.
 * expect: fail concurrent,page-time */
#include "lesson.h"

AX_ASYNC(load_page, int, page *p; ax_res r;)
{
	AX_BEGIN;
	AX_AWAIT_TO(self->r, ax_join(AX_SPAWN(AX_CALL(fetch, .what = "user",
						       .page = self->p->id))));
	self->p->users = (int)self->r.val;
	AX_AWAIT_TO(self->r, ax_join(AX_SPAWN(AX_CALL(fetch, .what = "posts",
						       .page = self->p->id))));
	self->p->posts = (int)self->r.val;
	AX_AWAIT_TO(self->r, ax_join(AX_SPAWN(AX_CALL(fetch, .what = "comments",
						       .page = self->p->id))));
	self->p->comments = (int)self->r.val;
	AX_RETURN(0);
	AX_END;
}
