/* Lesson 2: awaiting futures in sequence, with outputs and errors.
 *
 * checkout(user) logs the user in, then loads their cart with the user id
 * that login returned.  The lesson provides login and load_cart (see
 * lesson.h) and calls checkout for each of its users.  Run it: mallory's
 * failure is reported with the wrong error, and her checkout goes on to a
 * step it should never reach. */
#include "lesson.h"

/* async fn checkout(user) -> Result<usize, Error> */
AX_ASYNC(checkout, ax_res, const char *user; ax_res who; ax_res cart;)
{
	AX_BEGIN;
	AX_AWAIT_TO(self->who, AX_CALL(login, .user = self->user));
	/* TODO(you): when login fails, stop here and return its error
	 * (what `?` does in Rust).  Going on loads a cart for a user who
	 * never logged in. */
	AX_AWAIT_TO(self->cart, AX_CALL(load_cart, .uid = self->who.val));
	AX_RETURN(self->cart);
	AX_END;
}
