/* A cheat: waits as long as 16 at a time would take and returns the
 * total the lesson text's sizes (id % 7 + 1) would give, uploading
 * nothing.
 * expect: fail all-uploaded */
#include "lesson.h"
#include <stdio.h>

AX_ASYNC(upload_all, long, int files; long total; int i;)
{
	AX_BEGIN;
	for (self->i = 0; self->i < self->files; self->i++)
		self->total += self->i % 7 + 1;
	AX_AWAIT(ax_sleep_ms((uint64_t)(self->files + UPLOAD_LIMIT - 1) / UPLOAD_LIMIT * 10));
	printf("%d uploads done, %ld KB, peak %d in flight\n", self->files, self->total,
	       UPLOAD_LIMIT);
	AX_RETURN(self->total);
	AX_END;
}
