/* Lesson 11: try_join, the first error wins and the rest are cancelled.
 *
 * An application's configuration comes from three sources: defaults
 * (100 ms), a file (50 ms) and a remote store (300 ms); load is provided
 * by the lesson (see lesson.h).  The lesson asks load_config for several
 * applications; for some of them a source cannot be read.  Run it: the
 * sources load one after another, so a good configuration takes 450 ms
 * instead of 300, and an error is noticed late. */
#include "lesson.h"

/* async fn load_config(app) -> Result<i64, Error> */
AX_ASYNC(load_config, ax_res, const char *app; ax_res part; long sum;)
{
	AX_BEGIN;
	/* TODO(you): the three loads do not depend on each other, yet each
	 * one starts only when the one before has finished.  Run them at
	 * the same time; the moment one fails, return its error and cancel
	 * the others. */
	AX_AWAIT_TO(self->part, AX_CALL(load, .source = "defaults", .app = self->app));
	if (self->part.err)
		AX_RETURN(self->part);
	self->sum = (long)self->part.val;
	AX_AWAIT_TO(self->part, AX_CALL(load, .source = "file", .app = self->app));
	if (self->part.err)
		AX_RETURN(self->part);
	self->sum += (long)self->part.val;
	AX_AWAIT_TO(self->part, AX_CALL(load, .source = "remote", .app = self->app));
	if (self->part.err)
		AX_RETURN(self->part);
	self->sum += (long)self->part.val;
	AX_RETURN(((ax_res){ .val = self->sum }));
	AX_END;
}
