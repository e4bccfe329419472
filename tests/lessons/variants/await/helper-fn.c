/* A correct route: the cart step in an async helper of its own, awaited
 * by checkout; the uid read into a local in the same poll it is used.
 * expect: pass */
#include "lesson.h"

AX_ASYNC(cart_of, ax_res, ax_val uid; ax_res r;)
{
	AX_BEGIN;
	AX_AWAIT_TO(self->r, AX_CALL(load_cart, .uid = self->uid));
	AX_RETURN(self->r);
	AX_END;
}

AX_ASYNC(checkout, ax_res, const char *user; ax_res who; ax_res cart;)
{
	AX_BEGIN;
	AX_AWAIT_TO(self->who, AX_CALL(login, .user = self->user));
	if (self->who.err)
		goto failed;
	ax_val uid = self->who.val;
	AX_AWAIT_TO(self->cart, AX_CALL(cart_of, .uid = uid));
	AX_RETURN(self->cart);
failed:
	AX_RETURN(((ax_res){ .err = self->who.err }));
	AX_END;
}
