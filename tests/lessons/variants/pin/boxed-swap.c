/* A correct route: boxed greeters, a finished one removed by moving the
 * last pointer into its place (only pointers move).
 * expect: pass */
#include "lesson.h"

AX_ASYNC(greet_all, int, const char *const *who; const int *ms;
	 ax_future *g[GREETERS]; int n; int i;)
{
	AX_BEGIN;
	for (self->n = 0; self->n < GREETERS; self->n++)
		self->g[self->n] = AX_BOX(AX_CALL(greet, .who = self->who[self->n],
						  .ms = self->ms[self->n]));
	while (self->n > 0) {
		for (self->i = 0; self->i < self->n;) {
			if (ax_poll(self->g[self->i], cx) == AX_PENDING) {
				self->i++;
				continue;
			}
			ax_future_free(self->g[self->i]);
			self->g[self->i] = self->g[--self->n];
		}
		if (self->n > 0)
			AX_SUSPEND;
	}
	AX_RETURN(0);
	AX_END;
}
