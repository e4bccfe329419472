/* A short spin (a few self-wakes while another task finishes) stays
 * under the threshold.
 * expect: none */
#include "asynclab/future.h"

typedef struct countdown_t {
	ax_future base;
	ax_unit out;
	int left;
} countdown_t;

static ax_poll_t countdown_poll(ax_future *f, ax_cx *cx)
{
	countdown_t *c = (countdown_t *)(void *)f;
	if (c->left-- <= 0)
		return AX_READY;
	ax_waker_wake_by_ref(cx->waker);
	return AX_PENDING;
}

static const ax_future_vt countdown_vt =
	AX_VT_OF(countdown_t, "countdown", countdown_poll, NULL, 0);

AX_ASYNC(main_async, int, int i;)
{
	AX_BEGIN;
	for (self->i = 0; self->i < 20; self->i++)
		AX_AWAIT(((countdown_t){ .base.vt = &countdown_vt, .left = 20 }));
	AX_RETURN(0);
	AX_END;
}

int main(void)
{
	return AX_RUN(AX_CALL(main_async));
}
