/* Lesson 5: select, the first completion wins.  The reference solution:
 * the mirrors race in a select, and the archive races a timer. */
#include "lesson.h"

/* async fn fetch_fastest(a, b) -> i32: 0 when a finished first, 1 for b */
AX_ASYNC(fetch_fastest, int, const char *a; const char *b; ax_selected sel;)
{
	AX_BEGIN;
	/* select!.  The first child to complete wins; the others are
	 * dropped on the spot, which cancels them (their timers and wakers
	 * are released, their drop guards run).  Waiting for both (join)
	 * would cost the slowest mirror's time and finish work nobody
	 * wants. */
	AX_AWAIT_TO(self->sel, AX_SELECT(AX_CALL(download, .mirror = self->a),
					 AX_CALL(download, .mirror = self->b)));
	AX_RETURN(self->sel.index);
	AX_END;
}

/* async fn fetch_archive() -> Result<i64, Error> */
AX_ASYNC(fetch_archive, ax_res, ax_res r;)
{
	AX_BEGIN;
	/* A timeout is a select against a timer.  AX_TIMEOUT_MS packages
	 * exactly that: err -ETIMEDOUT when the timer won, and the download
	 * dropped.  AX_SELECT(download, ax_sleep_ms(100)) with index 1
	 * meaning "timed out" would do the same. */
	AX_AWAIT_TO(self->r, AX_TIMEOUT_MS(100, AX_CALL(download, .mirror = "archive")));
	AX_RETURN(self->r);
	AX_END;
}
