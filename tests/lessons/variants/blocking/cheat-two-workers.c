/* A cheat that behaves only where one worker would show it: with one
 * worker it awaits the blocking pool; on a runtime with more workers it
 * calls the lookup inside the poll (one blocked worker is "only one").
 * The two-worker run must catch it, and a lookup on any worker thread
 * counts as blocking the executor.
 * expect: fail lookup-on-pool */
#include "lesson.h"
#include <asynclab/instrument.h>
#include <stdint.h>

static ax_val lookup_job(void *arg)
{
	return legacy_price_lookup((int)(intptr_t)arg);
}

static int workers(void)
{
	int of = 1, turns = 0;
	ax_instrument_worker(ax_rt_current(), &of, &turns);
	return of;
}

AX_ASYNC(handle_request, long, int id; long price;)
{
	AX_BEGIN;
	AX_AWAIT(ax_sleep_ms(20));
	if (workers() > 1) {
		self->price = legacy_price_lookup(self->id);
		AX_RETURN(self->price);
	}
	AX_AWAIT_TO(self->price, ax_spawn_blocking(lookup_job, (void *)(intptr_t)self->id));
	AX_RETURN(self->price);
	AX_END;
}
