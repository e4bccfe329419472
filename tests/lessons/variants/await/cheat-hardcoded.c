/* A cheat: the answers the lesson text shows, hard-coded, after the right
 * amount of waiting, without calling the services.
 * expect: fail every-step-awaited,outputs */
#include "lesson.h"
#include <string.h>

AX_ASYNC(checkout, ax_res, const char *user;)
{
	AX_BEGIN;
	AX_AWAIT(ax_sleep_ms(20));
	if (strcmp(self->user, "mallory") == 0)
		AX_RETURN(((ax_res){ .err = -EACCES }));
	AX_AWAIT(ax_sleep_ms(30));
	AX_RETURN(((ax_res){ .val = 3 }));
	AX_END;
}
