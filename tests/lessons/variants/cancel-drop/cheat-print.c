/* A cheat: no keepalive at all, and the lines the lesson text shows.
 * expect: fail keeps-alive */
#include "lesson.h"
#include <stdio.h>

AX_ASYNC(session, int, const char *name; int work_ms;)
{
	AX_BEGIN;
	AX_AWAIT(ax_sleep_ms(self->work_ms));
	printf("[%d ms] keepalive %s: stopped after 2 pings\n",
	       (int)(ax_now() / 1000000), self->name);
	AX_RETURN(0);
	AX_END;
}
