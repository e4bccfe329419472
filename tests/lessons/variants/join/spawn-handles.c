/* A correct route: three tasks spawned first, their handles awaited after.
 * expect: pass */
#include "lesson.h"

AX_ASYNC(load_page, int, page *p; ax_task *h[3]; ax_res r[3];)
{
	AX_BEGIN;
	self->h[0] = AX_SPAWN(AX_CALL(fetch, .what = "user", .page = self->p->id));
	self->h[1] = AX_SPAWN(AX_CALL(fetch, .what = "posts", .page = self->p->id));
	self->h[2] = AX_SPAWN(AX_CALL(fetch, .what = "comments", .page = self->p->id));
	AX_AWAIT_TO(self->r[0], ax_join(self->h[0]));
	AX_AWAIT_TO(self->r[1], ax_join(self->h[1]));
	AX_AWAIT_TO(self->r[2], ax_join(self->h[2]));
	self->p->users = (int)self->r[0].val;
	self->p->posts = (int)self->r[1].val;
	self->p->comments = (int)self->r[2].val;
	AX_RETURN(0);
	AX_END;
}
