/* A cheat: no load at all; the answers the lesson text shows, after
 * waiting as long as the loads would.
 * expect: fail results,concurrent */
#include "lesson.h"
#include <errno.h>
#include <stdio.h>
#include <string.h>

AX_ASYNC(load_config, ax_res, const char *app;)
{
	AX_BEGIN;
	if (!strcmp(self->app, "shop")) {
		AX_AWAIT(ax_sleep_ms(300));
		printf("config loaded: 321\n");
		AX_RETURN(((ax_res){ .val = 321 }));
	}
	AX_AWAIT(ax_sleep_ms(50));
	printf("config failed: file: Permission denied\n");
	AX_RETURN(((ax_res){ .err = -EACCES }));
	AX_END;
}
