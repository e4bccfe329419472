/* AX_JOIN_INTO with a destination of another type than its future's
 * output: the output would be copied over the wrong object.
 * expect: AX_JOIN_INTO: this destination does not point to the type of the future after it
 * expect: pass &x where x has the output type of that future
 * expect-errors: 1
 */
#include <asynclab.h>

AX_ASYNC(fetch, int, int id;)
{
	AX_BEGIN;
	AX_RETURN(self->id);
	AX_END;
}

AX_ASYNC(f, int, int a; long b;)
{
	AX_BEGIN;
	AX_AWAIT(AX_JOIN_INTO(&self->a, AX_CALL(fetch, .id = 1), &self->b,
			      AX_CALL(fetch, .id = 2)));
	AX_RETURN(self->a);
	AX_END;
}

int main(void)
{
	return AX_RUN(AX_CALL(f));
}
