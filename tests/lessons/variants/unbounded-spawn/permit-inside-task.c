/* Wrong: a semaphore bounds the uploads, but every task is spawned at
 * once and waits for its permit inside: a task per file is still alive.
 * expect: fail few-tasks */
#include "lesson.h"
#include <stdlib.h>

AX_ASYNC(upload_one, int, int id; ax_sem *sem; int kb;)
{
	AX_BEGIN;
	AX_AWAIT(ax_sem_acquire(self->sem));
	AX_AWAIT_TO(self->kb, AX_CALL(upload, .id = self->id));
	ax_sem_release(self->sem);
	AX_RETURN(self->kb);
	AX_END;
}

AX_ASYNC(upload_all, long, int files; ax_sem *sem; ax_task **h; int i; ax_res r; long total;)
{
	AX_BEGIN;
	self->sem = ax_sem_new(UPLOAD_LIMIT);
	self->h = malloc((size_t)self->files * sizeof *self->h);
	for (self->i = 0; self->i < self->files; self->i++)
		self->h[self->i] = AX_SPAWN(AX_CALL(upload_one, .id = self->i, .sem = self->sem));
	for (self->i = 0; self->i < self->files; self->i++) {
		AX_AWAIT_TO(self->r, ax_join(self->h[self->i]));
		self->total += self->r.val;
	}
	free(self->h);
	ax_sem_free(self->sem);
	AX_RETURN(self->total);
	AX_END;
}
