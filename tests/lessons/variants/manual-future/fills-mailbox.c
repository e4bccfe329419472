/* Tampers with what the lesson provides: the waiter puts a parcel in the
 * mailbox itself instead of waiting for the courier.
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
	if (!self->mb->has_parcel) {
		self->mb->has_parcel = true;
		self->mb->parcel = 42;
	}
	self->out = self->mb->parcel;
	return AX_READY;
}

static const ax_future_vt wait_parcel_vt =
	AX_VT_OF(wait_parcel_t, "wait_parcel", wait_parcel_poll, NULL, 0);

static wait_parcel_t wait_parcel(mailbox *mb)
{
	return (wait_parcel_t){ .base.vt = &wait_parcel_vt, .mb = mb };
}
