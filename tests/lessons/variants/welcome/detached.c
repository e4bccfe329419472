/* Wrong: greet spawned and forgotten; welcome does not wait for it.
 * expect: fail greeting */
#include "lesson.h"
#include <stdio.h>

AX_ASYNC(welcome, int, const char *name;)
{
	AX_BEGIN;
	ax_task_detach(AX_SPAWN(AX_CALL(greet, .name = self->name)));
	printf("Welcome to asynclab.\n");
	AX_RETURN(0);
	AX_END;
}
