/* Replaces what the lesson provides: a download of its own that knows
 * which mirror is fast and finishes at once.
 * expect: fail first-wins,loser-dropped,timeout */
#include "lesson.h"
#include <string.h>

AX_ASYNC(my_download, ax_val, const char *mirror;)
{
	AX_BEGIN;
	AX_AWAIT(ax_sleep_ms(strcmp(self->mirror, "eu") == 0 ? 50 : 10));
	AX_RETURN(4096);
	AX_END;
}

AX_ASYNC(fetch_fastest, int, const char *a; const char *b; ax_selected sel;)
{
	AX_BEGIN;
	AX_AWAIT_TO(self->sel, AX_SELECT(AX_CALL(my_download, .mirror = self->a),
					 AX_CALL(my_download, .mirror = self->b)));
	AX_RETURN(self->sel.index);
	AX_END;
}

AX_ASYNC(fetch_archive, ax_res, ax_res r;)
{
	AX_BEGIN;
	AX_AWAIT_TO(self->r, AX_TIMEOUT_MS(100, AX_CALL(my_download, .mirror = "archive")));
	AX_RETURN(self->r);
	AX_END;
}
