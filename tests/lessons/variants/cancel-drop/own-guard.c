/* A correct route: a guard written by hand with ax_frame_own.
 * expect: pass */
#include "lesson.h"

static void stop_task(void *task)
{
	ax_task_abort(task);
	ax_task_detach(task);
}

AX_ASYNC(session, int, const char *name; int work_ms; ax_task *ka;)
{
	AX_BEGIN;
	self->ka = AX_SPAWN(AX_CALL(keepalive, .name = self->name));
	ax_frame_own(&self->ax_fr, self->ka, stop_task);
	AX_AWAIT(ax_sleep_ms(self->work_ms));
	AX_RETURN(0);
	AX_END;
}
