/* Lesson 3: a future written by hand.  The reference solution: the
 * future registers its waker and sleeps until the courier wakes it. */
#include "lesson.h"

/* The hand-written future: impl Future for WaitParcel { Output = i32 } */
typedef struct wait_parcel_t {
	ax_future base; /* every future starts with this header */
	int out;	/* the output: the parcel */
	mailbox *mb;
} wait_parcel_t;

static ax_poll_t wait_parcel_poll(ax_future *f, ax_cx *cx)
{
	wait_parcel_t *self = (wait_parcel_t *)(void *)f;
	if (self->mb->has_parcel) {
		self->out = self->mb->parcel;
		return AX_READY;
	}
	/* Not ready: the contract of poll is "before returning PENDING,
	 * make sure someone will wake me".  Leave a clone of our waker
	 * where the event (the delivery) will find it, then sleep.  Waking
	 * ourselves here instead would be a busy wait: the executor would
	 * poll us again and again for nothing (busy-wake).  Returning
	 * PENDING with no waker stored anywhere would sleep forever
	 * (lost-waker).  A task may be polled again before the parcel
	 * comes, with the same or a different waker: keep only the newest. */
	if (!self->mb->waker || !ax_waker_will_wake(self->mb->waker, cx->waker)) {
		if (self->mb->waker)
			ax_waker_drop(self->mb->waker);
		self->mb->waker = ax_waker_clone(cx->waker);
	}
	return AX_PENDING;
}

/* Dropped (finished or cancelled): take our waker back out of the box. */
static void wait_parcel_drop(ax_future *f)
{
	wait_parcel_t *self = (wait_parcel_t *)(void *)f;
	if (self->mb->waker) {
		ax_waker_drop(self->mb->waker);
		self->mb->waker = NULL;
	}
}

static const ax_future_vt wait_parcel_vt = AX_VT_OF(
	wait_parcel_t, "wait_parcel", wait_parcel_poll, wait_parcel_drop, 0);

static wait_parcel_t wait_parcel(mailbox *mb)
{
	return (wait_parcel_t){ .base.vt = &wait_parcel_vt, .mb = mb };
}
