/* AX_JOIN_INTO of a struct-valued future into an int: any output type
 * joins, but the destination must have that type.
 * expect: AX_JOIN_INTO: this destination does not point to the type of the future after it
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

AX_ASYNC(f, int, point p; int q;)
{
	AX_BEGIN;
	AX_AWAIT(AX_JOIN_INTO(&self->p, AX_CALL(make_point, .x = 1), &self->q,
			      AX_CALL(make_point, .x = 2)));
	AX_RETURN(self->p.x);
	AX_END;
}

int main(void)
{
	return AX_RUN(AX_CALL(f));
}
