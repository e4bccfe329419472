/* Wrong: the user id from the lesson text, not the one login returned.
 * expect: fail every-step-awaited,outputs */
#include "lesson.h"

AX_ASYNC(checkout, ax_res, const char *user; ax_res who; ax_res cart;)
{
	AX_BEGIN;
	AX_AWAIT_TO(self->who, AX_CALL(login, .user = self->user));
	if (self->who.err)
		AX_RETURN(self->who);
	AX_AWAIT_TO(self->cart, AX_CALL(load_cart, .uid = 1001));
	AX_RETURN(self->cart);
	AX_END;
}
