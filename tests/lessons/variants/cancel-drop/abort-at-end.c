/* Wrong: the keepalive is aborted just before AX_RETURN, which a session
 * dropped by its timeout never reaches.
 * expect: fail stops-on-cancel */
#include "lesson.h"

AX_ASYNC(session, int, const char *name; int work_ms; ax_task *ka;)
{
	AX_BEGIN;
	self->ka = AX_SPAWN(AX_CALL(keepalive, .name = self->name));
	AX_AWAIT(ax_sleep_ms(self->work_ms));
	ax_task_abort(self->ka);
	ax_task_detach(self->ka);
	AX_RETURN(0);
	AX_END;
}
