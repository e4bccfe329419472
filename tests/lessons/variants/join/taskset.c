/* A correct route: a task set, children collected as they finish; each
 * child writes its own count into the page.
 * expect: pass */
#include "lesson.h"

AX_ASYNC(one, int, const char *what; int page; int *into; int n;)
{
	AX_BEGIN;
	AX_AWAIT_TO(self->n, AX_CALL(fetch, .what = self->what, .page = self->page));
	*self->into = self->n;
	AX_RETURN(self->n);
	AX_END;
}

AX_ASYNC(load_page, int, page *p; ax_taskset *ts; ax_opt next;)
{
	AX_BEGIN;
	self->ts = ax_taskset_new();
	AX_TASKSET_OWN(self->ts);
	AX_TASKSET_SPAWN(self->ts, AX_CALL(one, .what = "user", .page = self->p->id,
					   .into = &self->p->users));
	AX_TASKSET_SPAWN(self->ts, AX_CALL(one, .what = "posts", .page = self->p->id,
					   .into = &self->p->posts));
	AX_TASKSET_SPAWN(self->ts, AX_CALL(one, .what = "comments", .page = self->p->id,
					   .into = &self->p->comments));
	for (;;) {
		AX_AWAIT_TO(self->next, ax_taskset_join_next(self->ts));
		if (!self->next.some)
			break;
	}
	AX_RETURN(0);
	AX_END;
}
