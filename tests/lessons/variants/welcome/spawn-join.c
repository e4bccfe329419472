/* A correct route: greet as a task of its own, its JoinHandle awaited.
 * expect: pass */
#include "lesson.h"
#include <stdio.h>

AX_ASYNC(welcome, int, const char *name; ax_task *h; ax_res r;)
{
	AX_BEGIN;
	self->h = AX_SPAWN(AX_CALL(greet, .name = self->name));
	AX_AWAIT_TO(self->r, ax_join(self->h));
	printf("Welcome to asynclab.\n");
	AX_RETURN(0);
	AX_END;
}
