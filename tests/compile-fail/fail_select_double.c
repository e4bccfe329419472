/* AX_SELECT of an async fn whose output is a double: an ax_val is an
 * integer, the value would be read as its bits or lost.
 * expect: AX_SELECT: the output of this child cannot be carried
 * expect-errors: 1
 */
#include <asynclab.h>

AX_ASYNC(ratio, double, )
{
	AX_BEGIN;
	AX_RETURN(0.5);
	AX_END;
}

AX_ASYNC(f, int, ax_selected s;)
{
	AX_BEGIN;
	AX_AWAIT_TO(self->s, AX_SELECT(AX_CALL(ratio), ax_sleep_ms(5)));
	AX_RETURN(self->s.index);
	AX_END;
}

int main(void)
{
	return AX_RUN(AX_CALL(f));
}
