/* Wrong: both steps run, and only then is login's error looked at; the
 * right error comes back, but a cart was loaded for a failed login.
 * expect: fail stops-at-first-error */
#include "lesson.h"

AX_ASYNC(checkout, ax_res, const char *user; ax_res who; ax_res cart;)
{
	AX_BEGIN;
	AX_AWAIT_TO(self->who, AX_CALL(login, .user = self->user));
	AX_AWAIT_TO(self->cart, AX_CALL(load_cart, .uid = self->who.val));
	if (self->who.err)
		AX_RETURN(self->who);
	AX_RETURN(self->cart);
	AX_END;
}
