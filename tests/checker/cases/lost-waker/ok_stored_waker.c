/* The future stores a clone of the waker; another task wakes it later.
 * expect: none */
#include "asynclab/future.h"

static int ready_flag;
static ax_waker *parked;

typedef struct wait_flag_t {
	ax_future base;
	ax_unit out;
} wait_flag_t;

static ax_poll_t wait_flag_poll(ax_future *f, ax_cx *cx)
{
	(void)f;
	if (ready_flag)
		return AX_READY;
	if (parked)
		ax_waker_drop(parked);
	parked = ax_waker_clone(cx->waker);
	return AX_PENDING;
}

static const ax_future_vt wait_flag_vt =
	AX_VT_OF(wait_flag_t, "wait_flag", wait_flag_poll, NULL, 0);

AX_ASYNC(setter, int, int unused;)
{
	AX_BEGIN;
	AX_AWAIT(ax_sleep_ms(10));
	ready_flag = 1;
	if (parked) {
		ax_waker *w = parked;
		parked = NULL;
		ax_waker_wake(w);
	}
	AX_RETURN(0);
	AX_END;
}

AX_ASYNC(main_async, int, ax_task *s;)
{
	AX_BEGIN;
	self->s = AX_SPAWN(AX_CALL(setter));
	AX_AWAIT(((wait_flag_t){ .base.vt = &wait_flag_vt }));
	AX_AWAIT(ax_join(self->s));
	AX_RETURN(0);
	AX_END;
}

int main(void)
{
	return AX_RUN(AX_CALL(main_async));
}
