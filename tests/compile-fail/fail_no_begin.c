/* An async body without AX_BEGIN: it would restart on every poll.
 * expect: ax_async_body_needs_AX_BEGIN
 */
#include <asynclab.h>

AX_ASYNC(f, int, int x;)
{
	AX_AWAIT(ax_sleep_ms(1));
	AX_RETURN(self->x);
	AX_END;
}

int main(void)
{
	return AX_RUN(AX_CALL(f, .x = 1));
}
