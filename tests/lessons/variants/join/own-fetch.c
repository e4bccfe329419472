/* Replaces what the lesson provides: its own quick fetch, so nothing waits
 * for the real one.
 * expect: fail results,all-awaited */
#include "lesson.h"

AX_ASYNC(my_fetch, int, int n;)
{
	AX_BEGIN;
	AX_AWAIT(ax_sleep_ms(10));
	AX_RETURN(self->n);
	AX_END;
}

AX_ASYNC(load_page, int, page *p; ax_vals v;)
{
	AX_BEGIN;
	AX_AWAIT_TO(self->v, AX_JOIN(AX_CALL(my_fetch, .n = 1), AX_CALL(my_fetch, .n = 12),
				     AX_CALL(my_fetch, .n = 40)));
	self->p->users = (int)self->v.val[0];
	self->p->posts = (int)self->v.val[1];
	self->p->comments = (int)self->v.val[2];
	AX_RETURN(0);
	AX_END;
}
