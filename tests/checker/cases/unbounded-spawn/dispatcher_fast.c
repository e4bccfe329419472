/* Handlers that finish at their first poll never pile up here, yet the
 * loop has no bound: with slower handlers the same code would start one
 * task per message with no limit.  The checker judges the structure (no
 * wait for any handler in 3000 spawns), not the live count of this run.
 * expect: unbounded-spawn 36 */
#include "asynclab.h"

static ax_mpsc *inbox;
static long total;

AX_ASYNC(handler, int, ax_val msg;)
{
	AX_BEGIN;
	total += (long)self->msg;
	AX_RETURN(0);
	AX_END;
}

AX_ASYNC(producer, int, int i;)
{
	AX_BEGIN;
	for (self->i = 0; self->i < 3000; self->i++)
		AX_AWAIT(ax_mpsc_send(inbox, self->i));
	ax_mpsc_close(inbox);
	AX_RETURN(0);
	AX_END;
}

AX_ASYNC(dispatcher, int, ax_opt m;)
{
	AX_BEGIN;
	for (;;) {
		AX_AWAIT_TO(self->m, ax_mpsc_recv(inbox));
		if (!self->m.some)
			break;
		ax_task_detach(AX_SPAWN(AX_CALL(handler, .msg = self->m.val))); /* <- unbounded-spawn */
	}
	AX_RETURN(0);
	AX_END;
}

AX_ASYNC(main_async, int, ax_task *p;)
{
	AX_BEGIN;
	self->p = AX_SPAWN(AX_CALL(producer));
	AX_AWAIT(AX_CALL(dispatcher));
	AX_AWAIT(ax_join(self->p));
	/* The last handlers spawned run before this task again. */
	AX_AWAIT(ax_yield());
	AX_RETURN(total == 2999L * 3000 / 2 ? 0 : 1);
	AX_END;
}

int main(void)
{
	inbox = ax_mpsc_new(8);
	int r = AX_RUN(AX_CALL(main_async));
	ax_mpsc_free(inbox);
	return r;
}
