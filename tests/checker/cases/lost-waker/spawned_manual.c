/* A hand-written future spawned as a task by itself: PENDING on its first
 * poll with no waker kept.  The finding names the spawn.
 * expect: lost-waker 23 */
#include "asynclab/future.h"

typedef struct never_t {
	ax_future base;
	int out;
} never_t;

static ax_poll_t never_poll(ax_future *f, ax_cx *cx)
{
	(void)f;
	(void)cx;
	return AX_PENDING;
}

static const ax_future_vt never_vt = AX_VT_OF(never_t, "never", never_poll, NULL, 0);

AX_ASYNC(main_async, int, ax_task *h;)
{
	AX_BEGIN;
	self->h = AX_SPAWN(((never_t){ .base.vt = &never_vt })); /* <- lost-waker */
	AX_AWAIT(ax_sleep_ms(5));
	ax_task_detach(self->h);
	AX_RETURN(0);
	AX_END;
}

int main(void)
{
	return AX_RUN(AX_CALL(main_async));
}
