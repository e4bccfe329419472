/* A future that "waits" by counting its own polls: 500 wake-ups that do
 * nothing, alone on the executor.
 * expect: busy-wake 17 */
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
	ax_waker_wake_by_ref(cx->waker); /* <- busy-wake */
	return AX_PENDING;
}

static const ax_future_vt countdown_vt =
	AX_VT_OF(countdown_t, "countdown", countdown_poll, NULL, 0);

int main(void)
{
	AX_RUN(((countdown_t){ .base.vt = &countdown_vt, .left = 500 }));
	return 0;
}
