/* A correct route: every task spawned, then one join over their
 * JoinHandles; the audit awaited too, in the same join.
 * expect: pass */
#include "lesson.h"

AX_ASYNC(process_upload, int, int upload; int n; int i; ax_vals v; int total;)
{
	AX_BEGIN;
	ax_future *f[9];
	int k = 0;
	f[k++] = AX_BOX(ax_join(AX_SPAWN(AX_CALL(audit, .upload = self->upload))));
	for (int i = 1; i <= self->n && k < 9; i++)
		f[k++] = AX_BOX(ax_join(AX_SPAWN(AX_CALL(thumbnail, .upload = self->upload,
							 .id = i))));
	AX_AWAIT_TO(self->v, ax_join_all(k, f));
	for (self->i = 1; self->i < self->v.n; self->i++)
		self->total += (int)self->v.val[self->i];
	AX_RETURN(self->total);
	AX_END;
}
