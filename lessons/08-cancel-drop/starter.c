/* Lesson 8: cancellation by drop.
 *
 * A session spawns a keepalive task (provided by the lesson, see
 * lesson.h) that pings every 50 ms for as long as the session lives.  The
 * lesson runs session a to its end (120 ms) and cuts session b off with a
 * 130 ms timeout.  Run it: both keepalives go on pinging long after their
 * sessions are gone. */
#include "lesson.h"
#include <stdio.h>

/* async fn session(name, work_ms) */
AX_ASYNC(session, int, const char *name; int work_ms; ax_task *keepalive;)
{
	AX_BEGIN;
	self->keepalive = AX_SPAWN(AX_CALL(keepalive, .name = self->name));
	/* TODO(you): the keepalive must stop as soon as this session ends,
	 * whether it returns or is dropped half-way (cancelled).  Instead
	 * of throwing the handle away, tie it to this frame with a guard
	 * that aborts the task when the frame goes away. */
	ax_task_detach(self->keepalive);

	printf("session %s: started\n", self->name);
	AX_AWAIT(ax_sleep_ms(self->work_ms));
	printf("session %s: done\n", self->name);
	AX_RETURN(0);
	AX_END;
}
