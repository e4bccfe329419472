/* A correct route: ax_stream_for_each with a callback that returns the
 * handle future for each reading (awaited before the next is asked for);
 * the summary is kept through the callback's user data.
 * expect: pass */
#include "lesson.h"

static ax_future *on_reading(ax_val t, void *ud)
{
	summary *sum = ud;
	sum->n++;
	if (sum->n == 1 || t > sum->max)
		sum->max = t;
	return AX_BOX(AX_CALL(handle, .t = t));
}

AX_ASYNC(watch, int, ax_stream *sensor; summary *sum; size_t n;)
{
	AX_BEGIN;
	/* for_each owns the stream and frees it at the end */
	AX_AWAIT_TO(self->n, ax_stream_for_each(self->sensor, on_reading, self->sum));
	AX_RETURN(0);
	AX_END;
}
