/* Lesson 13: a future must not move after its first poll.  The reference
 * solution: the greeters are boxed, so removing one from the list moves
 * only pointers, never a future. */
#include "lesson.h"
#include <string.h>

/* async fn greet_all(who, ms).  Rust: Vec<Pin<Box<dyn Future>>>.  Each
 * greeter lives at one heap address for its whole life (pinned); the
 * array holds pointers, which may be shuffled freely.  Sliding the
 * futures themselves (the starter) moves greeters that have already been
 * polled, and their `shown` still points at the old slot.  Keeping the
 * futures in place in the frame and marking finished slots instead of
 * compacting would be just as correct (Rust's pin!). */
AX_ASYNC(greet_all, int, const char *const *who; const int *ms;
	 ax_future *g[GREETERS]; int n; int i;)
{
	AX_BEGIN;
	for (self->i = 0; self->i < GREETERS; self->i++)
		self->g[self->i] = AX_BOX(AX_CALL(greet, .who = self->who[self->i],
						  .ms = self->ms[self->i]));
	self->n = GREETERS;

	while (self->n > 0) {
		for (self->i = 0; self->i < self->n;) {
			ax_future *f = self->g[self->i];
			if (ax_poll(f, cx) == AX_PENDING) {
				self->i++;
				continue;
			}
			ax_future_free(f); /* drop and free the box */
			memmove(&self->g[self->i], &self->g[self->i + 1],
				(size_t)(self->n - self->i - 1) * sizeof self->g[0]);
			self->n--;
		}
		if (self->n > 0)
			AX_SUSPEND; /* each pending greeter holds our waker */
	}
	AX_RETURN(0);
	AX_END;
}
