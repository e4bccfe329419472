/* A cheat: no request at all; the lines the lesson text shows, at about
 * the right moments, and a made-up session.
 * expect: fail recovers,keeps-trying */
#include "lesson.h"
#include <errno.h>
#include <stdio.h>

static int calls;

AX_ASYNC(call_with_retry, ax_res, client *c; int me;)
{
	AX_BEGIN;
	self->me = calls++;
	if (self->me == 2) {
		AX_AWAIT(ax_sleep_ms(1843));
		printf("client c: gave up after 6 attempts at 1843 ms: Connection timed out\n");
		AX_RETURN(((ax_res){ .err = -ETIMEDOUT }));
	}
	AX_AWAIT(ax_sleep_ms(760 + 40 * (uint64_t)self->me));
	printf("client %c: ok after 5 attempts\n", 'a' + self->me);
	AX_RETURN(((ax_res){ .val = 42 }));
	AX_END;
}
