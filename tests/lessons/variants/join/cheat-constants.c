/* A cheat: the counts from the lesson text, after 300 ms of waiting.
 * expect: fail results,concurrent */
#include "lesson.h"

AX_ASYNC(load_page, int, page *p;)
{
	AX_BEGIN;
	AX_AWAIT(ax_sleep_ms(300));
	self->p->users = 1;
	self->p->posts = 12;
	self->p->comments = 40;
	AX_RETURN(0);
	AX_END;
}
