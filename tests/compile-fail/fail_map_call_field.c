/* ax_stream_map_call into a field that is not an integer or pointer: the
 * stream's item (an ax_val) cannot be stored into it.
 * expect: ax_stream_map_call: the item goes into a field that is not an integer or pointer
 * expect-errors: 1
 */
#include <asynclab.h>

typedef struct point {
	int x, y;
} point;

AX_ASYNC(norm, int, point p;)
{
	AX_BEGIN;
	AX_RETURN(self->p.x + self->p.y);
	AX_END;
}

AX_ASYNC(f, int, ax_collected c;)
{
	AX_BEGIN;
	AX_AWAIT_TO(self->c, ax_stream_collect(ax_stream_buffered(
				     ax_stream_map_call(ax_stream_range(0, 3), norm, p), 2)));
	AX_RETURN((int)self->c.n);
	AX_END;
}

int main(void)
{
	return AX_RUN(AX_CALL(f));
}
