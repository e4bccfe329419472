/* The future clones the waker but drops the clone before returning
 * PENDING (as if a temporary held it).
 * expect: lost-waker 26 */
#include "asynclab/future.h"

typedef struct later_t {
	ax_future base;
	ax_unit out;
} later_t;

static ax_poll_t later_poll(ax_future *f, ax_cx *cx)
{
	if (f->state)
		return AX_READY;
	ax_waker *w = ax_waker_clone(cx->waker);
	f->state = 0;
	ax_waker_drop(w); /* the only reference goes away */
	return AX_PENDING;
}

static const ax_future_vt later_vt = AX_VT_OF(later_t, "later", later_poll, NULL, 0);

AX_ASYNC(main_async, int, int unused;)
{
	AX_BEGIN;
	AX_AWAIT(((later_t){ .base.vt = &later_vt })); /* <- lost-waker */
	AX_RETURN(0);
	AX_END;
}

int main(void)
{
	AX_RUN(AX_CALL(main_async));
	return 0;
}
