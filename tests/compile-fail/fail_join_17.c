/* AX_JOIN of 17 children: ax_vals holds AX_JOIN_MAX (16) values.
 * expect: AX_JOIN: at most AX_JOIN_MAX (16) children
 * expect: AX_JOIN_INTO or ax_join_into (no limit)
 * expect-errors: 1
 */
#include <asynclab.h>

AX_ASYNC(f, int, ax_vals v;)
{
	AX_BEGIN;
	AX_AWAIT_TO(self->v, AX_JOIN(ax_sleep_ms(1), ax_sleep_ms(2), ax_sleep_ms(3), ax_sleep_ms(4), ax_sleep_ms(5), ax_sleep_ms(6), ax_sleep_ms(7), ax_sleep_ms(8), ax_sleep_ms(9), ax_sleep_ms(10), ax_sleep_ms(11), ax_sleep_ms(12), ax_sleep_ms(13), ax_sleep_ms(14), ax_sleep_ms(15), ax_sleep_ms(16), ax_sleep_ms(17)));
	AX_RETURN(self->v.n);
	AX_END;
}

int main(void)
{
	return AX_RUN(AX_CALL(f));
}
