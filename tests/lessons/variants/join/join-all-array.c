/* A correct route: ax_join_all over an array of boxed futures built in a
 * loop.
 * expect: pass */
#include "lesson.h"

static const char *const kinds[3] = { "user", "posts", "comments" };

AX_ASYNC(load_page, int, page *p; ax_vals v;)
{
	AX_BEGIN;
	ax_future *f[3];
	for (int k = 0; k < 3; k++)
		f[k] = AX_BOX(AX_CALL(fetch, .what = kinds[k], .page = self->p->id));
	AX_AWAIT_TO(self->v, ax_join_all(3, f));
	self->p->users = (int)self->v.val[0];
	self->p->posts = (int)self->v.val[1];
	self->p->comments = (int)self->v.val[2];
	AX_RETURN(0);
	AX_END;
}
