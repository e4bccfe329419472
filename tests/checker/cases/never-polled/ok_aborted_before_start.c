/* A task aborted before it ever ran: its future is dropped unpolled by
 * the executor, which is what abort means.
 * expect: none */
#include "asynclab.h"

AX_ASYNC(job, int, int unused;)
{
	AX_BEGIN;
	AX_AWAIT(ax_sleep_ms(5));
	AX_RETURN(1);
	AX_END;
}

AX_ASYNC(main_async, int, ax_task *h; ax_res r;)
{
	AX_BEGIN;
	self->h = AX_SPAWN(AX_CALL(job));
	ax_task_abort(self->h);
	AX_AWAIT_TO(self->r, ax_join(self->h));
	AX_RETURN(self->r.err ? 0 : 1);
	AX_END;
}

int main(void)
{
	return AX_RUN(AX_CALL(main_async));
}
