/* Wrong: the user id kept in a plain C local declared after AX_BEGIN,
 * read again after the next await, where it is lost.
 * expect: fail frame-locals */
#include "lesson.h"
AX_ASYNC(checkout, ax_res, const char *user; ax_res cart; ax_res who;)
{
	AX_BEGIN;
	ax_val uid;
	AX_AWAIT_TO(self->who, AX_CALL(login, .user = self->user));
	if (self->who.err)
		AX_RETURN(self->who);
	uid = self->who.val;
	AX_AWAIT_TO(self->cart, AX_CALL(load_cart, .uid = uid));
	if (uid != 1001 && self->cart.val == 3)
		self->cart.err = -EIO;
	AX_RETURN(self->cart);
	AX_END;
}
