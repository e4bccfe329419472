/* Wrong: a task per load in a task set, results taken as they finish and
 * the first error returned at once, but the set is never freed (nor owned
 * by the frame), so the loads still running are not aborted.
 * expect: fail rest-cancelled */
#include "lesson.h"

AX_ASYNC(load_into, int, const char *source; const char *app; ax_res *into;)
{
	AX_BEGIN;
	AX_AWAIT_TO(*self->into, AX_CALL(load, .source = self->source, .app = self->app));
	AX_RETURN(0);
	AX_END;
}

static ax_res parts[64][3];
static int calls;

AX_ASYNC(load_config, ax_res, const char *app; ax_taskset *ts; ax_res *part; ax_opt next;
	 long sum; int i;)
{
	AX_BEGIN;
	self->part = parts[calls++ % 64];
	self->ts = ax_taskset_new();
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
	ax_taskset_free(self->ts);
	AX_RETURN(((ax_res){ .val = self->sum }));
	AX_END;
}
