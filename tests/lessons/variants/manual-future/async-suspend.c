/* A correct route: the waiter as an async function that stores the waker
 * and suspends itself with AX_SUSPEND until the delivery wakes it.
 * expect: pass */
#include "lesson.h"

static void forget_waker(void *mb_)
{
	mailbox *mb = mb_;
	if (mb->waker) {
		ax_waker_drop(mb->waker);
		mb->waker = NULL;
	}
}

AX_ASYNC(waiter, int, mailbox *mb;)
{
	AX_BEGIN;
	ax_frame_own(&self->ax_fr, self->mb, forget_waker);
	while (!self->mb->has_parcel) {
		if (!self->mb->waker)
			self->mb->waker = ax_waker_clone(cx->waker);
		AX_SUSPEND;
	}
	AX_RETURN(self->mb->parcel);
	AX_END;
}

static waiter_t wait_parcel(mailbox *mb)
{
	return AX_CALL(waiter, .mb = mb);
}
