/* A correct route: a join of the three greeters, which keeps each one
 * in place inside the join's own frame.
 * expect: pass */
#include "lesson.h"

AX_ASYNC(greet_all, int, const char *const *who; const int *ms;)
{
	AX_BEGIN;
	AX_AWAIT(AX_JOIN(AX_CALL(greet, .who = self->who[0], .ms = self->ms[0]),
			 AX_CALL(greet, .who = self->who[1], .ms = self->ms[1]),
			 AX_CALL(greet, .who = self->who[2], .ms = self->ms[2])));
	AX_RETURN(0);
	AX_END;
}
