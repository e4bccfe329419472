/* AX_TASKSET_SPAWN of a join: its ax_vals cannot be carried by
 * ax_taskset_join_next either.
 * expect: AX_TASKSET_SPAWN: the output of this future cannot be carried by ax_taskset_join_next
 * expect-errors: 1
 */
#include <asynclab.h>

AX_ASYNC(g, int, )
{
	AX_BEGIN;
	AX_RETURN(1);
	AX_END;
}

AX_ASYNC(f, int, ax_taskset *ts; ax_opt next;)
{
	AX_BEGIN;
	self->ts = ax_taskset_new();
	AX_TASKSET_OWN(self->ts);
	AX_TASKSET_SPAWN(self->ts, AX_JOIN(AX_CALL(g), ax_sleep_ms(1)));
	AX_AWAIT_TO(self->next, ax_taskset_join_next(self->ts));
	AX_RETURN((int)self->next.val);
	AX_END;
}

int main(void)
{
	return AX_RUN(AX_CALL(f));
}
