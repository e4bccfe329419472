/* A correct route: the second step only in the success branch, the error
 * handed back as a new Result.
 * expect: pass */
#include "lesson.h"

AX_ASYNC(checkout, ax_res, const char *user; ax_res who; ax_res cart;)
{
	AX_BEGIN;
	AX_AWAIT_TO(self->who, AX_CALL(login, .user = self->user));
	if (self->who.err == 0) {
		AX_AWAIT_TO(self->cart, AX_CALL(load_cart, .uid = self->who.val));
	} else {
		self->cart = (ax_res){ .err = self->who.err };
	}
	AX_RETURN(self->cart);
	AX_END;
}
