/* A task calls sleep(): the executor thread stops for a second and every
 * other task waits with it.  Under the virtual clock the probe advances
 * the clock instead of sleeping (clock: virtual; for real it stalls too).
 * expect: blocking-call 11 */
#include "asynclab.h"
#include <unistd.h>

AX_ASYNC(slow, int, int unused;)
{
	AX_BEGIN;
	sleep(1); /* <- blocking-call */
	AX_RETURN(1);
	AX_END;
}

AX_ASYNC(main_async, int, ax_task *h; ax_res r;)
{
	AX_BEGIN;
	self->h = AX_SPAWN_NAMED("slow", AX_CALL(slow));
	AX_AWAIT_TO(self->r, ax_join(self->h));
	AX_RETURN((int)self->r.val);
	AX_END;
}

int main(void)
{
	return AX_RUN(AX_CALL(main_async)) == 1 ? 0 : 1;
}
