/* AX_TIMEOUT_MS of a join: the join's output (ax_vals) cannot be carried
 * through the timeout's ax_res; it used to complete with val 0, err 0.
 * expect: AX_TIMEOUT_MS: the output of this child cannot be carried
 * expect: ax_timeout_ms(ms, AX_BOX(...))
 * expect-errors: 1
 */
#include <asynclab.h>

AX_ASYNC(f, int, ax_res r;)
{
	AX_BEGIN;
	AX_AWAIT_TO(self->r, AX_TIMEOUT_MS(100, AX_JOIN(ax_sleep_ms(1), ax_sleep_ms(2))));
	AX_RETURN(self->r.err);
	AX_END;
}

int main(void)
{
	return AX_RUN(AX_CALL(f));
}
