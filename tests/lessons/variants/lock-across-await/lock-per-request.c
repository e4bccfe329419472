/* Wrong: each request makes a blocking lock of its own, so the lock
 * never waits (no deadlock), but it guards nothing either.
 * expect: fail every-view-counted,no-lock-across-await */
#include "lesson.h"

AX_ASYNC(count_view, int, const char *who; int seen; ax_bmutex *m;)
{
	AX_BEGIN;
	self->m = ax_bmutex_new();
	ax_bmutex_lock(self->m);
	self->seen = views;
	AX_AWAIT(AX_CALL(audit, .seen = self->seen));
	views = self->seen + 1;
	ax_bmutex_unlock(self->m);
	ax_bmutex_free(self->m);
	AX_RETURN(0);
	AX_END;
}
