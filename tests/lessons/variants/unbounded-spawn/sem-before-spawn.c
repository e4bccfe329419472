/* A correct route: a semaphore of UPLOAD_LIMIT permits, taken before each
 * spawn and given back by the task when its upload ends; at the end all
 * permits are taken back, which waits for the last uploads.
 * expect: pass */
#include "lesson.h"

static long total;

AX_ASYNC(upload_one, int, int id; ax_sem *sem; int kb;)
{
	AX_BEGIN;
	AX_AWAIT_TO(self->kb, AX_CALL(upload, .id = self->id));
	total += self->kb;
	ax_sem_release(self->sem);
	AX_RETURN(0);
	AX_END;
}

AX_ASYNC(upload_all, long, int files; ax_sem *sem; int i;)
{
	AX_BEGIN;
	self->sem = ax_sem_new(UPLOAD_LIMIT);
	for (self->i = 0; self->i < self->files; self->i++) {
		AX_AWAIT(ax_sem_acquire(self->sem));
		ax_task_detach(AX_SPAWN(AX_CALL(upload_one, .id = self->i, .sem = self->sem)));
	}
	for (self->i = 0; self->i < UPLOAD_LIMIT; self->i++)
		AX_AWAIT(ax_sem_acquire(self->sem));
	ax_sem_free(self->sem);
	AX_RETURN(total);
	AX_END;
}
