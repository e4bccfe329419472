/* Wrong: the archive is dropped at 100 ms, but the timeout is reported as
 * a success with 0 bytes.
 * expect: fail timeout */
#include "lesson.h"

AX_ASYNC(fetch_fastest, int, const char *a; const char *b; ax_selected sel;)
{
	AX_BEGIN;
	AX_AWAIT_TO(self->sel, AX_SELECT(AX_CALL(download, .mirror = self->a),
					 AX_CALL(download, .mirror = self->b)));
	AX_RETURN(self->sel.index);
	AX_END;
}

AX_ASYNC(fetch_archive, ax_res, ax_res r;)
{
	AX_BEGIN;
	AX_AWAIT_TO(self->r, AX_TIMEOUT_MS(100, AX_CALL(download, .mirror = "archive")));
	AX_RETURN(((ax_res){ .val = self->r.err ? 0 : self->r.val }));
	AX_END;
}
