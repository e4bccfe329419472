/* A cheat: everything detached, then a sleep as long as the slowest
 * thumbnail, and the total of the lesson text.
 * expect: fail results */
#include "lesson.h"

AX_ASYNC(process_upload, int, int upload; int n; int i;)
{
	AX_BEGIN;
	ax_task_detach(AX_SPAWN(AX_CALL(audit, .upload = self->upload)));
	for (self->i = 1; self->i <= self->n; self->i++)
		ax_task_detach(AX_SPAWN(AX_CALL(thumbnail, .upload = self->upload, .id = self->i)));
	AX_AWAIT(ax_sleep_ms(100 * self->n));
	AX_RETURN(6000);
	AX_END;
}
