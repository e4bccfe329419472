/* Lesson 8: cancellation by drop.  The reference solution: each session
 * ties its keepalive task to its own frame with an abort-on-drop guard. */
#include "lesson.h"
#include <stdio.h>

/* async fn session(name, work_ms) */
AX_ASYNC(session, int, const char *name; int work_ms; ax_task *keepalive;)
{
	AX_BEGIN;
	self->keepalive = AX_SPAWN(AX_CALL(keepalive, .name = self->name));
	/* The guard (Rust: a struct whose Drop calls handle.abort()).  It
	 * fires when this frame ends, however it ends: by AX_RETURN, or by
	 * being dropped while suspended, as the timeout does to session b.
	 * An ax_task_abort() call just before AX_RETURN would miss the
	 * second case: a cancelled frame never reaches its last lines. */
	AX_ABORT_ON_DROP(self->keepalive);

	printf("session %s: started\n", self->name);
	AX_AWAIT(ax_sleep_ms(self->work_ms));
	printf("session %s: done\n", self->name);
	AX_RETURN(0);
	AX_END;
}
