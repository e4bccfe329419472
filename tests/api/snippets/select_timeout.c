#include <asynclab.h>
#include <errno.h>

AX_ASYNC(ask, ax_res, int ms;) /* a request with its own time limit */
{
	AX_BEGIN;
	AX_AWAIT(ax_sleep_ms(self->ms));
	if (self->ms > 50)
		AX_RETURN(((ax_res){ .err = -ETIMEDOUT }));
	AX_RETURN(((ax_res){ .val = 7 }));
	AX_END;
}

AX_ASYNC(ask_or_give_up, int, int ms; ax_selected s;)
{
	AX_BEGIN;
	AX_AWAIT_TO(self->s, AX_SELECT(AX_CALL(ask, .ms = self->ms), ax_sleep_ms(100)));
	if (self->s.index == 1)
		AX_RETURN(-1); /* our deadline passed */
	if (self->s.err)
		AX_RETURN(-2); /* the request's own error (its -ETIMEDOUT) */
	AX_RETURN((int)self->s.val);
	AX_END;
}

int main(void)
{
	return AX_RUN(AX_CALL(ask_or_give_up, .ms = 10)) == 7 &&
			       AX_RUN(AX_CALL(ask_or_give_up, .ms = 60)) == -2 &&
			       AX_RUN(AX_CALL(ask_or_give_up, .ms = 200)) == -1
		       ? 0
		       : 1;
}
