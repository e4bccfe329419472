/* AX_JOIN_INTO with a future but no destination for it.
 * expect: AX_JOIN_INTO takes pairs: &dst, future, &dst, future, ...
 * expect-errors: 1
 */
#include <asynclab.h>

AX_ASYNC(f, int, ax_unit a;)
{
	AX_BEGIN;
	AX_AWAIT(AX_JOIN_INTO(&self->a, ax_sleep_ms(1), ax_sleep_ms(2)));
	AX_RETURN(0);
	AX_END;
}

int main(void)
{
	return AX_RUN(AX_CALL(f));
}
