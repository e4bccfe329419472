/* 2000 items through buffer_unordered(16): no tasks at all, and at most
 * 16 futures in flight.
 * expect: none */
#include "asynclab.h"

AX_ASYNC(fetch, int, ax_val item;)
{
	AX_BEGIN;
	AX_AWAIT(ax_sleep_ms(10));
	AX_RETURN((int)self->item);
	AX_END;
}

static ax_future *make_fetch(ax_val v, void *ud)
{
	(void)ud;
	return AX_BOX(AX_CALL(fetch, .item = v));
}

AX_ASYNC(main_async, int, size_t n;)
{
	AX_BEGIN;
	AX_AWAIT_TO(self->n,
		    ax_stream_for_each(ax_stream_buffer_unordered(
					       ax_stream_map_future(ax_stream_range(0, 2000),
								    make_fetch, NULL),
					       16),
				       NULL, NULL));
	AX_RETURN(self->n == 2000 ? 0 : 1);
	AX_END;
}

int main(void)
{
	return AX_RUN(AX_CALL(main_async));
}

/* timing: yes (2000 real-clock sleeps, watched by the stall watchdog) */
