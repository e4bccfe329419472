/* Futures may move freely before their first poll: built in one place,
 * copied into their final slot, then polled only there.
 * expect: none */
#include "asynclab/future.h"

typedef struct later_t {
	ax_future base;
	ax_unit out;
	ax_sleep_t slot;
} later_t;

static ax_poll_t later_poll(ax_future *f, ax_cx *cx)
{
	later_t *l = (later_t *)(void *)f;
	if (!f->state) {
		ax_sleep_t built = ax_sleep_ms(20);
		l->slot = built; /* moved, but never polled yet */
		f->state = 1;
	}
	return ax_poll(&l->slot.base, cx);
}

static void later_drop(ax_future *f)
{
	later_t *l = (later_t *)(void *)f;
	if (f->state)
		ax_future_drop(&l->slot.base);
}

static const ax_future_vt later_vt = AX_VT_OF(later_t, "later", later_poll, later_drop, 0);

int main(void)
{
	AX_RUN(((later_t){ .base.vt = &later_vt }));
	return 0;
}
