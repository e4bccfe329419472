/* AX_TRY_JOIN of a stream's collect: its output (ax_collected, an array
 * the caller must free) cannot be carried, and would leak.
 * expect: AX_TRY_JOIN: the output of this child cannot be carried
 * expect-errors: 1
 */
#include <asynclab.h>

AX_ASYNC(f, int, ax_try_vals tv;)
{
	AX_BEGIN;
	AX_AWAIT_TO(self->tv, AX_TRY_JOIN(ax_stream_collect(ax_stream_range(0, 3)),
					  ax_sleep_ms(1)));
	AX_RETURN(self->tv.err);
	AX_END;
}

int main(void)
{
	return AX_RUN(AX_CALL(f));
}
