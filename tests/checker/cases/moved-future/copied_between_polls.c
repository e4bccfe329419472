/* A future is polled once, copied into another field, and polled there.
 * expect: moved-future 21 */
#include "asynclab/future.h"

typedef struct relay_t {
	ax_future base;
	ax_unit out;
	ax_yield_t first, second;
} relay_t;

static ax_poll_t relay_poll(ax_future *f, ax_cx *cx)
{
	relay_t *r = (relay_t *)(void *)f;
	if (!f->state) {
		f->state = 1;
		if (ax_poll(&r->first.base, cx) == AX_READY)
			return AX_READY;
		r->second = r->first; /* moves a polled future */
		return AX_PENDING;
	}
	return ax_poll(&r->second.base, cx); /* <- moved-future */
}

static void relay_drop(ax_future *f)
{
	relay_t *r = (relay_t *)(void *)f;
	ax_future_drop(f->state ? &r->second.base : &r->first.base);
}

static const ax_future_vt relay_vt = AX_VT_OF(relay_t, "relay", relay_poll, relay_drop, 0);

int main(void)
{
	AX_RUN(((relay_t){ .base.vt = &relay_vt, .first = ax_yield() }));
	return 0;
}
