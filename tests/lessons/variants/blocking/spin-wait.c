/* Wrong: usleep replaced by a loop that watches the real clock for
 * 20 ms; the lookup is on the pool.  Still a blocking wait.
 * expect: fail no-busy-wait */
#include "lesson.h"
#include <stdint.h>
#include <time.h>

static ax_val lookup_job(void *arg)
{
	return legacy_price_lookup((int)(intptr_t)arg);
}

static uint64_t mono_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

AX_ASYNC(handle_request, long, int id; long price;)
{
	AX_BEGIN;
	{
		uint64_t until = mono_ns() + 20000000u;
		while (mono_ns() < until)
			;
	}
	AX_AWAIT_TO(self->price, ax_spawn_blocking(lookup_job, (void *)(intptr_t)self->id));
	AX_RETURN(self->price);
	AX_END;
}
