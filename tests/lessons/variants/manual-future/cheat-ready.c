/* A cheat: ready at once with the parcel number from the lesson text.
 * expect: fail parcel-arrives */
#include "lesson.h"

typedef struct wait_parcel_t {
	ax_future base;
	int out;
	mailbox *mb;
} wait_parcel_t;

static ax_poll_t wait_parcel_poll(ax_future *f, ax_cx *cx)
{
	(void)cx;
	wait_parcel_t *self = (wait_parcel_t *)(void *)f;
	self->out = 42;
	return AX_READY;
}

static const ax_future_vt wait_parcel_vt =
	AX_VT_OF(wait_parcel_t, "wait_parcel", wait_parcel_poll, NULL, 0);

static wait_parcel_t wait_parcel(mailbox *mb)
{
	return (wait_parcel_t){ .base.vt = &wait_parcel_vt, .mb = mb };
}
