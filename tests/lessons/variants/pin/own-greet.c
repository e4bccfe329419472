/* Replaces what the lesson provides: a greeter of its own that does not
 * point into itself, so moving it does no harm.
 * expect: fail greets-everyone */
#include "lesson.h"
#include <stdio.h>
#include <string.h>

AX_ASYNC(my_greet, int, const char *who; int ms;)
{
	AX_BEGIN;
	AX_AWAIT(ax_sleep_ms((uint64_t)self->ms));
	printf("[%d ms] hello, %s\n", (int)(ax_now() / 1000000), self->who);
	AX_RETURN(0);
	AX_END;
}

AX_ASYNC(greet_all, int, const char *const *who; const int *ms;
	 my_greet_t g[GREETERS]; int n; int i;)
{
	AX_BEGIN;
	for (self->n = 0; self->n < GREETERS; self->n++)
		self->g[self->n] = AX_CALL(my_greet, .who = self->who[self->n],
					   .ms = self->ms[self->n]);
	while (self->n > 0) {
		for (self->i = 0; self->i < self->n;) {
			if (ax_poll(&self->g[self->i].ax_fr.base, cx) == AX_PENDING) {
				self->i++;
				continue;
			}
			ax_future_drop(&self->g[self->i].ax_fr.base);
			memmove(&self->g[self->i], &self->g[self->i + 1],
				(size_t)(self->n - self->i - 1) * sizeof self->g[0]);
			self->n--;
		}
		if (self->n > 0)
			AX_SUSPEND;
	}
	AX_RETURN(0);
	AX_END;
}
