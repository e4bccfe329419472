/* AX_AWAIT_BOX of a future by value: that is AX_AWAIT's job.
 * expect: AX_AWAIT_BOX needs an ax_future *
 */
#include <asynclab.h>

AX_ASYNC(f, int, int x;)
{
	AX_BEGIN;
	AX_AWAIT_BOX(ax_sleep_ms(1));
	AX_RETURN(self->x);
	AX_END;
}

int main(void)
{
	return AX_RUN(AX_CALL(f, .x = 1));
}
