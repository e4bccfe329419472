/* Replaces what the lesson provides: a load of its own, with the
 * lesson's times and the file broken for every application but shop.
 * expect: fail results,concurrent */
#include "lesson.h"
#include <errno.h>
#include <string.h>

AX_ASYNC(my_load, ax_res, int ms; int value; bool broken;)
{
	AX_BEGIN;
	AX_AWAIT(ax_sleep_ms(self->ms));
	if (self->broken)
		AX_RETURN(((ax_res){ .err = -EACCES }));
	AX_RETURN(((ax_res){ .val = self->value }));
	AX_END;
}

AX_ASYNC(load_config, ax_res, const char *app; ax_try_vals tv;)
{
	AX_BEGIN;
	AX_AWAIT_TO(self->tv,
		    AX_TRY_JOIN(AX_CALL(my_load, .ms = 100, .value = 1),
				AX_CALL(my_load, .ms = 50, .value = 20,
					.broken = strcmp(self->app, "shop") != 0),
				AX_CALL(my_load, .ms = 300, .value = 300)));
	if (self->tv.err)
		AX_RETURN(((ax_res){ .err = self->tv.err }));
	AX_RETURN(((ax_res){ .val = self->tv.val[0] + self->tv.val[1] + self->tv.val[2] }));
	AX_END;
}
