/* Lesson 3: a future written by hand.
 *
 * wait_parcel(mb) is a future that completes when a parcel is in the
 * mailbox.  The lesson's courier delivers one a little later, with
 * mailbox_deliver (see lesson.h).  Run it: the waiter is polled over and
 * over while it waits, until the lesson stops it.  Make it sleep until the
 * courier wakes it. */
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
	/* TODO(you): this asks to be polled again right away, forever, until
	 * the parcel happens to be there: a busy wait.  Instead, leave a
	 * waker in the mailbox, so that mailbox_deliver can wake this task
	 * when there is something to do. */
	ax_waker_wake_by_ref(cx->waker);
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
