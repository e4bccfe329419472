/* A correct route: a task per load in a task set, results taken as they
 * finish; on the first error load_config returns, and the set, owned by
 * its frame, aborts the tasks still running.
 * expect: pass */
#include "lesson.h"

AX_ASYNC(load_into, int, const char *source; const char *app; ax_res *into;)
{
	AX_BEGIN;
	AX_AWAIT_TO(*self->into, AX_CALL(load, .source = self->source, .app = self->app));
	AX_RETURN(0);
	AX_END;
}

AX_ASYNC(load_config, ax_res, const char *app; ax_taskset *ts; ax_res part[3]; ax_opt next;
	 long sum; int i;)
{
	AX_BEGIN;
	self->ts = ax_taskset_new();
	AX_TASKSET_OWN(self->ts);
	AX_TASKSET_SPAWN(self->ts, AX_CALL(load_into, .source = "defaults", .app = self->app,
					   .into = &self->part[0]));
	AX_TASKSET_SPAWN(self->ts, AX_CALL(load_into, .source = "file", .app = self->app,
					   .into = &self->part[1]));
	AX_TASKSET_SPAWN(self->ts, AX_CALL(load_into, .source = "remote", .app = self->app,
					   .into = &self->part[2]));
	for (;;) {
		AX_AWAIT_TO(self->next, ax_taskset_join_next(self->ts));
		if (!self->next.some)
			break;
		for (self->i = 0; self->i < 3; self->i++)
			if (self->part[self->i].err)
				AX_RETURN(self->part[self->i]);
	}
	for (self->i = 0; self->i < 3; self->i++)
		self->sum += (long)self->part[self->i].val;
	AX_RETURN(((ax_res){ .val = self->sum }));
	AX_END;
}
