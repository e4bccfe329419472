/* A correct route: the lookup awaited in a task of its own (which awaits
 * the blocking pool), and the request joins that task.
 * expect: pass */
#include "lesson.h"
#include <stdint.h>

static ax_val lookup_job(void *arg)
{
	return legacy_price_lookup((int)(intptr_t)arg);
}

AX_ASYNC(lookup_task, long, int id; long price;)
{
	AX_BEGIN;
	AX_AWAIT_TO(self->price, ax_spawn_blocking(lookup_job, (void *)(intptr_t)self->id));
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
