/* A correct route: each mirror's download in a task of a task set, the
 * first to finish taken from the set, the set (and with it the loser)
 * aborted when the frame ends; the archive likewise raced against a sleep.
 * expect: pass */
#include "lesson.h"

AX_ASYNC(tagged, int, const char *mirror; int index; ax_val bytes;)
{
	AX_BEGIN;
	AX_AWAIT_TO(self->bytes, AX_CALL(download, .mirror = self->mirror));
	AX_RETURN(self->index);
	AX_END;
}

AX_ASYNC(fetch_fastest, int, const char *a; const char *b; ax_taskset *ts; ax_opt first;)
{
	AX_BEGIN;
	self->ts = ax_taskset_new();
	AX_TASKSET_OWN(self->ts);
	AX_TASKSET_SPAWN(self->ts, AX_CALL(tagged, .mirror = self->a, .index = 0));
	AX_TASKSET_SPAWN(self->ts, AX_CALL(tagged, .mirror = self->b, .index = 1));
	AX_AWAIT_TO(self->first, ax_taskset_join_next(self->ts));
	AX_RETURN((int)self->first.val);
	AX_END;
}

AX_ASYNC(fetch_archive, ax_res, ax_taskset *ts; ax_selected sel;)
{
	AX_BEGIN;
	self->ts = ax_taskset_new();
	AX_TASKSET_OWN(self->ts);
	AX_TASKSET_SPAWN(self->ts, AX_CALL(download, .mirror = "archive"));
	AX_AWAIT_TO(self->sel, AX_SELECT(ax_taskset_join_next(self->ts), ax_sleep_ms(100)));
	if (self->sel.index == 1)
		AX_RETURN(((ax_res){ .err = -ETIMEDOUT }));
	AX_RETURN(((ax_res){ .val = self->sel.val }));
	AX_END;
}
