/* ax_stream_map_call of an async fn whose output is a struct: a stream's
 * items are ax_vals, the struct would be lost (it used to yield 0).
 * expect: ax_stream_map_call: the output of this async function cannot be carried as a stream item
 * expect: return one (a pointer to the struct, an ax_res)
 * expect-errors: 1
 */
#include <asynclab.h>

typedef struct point {
	int x, y;
} point;

AX_ASYNC(make_point, point, int x;)
{
	AX_BEGIN;
	AX_RETURN(((point){ self->x, 2 }));
	AX_END;
}

AX_ASYNC(f, int, ax_collected c;)
{
	AX_BEGIN;
	AX_AWAIT_TO(self->c, ax_stream_collect(ax_stream_buffered(
				     ax_stream_map_call(ax_stream_range(0, 3), make_point, x), 2)));
	AX_RETURN((int)self->c.n);
	AX_END;
}

int main(void)
{
	return AX_RUN(AX_CALL(f));
}
