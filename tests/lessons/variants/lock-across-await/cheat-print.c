/* A cheat: no lock, no audit; the last request prints what the lesson
 * text shows and sets the counter to it.
 * expect: fail every-view-counted,audited */
#include "lesson.h"
#include <stdio.h>

static int calls;

AX_ASYNC(count_view, int, const char *who;)
{
	AX_BEGIN;
	AX_AWAIT(ax_sleep_ms(10));
	if (++calls == 3) {
		views = 3;
		printf("[10 ms] views: 3\n");
	}
	AX_RETURN(0);
	AX_END;
}
