/* Replaces what the lesson provides: a lookup of its own that does not
 * block, called in place of legacy_price_lookup.
 * expect: fail answers,lookup-on-pool */
#include "lesson.h"

static long my_price_lookup(int item)
{
	return 100 + item;
}

AX_ASYNC(handle_request, long, int id; long price;)
{
	AX_BEGIN;
	AX_AWAIT(ax_sleep_ms(20));
	self->price = my_price_lookup(self->id);
	AX_RETURN(self->price);
	AX_END;
}
