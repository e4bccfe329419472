/* AX_AWAIT of a boxed future (an ax_future *): that is AX_AWAIT_BOX's job.
 * expect: use AX_AWAIT_BOX
 */
#include <asynclab.h>

AX_ASYNC(f, int, ax_future *p;)
{
	AX_BEGIN;
	self->p = AX_BOX(ax_sleep_ms(1));
	AX_AWAIT(self->p);
	AX_RETURN(1);
	AX_END;
}

int main(void)
{
	return AX_RUN(AX_CALL(f));
}
