/* A correct route: the async mutex, held across the audit; a task that
 * waits for it is suspended, not the thread, so the holder can still run
 * and release it.
 * expect: pass */
#include "lesson.h"

AX_ASYNC(count_view, int, const char *who; int seen;)
{
	AX_BEGIN;
	AX_AWAIT(ax_mutex_lock(views_mutex));
	self->seen = views;
	AX_AWAIT(AX_CALL(audit, .seen = self->seen));
	views = self->seen + 1;
	ax_mutex_unlock(views_mutex);
	AX_RETURN(0);
	AX_END;
}
