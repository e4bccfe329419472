/* Wrong: the blocking lock is released before the await and taken again
 * after it, so the read and the write are split: every request reads the
 * same count.
 * expect: fail every-view-counted,audited */
#include "lesson.h"

AX_ASYNC(count_view, int, const char *who; int seen;)
{
	AX_BEGIN;
	ax_bmutex_lock(views_lock);
	self->seen = views;
	ax_bmutex_unlock(views_lock);
	AX_AWAIT(AX_CALL(audit, .seen = self->seen));
	ax_bmutex_lock(views_lock);
	views = self->seen + 1;
	ax_bmutex_unlock(views_lock);
	AX_RETURN(0);
	AX_END;
}
