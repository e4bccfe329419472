/* A correct route: ax_try_join over an array of boxed loads built in a
 * loop.
 * expect: pass */
#include "lesson.h"

static const char *const srcs[3] = { "defaults", "file", "remote" };

AX_ASYNC(load_config, ax_res, const char *app; ax_try_vals tv; long sum; int i;)
{
	AX_BEGIN;
	ax_future *f[3];
	for (int k = 0; k < 3; k++)
		f[k] = AX_BOX(AX_CALL(load, .source = srcs[k], .app = self->app));
	AX_AWAIT_TO(self->tv, ax_try_join(3, f));
	if (self->tv.err)
		AX_RETURN(((ax_res){ .err = self->tv.err }));
	for (self->i = 0; self->i < 3; self->i++)
		self->sum += (long)self->tv.val[self->i];
	AX_RETURN(((ax_res){ .val = self->sum }));
	AX_END;
}
