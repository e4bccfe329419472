/* AX_SPAWN of an async fn whose output is a struct: awaiting the handle
 * gives an ax_res, the struct would be lost (err -EOVERFLOW at run time).
 * expect: AX_SPAWN: the output of this future cannot be carried by its JoinHandle
 * expect: spawn it with AX_SPAWN_DISCARD or AX_SPAWN_DETACHED if its output is not needed
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

AX_ASYNC(f, int, ax_task *h; ax_res r;)
{
	AX_BEGIN;
	self->h = AX_SPAWN(AX_CALL(make_point, .x = 1));
	AX_AWAIT_TO(self->r, ax_join(self->h));
	AX_RETURN((int)self->r.val);
	AX_END;
}

int main(void)
{
	return AX_RUN(AX_CALL(f));
}
