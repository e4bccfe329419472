/* Replaces what the lesson provides: a counter and a lock of its own,
 * which no other request shares with the lesson.
 * expect: fail every-view-counted */
#include "lesson.h"
#include <stdio.h>

static int my_views;

AX_ASYNC(count_view, int, const char *who; int seen;)
{
	AX_BEGIN;
	self->seen = ++my_views;
	AX_AWAIT(AX_CALL(audit, .seen = self->seen));
	printf("[%d ms] views: %d\n", (int)(ax_now() / 1000000), my_views);
	AX_RETURN(0);
	AX_END;
}
