/* Replaces what the lesson provides: a keepalive of its own that stops
 * itself after two pings.
 * expect: fail keeps-alive */
#include "lesson.h"
#include <stdio.h>

AX_ASYNC(my_keepalive, int, const char *name; int i;)
{
	AX_BEGIN;
	for (self->i = 0; self->i < 2; self->i++)
		AX_AWAIT(ax_sleep_ms(50));
	printf("keepalive %s: stopped after 2 pings\n", self->name);
	AX_RETURN(0);
	AX_END;
}

AX_ASYNC(session, int, const char *name; int work_ms; ax_task *ka;)
{
	AX_BEGIN;
	self->ka = AX_SPAWN(AX_CALL(my_keepalive, .name = self->name));
	AX_ABORT_ON_DROP(self->ka);
	AX_AWAIT(ax_sleep_ms(self->work_ms));
	AX_RETURN(0);
	AX_END;
}
