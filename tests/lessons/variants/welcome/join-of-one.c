/* A correct route: a join of one future.
 * expect: pass */
#include "lesson.h"
#include <stdio.h>

AX_ASYNC(welcome, int, const char *name; ax_vals v;)
{
	AX_BEGIN;
	AX_AWAIT_TO(self->v, AX_JOIN(AX_CALL(greet, .name = self->name)));
	printf("Welcome to asynclab.\n");
	AX_RETURN(0);
	AX_END;
}
