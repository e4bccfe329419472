/* Lesson 2: awaiting futures in sequence, with outputs and errors.  The
 * reference solution: checkout awaits login, stops on its error, then
 * awaits load_cart with login's output. */
#include <asynclab.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

/* async fn login(user) -> Result<UserId, Error>: 20 ms. */
AX_ASYNC(login, ax_res, const char *user;)
{
	AX_BEGIN;
	AX_AWAIT(ax_sleep_ms(20));
	if (strcmp(self->user, "mallory") == 0)
		AX_RETURN(((ax_res){ .err = -EACCES }));
	AX_RETURN(((ax_res){ .val = 1001 }));
	AX_END;
}

/* async fn load_cart(uid) -> Result<usize, Error>: 30 ms. */
AX_ASYNC(load_cart, ax_res, ax_val uid;)
{
	AX_BEGIN;
	AX_AWAIT(ax_sleep_ms(30));
	if (self->uid != 1001)
		AX_RETURN(((ax_res){ .err = -ENOENT }));
	AX_RETURN(((ax_res){ .val = 3 }));
	AX_END;
}

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

AX_ASYNC(main_async, int, ax_res r;)
{
	AX_BEGIN;
	AX_AWAIT_TO(self->r, AX_CALL(checkout, .user = "alice"));
	if (self->r.err)
		printf("alice: failed: %s\n", strerror(-self->r.err));
	else
		printf("alice: %lld items in cart\n", (long long)self->r.val);

	AX_AWAIT_TO(self->r, AX_CALL(checkout, .user = "mallory"));
	if (self->r.err)
		printf("mallory: failed: %s\n", strerror(-self->r.err));
	else
		printf("mallory: %lld items in cart\n", (long long)self->r.val);

	printf("done at %d ms\n", (int)(ax_now() / 1000000));
	AX_RETURN(0);
	AX_END;
}

int main(void)
{
	return AX_RUN(AX_CALL(main_async));
}
