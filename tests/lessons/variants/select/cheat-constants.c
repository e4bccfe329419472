/* A cheat: the answers of the lesson text, with the right waits, and no
 * downloads at all.
 * expect: fail first-wins,timeout */
#include "lesson.h"

AX_ASYNC(fetch_fastest, int, const char *a; const char *b;)
{
	AX_BEGIN;
	AX_AWAIT(ax_sleep_ms(120));
	AX_RETURN(1);
	AX_END;
}

AX_ASYNC(fetch_archive, ax_res, int unused;)
{
	AX_BEGIN;
	AX_AWAIT(ax_sleep_ms(100));
	AX_RETURN(((ax_res){ .err = -ETIMEDOUT }));
	AX_END;
}
