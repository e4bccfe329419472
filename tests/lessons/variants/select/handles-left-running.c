/* Wrong: each mirror's download as a task and a select over the
 * JoinHandles; the losing handle is dropped, which only detaches its
 * task: the losing download runs on.
 * expect: fail loser-dropped */
#include "lesson.h"

AX_ASYNC(fetch_fastest, int, const char *a; const char *b; ax_selected sel;)
{
	AX_BEGIN;
	AX_AWAIT_TO(self->sel, AX_SELECT(ax_join(AX_SPAWN(AX_CALL(download, .mirror = self->a))),
					 ax_join(AX_SPAWN(AX_CALL(download, .mirror = self->b)))));
	AX_RETURN(self->sel.index);
	AX_END;
}

AX_ASYNC(fetch_archive, ax_res, ax_res r;)
{
	AX_BEGIN;
	AX_AWAIT_TO(self->r, AX_TIMEOUT_MS(100, AX_CALL(download, .mirror = "archive")));
	AX_RETURN(self->r);
	AX_END;
}
