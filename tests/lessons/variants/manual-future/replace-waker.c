/* A correct route: the stored waker is replaced at every pending poll,
 * without comparing it to the new one.
 * expect: pass */
#include "lesson.h"

typedef struct wait_parcel_t {
	ax_future base;
	int out;
	mailbox *mb;
} wait_parcel_t;

static ax_poll_t wait_parcel_poll(ax_future *f, ax_cx *cx)
{
	wait_parcel_t *self = (wait_parcel_t *)(void *)f;
	if (self->mb->has_parcel) {
		self->out = self->mb->parcel;
		return AX_READY;
	}
	if (self->mb->waker)
		ax_waker_drop(self->mb->waker);
	self->mb->waker = ax_waker_clone(cx->waker);
	return AX_PENDING;
}

static void wait_parcel_drop(ax_future *f)
{
	wait_parcel_t *self = (wait_parcel_t *)(void *)f;
	if (self->mb->waker) {
		ax_waker_drop(self->mb->waker);
		self->mb->waker = NULL;
	}
}

static const ax_future_vt wait_parcel_vt =
	AX_VT_OF(wait_parcel_t, "wait_parcel", wait_parcel_poll, wait_parcel_drop, 0);

static wait_parcel_t wait_parcel(mailbox *mb)
{
	return (wait_parcel_t){ .base.vt = &wait_parcel_vt, .mb = mb };
}
