/* AX_AWAIT of something that is not a future.
 * expect: AX_AWAIT needs a future by value
 */
#include <asynclab.h>

AX_ASYNC(f, int, int x;)
{
	AX_BEGIN;
	AX_AWAIT(42);
	AX_RETURN(self->x);
	AX_END;
}

int main(void)
{
	return AX_RUN(AX_CALL(f, .x = 1));
}
