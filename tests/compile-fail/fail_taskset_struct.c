/* AX_TASKSET_SPAWN of an async fn whose output is a struct:
 * ax_taskset_join_next gives an ax_opt, the struct would be lost (val 0).
 * expect: AX_TASKSET_SPAWN: the output of this future cannot be carried by ax_taskset_join_next
 * expect: spawn it with AX_TASKSET_SPAWN_DISCARD if its output is not needed
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

AX_ASYNC(f, int, ax_taskset *ts; ax_opt next;)
{
	AX_BEGIN;
	self->ts = ax_taskset_new();
	AX_TASKSET_OWN(self->ts);
	AX_TASKSET_SPAWN(self->ts, AX_CALL(make_point, .x = 1));
	AX_AWAIT_TO(self->next, ax_taskset_join_next(self->ts));
	AX_RETURN((int)self->next.val);
	AX_END;
}

int main(void)
{
	return AX_RUN(AX_CALL(f));
}
