/* A correct route: greet's output kept in the frame.
 * expect: pass */
#include "lesson.h"
#include <stdio.h>

AX_ASYNC(welcome, int, const char *name; int greeted;)
{
	AX_BEGIN;
	AX_AWAIT_TO(self->greeted, AX_CALL(greet, .name = self->name));
	printf("Welcome to asynclab.\n");
	AX_RETURN(self->greeted);
	AX_END;
}
