/* Wrong: no move, but each greeter is awaited to its end before the next
 * is started: they do not run side by side.
 * expect: fail side-by-side */
#include "lesson.h"

AX_ASYNC(greet_all, int, const char *const *who; const int *ms; int i;)
{
	AX_BEGIN;
	for (self->i = 0; self->i < GREETERS; self->i++)
		AX_AWAIT(AX_CALL(greet, .who = self->who[self->i], .ms = self->ms[self->i]));
	AX_RETURN(0);
	AX_END;
}
