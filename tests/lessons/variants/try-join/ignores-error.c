/* Wrong: try_join, but its error is not looked at: the values of a
 * failed configuration are added up and returned as if it had loaded.
 * expect: fail results */
#include "lesson.h"

AX_ASYNC(load_config, ax_res, const char *app; ax_try_vals tv;)
{
	AX_BEGIN;
	AX_AWAIT_TO(self->tv, AX_TRY_JOIN(AX_CALL(load, .source = "defaults", .app = self->app),
					  AX_CALL(load, .source = "file", .app = self->app),
					  AX_CALL(load, .source = "remote", .app = self->app)));
	AX_RETURN(((ax_res){ .val = self->tv.val[0] + self->tv.val[1] + self->tv.val[2] }));
	AX_END;
}
