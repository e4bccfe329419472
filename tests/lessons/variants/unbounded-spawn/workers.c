/* A correct route: a fixed pool of UPLOAD_LIMIT workers, each taking the
 * next file number until none is left.
 * expect: pass */
#include "lesson.h"

static int next_id, last_id;
static long total;

AX_ASYNC(worker, int, int id; int kb;)
{
	AX_BEGIN;
	while (next_id < last_id) {
		self->id = next_id++;
		AX_AWAIT_TO(self->kb, AX_CALL(upload, .id = self->id));
		total += self->kb;
	}
	AX_RETURN(0);
	AX_END;
}

AX_ASYNC(upload_all, long, int files; ax_task *w[UPLOAD_LIMIT]; int i; ax_res r;)
{
	AX_BEGIN;
	next_id = 0;
	last_id = self->files;
	for (self->i = 0; self->i < UPLOAD_LIMIT; self->i++)
		self->w[self->i] = AX_SPAWN(AX_CALL(worker));
	for (self->i = 0; self->i < UPLOAD_LIMIT; self->i++)
		AX_AWAIT_TO(self->r, ax_join(self->w[self->i]));
	AX_RETURN(total);
	AX_END;
}
