/* Wrong: login's result kept in a plain C local declared after AX_BEGIN
 * and read again after the next await, where it is lost.
 * expect: fail frame-locals */
#include "lesson.h"

AX_ASYNC(checkout, ax_res, const char *user; ax_res cart;)
{
	AX_BEGIN;
	ax_res who;
	AX_AWAIT_TO(who, AX_CALL(login, .user = self->user));
	if (who.err)
		AX_RETURN(who);
	AX_AWAIT_TO(self->cart, AX_CALL(load_cart, .uid = who.val));
	if (who.val != 1001 && self->cart.val == 3)
		self->cart.err = -EIO;
	AX_RETURN(self->cart);
	AX_END;
}
