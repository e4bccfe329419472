/* Wrong: a join of the three loads, errors looked at only once all three
 * have finished.
 * expect: fail fails-fast,rest-cancelled */
#include "lesson.h"

AX_ASYNC(load_into, int, const char *source; const char *app; ax_res *into;)
{
	AX_BEGIN;
	AX_AWAIT_TO(*self->into, AX_CALL(load, .source = self->source, .app = self->app));
	AX_RETURN(0);
	AX_END;
}

AX_ASYNC(load_config, ax_res, const char *app; ax_res part[3]; int i;)
{
	AX_BEGIN;
	AX_AWAIT(AX_JOIN(AX_CALL(load_into, .source = "defaults", .app = self->app,
				 .into = &self->part[0]),
			 AX_CALL(load_into, .source = "file", .app = self->app,
				 .into = &self->part[1]),
			 AX_CALL(load_into, .source = "remote", .app = self->app,
				 .into = &self->part[2])));
	for (self->i = 0; self->i < 3; self->i++)
		if (self->part[self->i].err)
			AX_RETURN(self->part[self->i]);
	AX_RETURN(((ax_res){ .val = self->part[0].val + self->part[1].val + self->part[2].val }));
	AX_END;
}
