/* Wrong: the rate limiter is an async sleep now, but the lookup still
 * runs inside the poll.
 * expect: fail lookup-on-pool */
#include "lesson.h"

AX_ASYNC(handle_request, long, int id; long price;)
{
	AX_BEGIN;
	AX_AWAIT(ax_sleep_ms(20));
	self->price = legacy_price_lookup(self->id);
	AX_RETURN(self->price);
	AX_END;
}
