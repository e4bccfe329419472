/* AX_JOIN of an async fn whose output is a struct: ax_vals holds an
 * ax_val per child, the struct would be lost.
 * expect: AX_JOIN: the output of this child cannot be carried
 * expect: await it in an async fn that returns an integer
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

AX_ASYNC(f, int, ax_vals v;)
{
	AX_BEGIN;
	AX_AWAIT_TO(self->v, AX_JOIN(ax_sleep_ms(1), AX_CALL(make_point, .x = 1)));
	AX_RETURN((int)self->v.val[0]);
	AX_END;
}

int main(void)
{
	return AX_RUN(AX_CALL(f));
}
