/* A server loop spawning a handler for every message it receives, with
 * nothing limiting how many handlers run.
 * expect: unbounded-spawn 33 */
#include "asynclab.h"

static ax_mpsc *inbox;

AX_ASYNC(handler, int, ax_val msg;)
{
	AX_BEGIN;
	AX_AWAIT(ax_sleep_ms(500));
	AX_RETURN((int)self->msg);
	AX_END;
}

AX_ASYNC(producer, int, int i;)
{
	AX_BEGIN;
	for (self->i = 0; self->i < 2000; self->i++)
		AX_AWAIT(ax_mpsc_send(inbox, self->i));
	ax_mpsc_close(inbox);
	AX_RETURN(0);
	AX_END;
}

AX_ASYNC(server, int, ax_opt m;)
{
	AX_BEGIN;
	for (;;) {
		AX_AWAIT_TO(self->m, ax_mpsc_recv(inbox));
		if (!self->m.some)
			break;
		ax_task_detach(AX_SPAWN(AX_CALL(handler, .msg = self->m.val))); /* <- unbounded-spawn */
	}
	AX_AWAIT(ax_sleep_ms(1000));
	AX_RETURN(0);
	AX_END;
}

AX_ASYNC(main_async, int, ax_task *p;)
{
	AX_BEGIN;
	self->p = AX_SPAWN(AX_CALL(producer));
	AX_AWAIT(AX_CALL(server));
	AX_AWAIT(ax_join(self->p));
	AX_RETURN(0);
	AX_END;
}

int main(void)
{
	inbox = ax_mpsc_new(64);
	int r = AX_RUN(AX_CALL(main_async));
	ax_mpsc_free(inbox);
	return r;
}

/* timing: yes (live tasks counted while real-clock sleeps finish them) */
