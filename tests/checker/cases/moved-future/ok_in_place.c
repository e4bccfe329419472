/* An inline future polled again and again at the same address.
 * expect: none */
#include "asynclab/future.h"

typedef struct wrap_t {
	ax_future base;
	ax_unit out;
	ax_sleep_t inner;
	int polls;
} wrap_t;

static ax_poll_t wrap_poll(ax_future *f, ax_cx *cx)
{
	wrap_t *w = (wrap_t *)(void *)f;
	w->polls++;
	return ax_poll(&w->inner.base, cx);
}

static void wrap_drop(ax_future *f)
{
	wrap_t *w = (wrap_t *)(void *)f;
	ax_future_drop(&w->inner.base);
}

static const ax_future_vt wrap_vt = AX_VT_OF(wrap_t, "wrap", wrap_poll, wrap_drop, 0);

AX_ASYNC(main_async, int, int i;)
{
	AX_BEGIN;
	for (self->i = 0; self->i < 3; self->i++)
		AX_AWAIT(((wrap_t){ .base.vt = &wrap_vt, .inner = ax_sleep_ms(10) }));
	AX_RETURN(0);
	AX_END;
}

int main(void)
{
	return AX_RUN(AX_CALL(main_async));
}
