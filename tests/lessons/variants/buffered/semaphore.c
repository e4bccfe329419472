/* A correct route: a task per image, a semaphore of LIMIT permits taken
 * before each spawn and given back when the resize ends; at the end all
 * permits are taken back, which waits for the last ones.
 * expect: pass */
#include "lesson.h"

AX_ASYNC(resize_one, int, int id; ax_sem *sem; ax_val *total; int kb;)
{
	AX_BEGIN;
	AX_AWAIT_TO(self->kb, AX_CALL(resize, .id = self->id));
	*self->total += self->kb;
	ax_sem_release(self->sem);
	AX_RETURN(0);
	AX_END;
}

AX_ASYNC(resize_all, ax_val, int images; ax_sem *sem; int i; ax_val total;)
{
	AX_BEGIN;
	self->sem = ax_sem_new(LIMIT);
	for (self->i = 1; self->i <= self->images; self->i++) {
		AX_AWAIT(ax_sem_acquire(self->sem));
		ax_task_detach(AX_SPAWN(AX_CALL(resize_one, .id = self->i, .sem = self->sem,
						.total = &self->total)));
	}
	for (self->i = 0; self->i < LIMIT; self->i++)
		AX_AWAIT(ax_sem_acquire(self->sem));
	ax_sem_free(self->sem);
	AX_RETURN(self->total);
	AX_END;
}
