/* Lesson 3: a future written by hand.  The reference solution: the
 * future registers its waker and sleeps until the courier wakes it. */
#include <asynclab/future.h>
#include <asynclab/future.h>
#include <stdbool.h>
#include <stdio.h>

/* A mailbox holds at most one parcel, and at most one waker: the task to
 * wake when a parcel arrives. */
typedef struct mailbox {
	bool has_parcel;
	int parcel;
	ax_waker *waker; /* owned: a clone, or NULL */
} mailbox;

/* Put a parcel in the mailbox and wake whoever waits for it. */
static void mailbox_deliver(mailbox *mb, int parcel)
{
	mb->parcel = parcel;
	mb->has_parcel = true;
	if (mb->waker) {
		ax_waker *w = mb->waker;
		mb->waker = NULL;
		ax_waker_wake(w); /* wakes the task and releases the waker */
	}
}

/* The hand-written future: impl Future for WaitParcel { Output = i32 } */
typedef struct wait_parcel_t {
	ax_future base; /* every future starts with this header */
	int out;	/* the output: the parcel */
	mailbox *mb;
	int polls;
} wait_parcel_t;

static ax_poll_t wait_parcel_poll(ax_future *f, ax_cx *cx)
{
	wait_parcel_t *self = (wait_parcel_t *)(void *)f;
	self->polls++;
	if (self->mb->has_parcel) {
		self->out = self->mb->parcel;
		printf("waiter: polled %d times\n", self->polls);
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

/* The courier: 30 ms on the road, then delivers parcel 42. */
AX_ASYNC(courier, int, mailbox *mb;)
{
	AX_BEGIN;
	AX_AWAIT(ax_sleep_ms(30));
	printf("courier: delivering parcel 42\n");
	mailbox_deliver(self->mb, 42);
	AX_RETURN(0);
	AX_END;
}

AX_ASYNC(main_async, int, mailbox mb; ax_task *courier; int parcel;)
{
	AX_BEGIN;
	self->courier = AX_SPAWN(AX_CALL(courier, .mb = &self->mb));
	AX_AWAIT_TO(self->parcel, wait_parcel(&self->mb));
	printf("parcel %d received\n", self->parcel);
	AX_AWAIT(ax_join(self->courier));
	AX_RETURN(0);
	AX_END;
}

int main(void)
{
	/* This lesson runs on the real clock: on the virtual clock a task
	 * that never stops waking itself would freeze time for good (see
	 * lesson.md). */
	ax_rt *rt = ax_rt_new(&(ax_rt_opts){ .clock = AX_CLOCK_REAL });
	if (!rt)
		return 2;
	int r = AX_BLOCK_ON(rt, AX_CALL(main_async));
	ax_rt_free(rt);
	return r;
}
