/* Lesson 2: awaiting futures in sequence, with outputs and errors.  The
 * reference solution: checkout awaits login, stops on its error, then
 * awaits load_cart with login's output. */
#include "lesson.h"

/* async fn checkout(user) -> Result<usize, Error> */
AX_ASYNC(checkout, ax_res, const char *user; ax_res who; ax_res cart;)
{
	AX_BEGIN;
	AX_AWAIT_TO(self->who, AX_CALL(login, .user = self->user));
	/* Rust's `?`: a failed step ends the whole function with its
	 * error.  Going on would load a cart for a user who never logged
	 * in, and report the wrong error. */
	if (self->who.err)
		AX_RETURN(self->who);
	/* The next step needs the previous one's output, so these awaits
	 * are sequential by nature: 20 ms + 30 ms. */
	AX_AWAIT_TO(self->cart, AX_CALL(load_cart, .uid = self->who.val));
	AX_RETURN(self->cart);
	AX_END;
}
