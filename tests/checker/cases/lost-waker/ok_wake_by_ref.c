/* A future that wakes itself once before returning PENDING (what
 * yield_now does) is woken, not lost.
 * expect: none */
#include "asynclab/future.h"

typedef struct once_t {
	ax_future base;
	ax_unit out;
} once_t;

static ax_poll_t once_poll(ax_future *f, ax_cx *cx)
{
	if (f->state)
		return AX_READY;
	f->state = 1;
	ax_waker_wake_by_ref(cx->waker);
	return AX_PENDING;
}

static const ax_future_vt once_vt = AX_VT_OF(once_t, "once", once_poll, NULL, 0);

AX_ASYNC(main_async, int, int i;)
{
	AX_BEGIN;
	for (self->i = 0; self->i < 10; self->i++)
		AX_AWAIT(((once_t){ .base.vt = &once_vt }));
	AX_RETURN(0);
	AX_END;
}

int main(void)
{
	return AX_RUN(AX_CALL(main_async));
}
