/* Edits what the lesson provides: a login of its own that lets everyone
 * in, in place of the lesson's.
 * expect: fail every-step-awaited,errors-propagate */
#include "lesson.h"

AX_ASYNC(my_login, ax_res, const char *user;)
{
	AX_BEGIN;
	AX_AWAIT(ax_sleep_ms(20));
	AX_RETURN(((ax_res){ .val = 1001 }));
	AX_END;
}

AX_ASYNC(checkout, ax_res, const char *user; ax_res who; ax_res cart;)
{
	AX_BEGIN;
	AX_AWAIT_TO(self->who, AX_CALL(my_login, .user = self->user));
	if (self->who.err)
		AX_RETURN(self->who);
	AX_AWAIT_TO(self->cart, AX_CALL(load_cart, .uid = self->who.val));
	AX_RETURN(self->cart);
	AX_END;
}
