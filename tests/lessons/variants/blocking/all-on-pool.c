/* A correct route: the rate limiter's wait and the lookup together in one
 * job on the blocking pool; the task only awaits it.
 * expect: pass */
#include "lesson.h"
#include <stdint.h>
#include <unistd.h>

static ax_val limited_lookup(void *arg)
{
	usleep(20 * 1000); /* blocking, but on a pool thread */
	return legacy_price_lookup((int)(intptr_t)arg);
}

AX_ASYNC(handle_request, long, int id; long price;)
{
	AX_BEGIN;
	AX_AWAIT_TO(self->price, ax_spawn_blocking(limited_lookup, (void *)(intptr_t)self->id));
	AX_RETURN(self->price);
	AX_END;
}
