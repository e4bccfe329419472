/* A correct route: the greeters stay in their slots in the frame (Rust's
 * pin!); a finished one is marked done and skipped, never moved.
 * expect: pass */
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
			if (ax_poll(&self->g[self->i].ax_fr.base, cx) == AX_READY) {
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
