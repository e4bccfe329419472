/* A cheat: no lookup at all; the prices the lesson text shows, after an
 * async sleep as long as a lookup.
 * expect: fail answers,lookup-on-pool */
#include "lesson.h"
#include <stdio.h>

AX_ASYNC(handle_request, long, int id;)
{
	AX_BEGIN;
	AX_AWAIT(ax_sleep_ms(120));
	printf("request %d: price %d\n", self->id, 100 + self->id);
	AX_RETURN(100 + self->id);
	AX_END;
}
