/* A cheat: the count of the lesson text, after the right waiting, and no
 * batch ever taken or processed.
 * expect: fail stops-cleanly */
#include "lesson.h"

AX_ASYNC(worker, int, batches *src; ax_token *tok;)
{
	AX_BEGIN;
	if (ax_token_is_cancelled(self->tok))
		AX_RETURN(0);
	AX_AWAIT(ax_token_cancelled(self->tok));
	AX_RETURN(2);
	AX_END;
}
