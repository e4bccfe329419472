/* Wrong: each greeter is copied to a local, polled there and copied back
 * to its slot.  The copy may sit at the same address every time, but it
 * is on the stack of the poll, gone when the poll returns.
 * expect: fail stays-put */
#include "lesson.h"
#include <stdbool.h>

AX_ASYNC(greet_all, int, const char *const *who; const int *ms;
	 greet_t g[GREETERS]; bool done[GREETERS]; int left; int i;)
{
	AX_BEGIN;
	for (self->i = 0; self->i < GREETERS; self->i++)
		self->g[self->i] = AX_CALL(greet, .who = self->who[self->i],
					   .ms = self->ms[self->i]);
	self->left = GREETERS;
	for (;;) {
		for (self->i = 0; self->i < GREETERS; self->i++) {
			if (self->done[self->i])
				continue;
			greet_t copy = self->g[self->i];
			ax_poll_t p = ax_poll(&copy.ax_fr.base, cx);
			self->g[self->i] = copy;
			if (p == AX_READY) {
				ax_future_drop(&self->g[self->i].ax_fr.base);
				self->done[self->i] = true;
				self->left--;
			}
		}
		if (!self->left)
			break;
		AX_SUSPEND;
	}
	AX_RETURN(0);
	AX_END;
}
