/* Wrong: the lookup moved into a task of its own, but that task calls it
 * inside its poll.  A spawned task runs on a worker of the executor like
 * any other (with two workers perhaps on the other one): it blocks that
 * worker, not a blocking-pool thread.
 * expect: fail lookup-on-pool */
#include "lesson.h"

AX_ASYNC(lookup_task, long, int id; long price;)
{
	AX_BEGIN;
	self->price = legacy_price_lookup(self->id);
	AX_RETURN(self->price);
	AX_END;
}

AX_ASYNC(handle_request, long, int id; ax_task *t; ax_res r;)
{
	AX_BEGIN;
	AX_AWAIT(ax_sleep_ms(20));
	self->t = AX_SPAWN(AX_CALL(lookup_task, .id = self->id));
	AX_AWAIT_TO(self->r, ax_join(self->t));
	AX_RETURN(self->r.val);
	AX_END;
}
