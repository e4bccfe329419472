/* A correct route: the keepalive as a child future raced against the work
 * in a select; when the work wins, or the session is dropped, it goes.
 * expect: pass */
#include "lesson.h"

AX_ASYNC(session, int, const char *name; int work_ms; ax_selected sel;)
{
	AX_BEGIN;
	AX_AWAIT_TO(self->sel, AX_SELECT(AX_CALL(keepalive, .name = self->name),
					 ax_sleep_ms(self->work_ms)));
	AX_RETURN(0);
	AX_END;
}
