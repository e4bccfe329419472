/* A hand-written future waits for a flag by waking itself on every poll:
 * it never sleeps, it spins, and the clock cannot advance while it does.
 * expect: busy-wake 18 */
#include "asynclab/future.h"

static int flag;

typedef struct spin_t {
	ax_future base;
	ax_unit out;
} spin_t;

static ax_poll_t spin_poll(ax_future *f, ax_cx *cx)
{
	(void)f;
	if (flag)
		return AX_READY;
	ax_waker_wake_by_ref(cx->waker); /* <- busy-wake */
	return AX_PENDING;
}

static const ax_future_vt spin_vt = AX_VT_OF(spin_t, "spin", spin_poll, NULL, 0);

AX_ASYNC(setter, int, int i;)
{
	AX_BEGIN;
	for (self->i = 0; self->i < 300; self->i++)
		AX_AWAIT(ax_yield());
	flag = 1;
	AX_RETURN(0);
	AX_END;
}

AX_ASYNC(main_async, int, ax_task *s;)
{
	AX_BEGIN;
	self->s = AX_SPAWN(AX_CALL(setter));
	AX_AWAIT(((spin_t){ .base.vt = &spin_vt }));
	AX_AWAIT(ax_join(self->s));
	AX_RETURN(0);
	AX_END;
}

int main(void)
{
	return AX_RUN(AX_CALL(main_async));
}
