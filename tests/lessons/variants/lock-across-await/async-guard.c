/* A correct route: the async mutex with a guard that unlocks it when the
 * frame ends, however it ends.
 * expect: pass */
#include "lesson.h"

AX_ASYNC(count_view, int, const char *who; int seen;)
{
	AX_BEGIN;
	AX_AWAIT(ax_mutex_lock(views_mutex));
	AX_MUTEX_GUARD(views_mutex);
	self->seen = ++views;
	AX_AWAIT(AX_CALL(audit, .seen = self->seen));
	AX_RETURN(0);
	AX_END;
}
