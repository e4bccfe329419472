/* Lesson 11: try_join, the first error wins and the rest are cancelled.
 * The reference solution: the three loads run under AX_TRY_JOIN. */
#include "lesson.h"

/* async fn load_config(app) -> Result<i64, Error> */
AX_ASYNC(load_config, ax_res, const char *app; ax_try_vals tv;)
{
	AX_BEGIN;
	/* try_join!: the three loads run concurrently, as with join.  The
	 * first one to fail ends the whole thing at once with its error,
	 * and the loads still running are dropped (cancelled): a remote
	 * part that would only be thrown away is not waited for.  join
	 * would wait for every child, 300 ms, before anyone looked at the
	 * error. */
	AX_AWAIT_TO(self->tv, AX_TRY_JOIN(AX_CALL(load, .source = "defaults", .app = self->app),
					  AX_CALL(load, .source = "file", .app = self->app),
					  AX_CALL(load, .source = "remote", .app = self->app)));
	if (self->tv.err)
		AX_RETURN(((ax_res){ .err = self->tv.err }));
	AX_RETURN(((ax_res){ .val = self->tv.val[0] + self->tv.val[1] + self->tv.val[2] }));
	AX_END;
}
