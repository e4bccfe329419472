/* Lesson 5: select, the first completion wins.
 *
 * fetch_fastest fetches a file from two mirrors and needs only one copy.
 * fetch_archive fetches from a slow archive, but may wait at most 100 ms.
 * download is provided by the lesson (see lesson.h).  Run it: the mirror
 * race waits for both mirrors, and the archive is waited for 400 ms. */
#include "lesson.h"

/* async fn fetch_fastest(a, b) -> i32: 0 when a finished first, 1 for b */
AX_ASYNC(fetch_fastest, int, const char *a; const char *b; ax_vals both;)
{
	AX_BEGIN;
	/* TODO(you): this waits for BOTH mirrors, then says b won.  Race
	 * them instead: the first one to finish wins and the other is
	 * dropped. */
	AX_AWAIT_TO(self->both, AX_JOIN(AX_CALL(download, .mirror = self->a),
					AX_CALL(download, .mirror = self->b)));
	AX_RETURN(1);
	AX_END;
}

/* async fn fetch_archive() -> Result<i64, Error> */
AX_ASYNC(fetch_archive, ax_res, ax_val bytes;)
{
	AX_BEGIN;
	/* TODO(you): give the archive at most 100 ms; if it is not done by
	 * then, drop it and return Err(-ETIMEDOUT). */
	AX_AWAIT_TO(self->bytes, AX_CALL(download, .mirror = "archive"));
	AX_RETURN(((ax_res){ .val = self->bytes }));
	AX_END;
}
