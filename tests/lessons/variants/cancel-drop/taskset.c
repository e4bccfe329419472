/* A correct route: the keepalive in a task set owned by the frame.
 * expect: pass */
#include "lesson.h"

AX_ASYNC(session, int, const char *name; int work_ms; ax_taskset *ts;)
{
	AX_BEGIN;
	self->ts = ax_taskset_new();
	AX_TASKSET_OWN(self->ts);
	AX_TASKSET_SPAWN(self->ts, AX_CALL(keepalive, .name = self->name));
	AX_AWAIT(ax_sleep_ms(self->work_ms));
	AX_RETURN(0);
	AX_END;
}
