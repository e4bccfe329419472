/* Lesson 13: a future must not move after its first poll.
 *
 * greet_all drives the lesson's greeters (greet, see lesson.h) by hand,
 * keeping them in an array in its frame and removing each one as it
 * finishes.  Run it: the lesson sees greeters polled at a new address
 * after their first poll. */
#include "lesson.h"
#include <string.h>

/* async fn greet_all(who, ms) */
AX_ASYNC(greet_all, int, const char *const *who; const int *ms;
	 greet_t g[GREETERS]; int n; int i;)
{
	AX_BEGIN;
	/* Moving a future before its first poll is fine: these copies are
	 * made before anything has polled them. */
	for (self->i = 0; self->i < GREETERS; self->i++)
		self->g[self->i] = AX_CALL(greet, .who = self->who[self->i],
					   .ms = self->ms[self->i]);
	self->n = GREETERS;

	while (self->n > 0) {
		for (self->i = 0; self->i < self->n;) {
			ax_future *f = &self->g[self->i].ax_fr.base;
			if (ax_poll(f, cx) == AX_PENDING) {
				self->i++;
				continue;
			}
			ax_future_drop(f);
			/* TODO(you): this closes the gap by sliding the
			 * greeters that are still running one slot down:
			 * it moves futures that have already been polled. */
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
