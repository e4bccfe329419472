/* A hand-written future returns PENDING without keeping the waker: no
 * one can ever wake the task again.
 * expect: lost-waker 26 */
#include "asynclab/future.h"

static int ready_flag;

typedef struct wait_flag_t {
	ax_future base;
	ax_unit out;
} wait_flag_t;

static ax_poll_t wait_flag_poll(ax_future *f, ax_cx *cx)
{
	(void)f;
	(void)cx;
	return ready_flag ? AX_READY : AX_PENDING; /* waker not stored */
}

static const ax_future_vt wait_flag_vt =
	AX_VT_OF(wait_flag_t, "wait_flag", wait_flag_poll, NULL, 0);

AX_ASYNC(waiter, int, int unused;)
{
	AX_BEGIN;
	AX_AWAIT(((wait_flag_t){ .base.vt = &wait_flag_vt })); /* <- lost-waker */
	AX_RETURN(1);
	AX_END;
}

AX_ASYNC(main_async, int, ax_task *h;)
{
	AX_BEGIN;
	self->h = AX_SPAWN(AX_CALL(waiter));
	AX_AWAIT(ax_sleep_ms(10));
	ready_flag = 1; /* nobody wakes the waiter */
	ax_task_detach(self->h);
	AX_RETURN(0);
	AX_END;
}

int main(void)
{
	return AX_RUN(AX_CALL(main_async));
}
