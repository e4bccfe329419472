/* Wrong: a finished greeter's slot is filled with the last greeter, a
 * future that has already been polled.
 * expect: fail stays-put */
#include "lesson.h"

AX_ASYNC(greet_all, int, const char *const *who; const int *ms;
	 greet_t g[GREETERS]; int n; int i;)
{
	AX_BEGIN;
	for (self->n = 0; self->n < GREETERS; self->n++)
		self->g[self->n] = AX_CALL(greet, .who = self->who[self->n],
					   .ms = self->ms[self->n]);
	while (self->n > 0) {
		for (self->i = 0; self->i < self->n;) {
			if (ax_poll(&self->g[self->i].ax_fr.base, cx) == AX_PENDING) {
				self->i++;
				continue;
			}
			ax_future_drop(&self->g[self->i].ax_fr.base);
			self->g[self->i] = self->g[--self->n];
		}
		if (self->n > 0)
			AX_SUSPEND;
	}
	AX_RETURN(0);
	AX_END;
}
