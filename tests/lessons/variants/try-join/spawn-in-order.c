/* Wrong: a task per load, handles awaited in order and the first error
 * returned, but the tasks still running are neither waited for nor
 * aborted: they go on loading for nothing.
 * expect: fail fails-fast,rest-cancelled */
#include "lesson.h"

AX_ASYNC(load_config, ax_res, const char *app; ax_task *h[3]; ax_res part; long sum; int i;)
{
	AX_BEGIN;
	self->h[0] = AX_SPAWN(AX_CALL(load, .source = "defaults", .app = self->app));
	self->h[1] = AX_SPAWN(AX_CALL(load, .source = "file", .app = self->app));
	self->h[2] = AX_SPAWN(AX_CALL(load, .source = "remote", .app = self->app));
	for (self->i = 0; self->i < 3; self->i++) {
		AX_AWAIT_TO(self->part, ax_join(self->h[self->i]));
		if (self->part.err)
			AX_RETURN(self->part);
		self->sum += (long)self->part.val;
	}
	AX_RETURN(((ax_res){ .val = self->sum }));
	AX_END;
}
