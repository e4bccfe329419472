/* AX_SPAWN_NAMED checks like AX_SPAWN: a double output is not carried.
 * expect: AX_SPAWN: the output of this future cannot be carried by its JoinHandle
 * expect-errors: 1
 */
#include <asynclab.h>

AX_ASYNC(half, double, )
{
	AX_BEGIN;
	AX_RETURN(0.5);
	AX_END;
}

AX_ASYNC(f, int, ax_task *h;)
{
	AX_BEGIN;
	self->h = AX_SPAWN_NAMED("half", AX_CALL(half));
	ax_task_detach(self->h);
	AX_RETURN(0);
	AX_END;
}

int main(void)
{
	return AX_RUN(AX_CALL(f));
}
