/* Two inline futures are swapped after each poll to change which one
 * goes first: both move after they were polled.
 * expect: moved-future 16
 * expect: moved-future 17 */
#include "asynclab/future.h"

typedef struct pair_t {
	ax_future base;
	ax_unit out;
	ax_yield_t a, b;
} pair_t;

static ax_poll_t pair_poll(ax_future *f, ax_cx *cx)
{
	pair_t *p = (pair_t *)(void *)f;
	ax_poll_t ra = ax_poll(&p->a.base, cx); /* <- moved-future */
	ax_poll_t rb = ax_poll(&p->b.base, cx); /* <- moved-future */
	if (ra == AX_READY && rb == AX_READY)
		return AX_READY;
	ax_yield_t t = p->a;
	p->a = p->b;
	p->b = t;
	return AX_PENDING;
}

static const ax_future_vt pair_vt = AX_VT_OF(pair_t, "pair", pair_poll, NULL, 0);

int main(void)
{
	AX_RUN(((pair_t){ .base.vt = &pair_vt, .a = ax_yield(), .b = ax_yield() }));
	return 0;
}
