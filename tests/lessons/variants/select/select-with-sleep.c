/* A correct route: the timeout written as a select against a sleep, and
 * the race over an array of boxed futures.
 * expect: pass */
#include "lesson.h"

AX_ASYNC(fetch_fastest, int, const char *a; const char *b; ax_selected sel;)
{
	AX_BEGIN;
	ax_future *f[2] = { AX_BOX(AX_CALL(download, .mirror = self->a)),
			    AX_BOX(AX_CALL(download, .mirror = self->b)) };
	AX_AWAIT_TO(self->sel, ax_select(2, f));
	AX_RETURN(self->sel.index);
	AX_END;
}

AX_ASYNC(fetch_archive, ax_res, ax_selected sel;)
{
	AX_BEGIN;
	AX_AWAIT_TO(self->sel, AX_SELECT(ax_sleep_ms(100), AX_CALL(download, .mirror = "archive")));
	if (self->sel.index == 0)
		AX_RETURN(((ax_res){ .err = -ETIMEDOUT }));
	AX_RETURN(((ax_res){ .val = self->sel.val }));
	AX_END;
}
