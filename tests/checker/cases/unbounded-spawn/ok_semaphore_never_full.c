/* A dispatcher bounded by a semaphore whose bound is never reached:
 * requests come one a millisecond and each handler gives its permit back
 * within a millisecond, so the dispatcher never waits for a permit and no
 * handler ever wakes it.  The permit it takes before each spawn, given
 * back by the handlers, is the bound all the same: on every run.
 * expect: none */
#include "asynclab.h"

static ax_mpsc *inbox;
static ax_sem *permits;

AX_ASYNC(handler, int, ax_val msg;)
{
	AX_BEGIN;
	AX_AWAIT(ax_sleep_ms(1));
	ax_sem_release(permits);
	AX_RETURN((int)self->msg);
	AX_END;
}

AX_ASYNC(producer, int, int i;)
{
	AX_BEGIN;
	for (self->i = 0; self->i < 1100; self->i++) {
		AX_AWAIT(ax_mpsc_send(inbox, self->i));
		AX_AWAIT(ax_sleep_ms(1));
	}
	ax_mpsc_close(inbox);
	AX_RETURN(0);
	AX_END;
}

AX_ASYNC(dispatcher, int, ax_opt m; int i;)
{
	AX_BEGIN;
	for (;;) {
		AX_AWAIT_TO(self->m, ax_mpsc_recv(inbox));
		if (!self->m.some)
			break;
		AX_AWAIT(ax_sem_acquire(permits));
		ax_task_detach(AX_SPAWN(AX_CALL(handler, .msg = self->m.val)));
	}
	for (self->i = 0; self->i < 32; self->i++)
		AX_AWAIT(ax_sem_acquire(permits));
	AX_RETURN(0);
	AX_END;
}

AX_ASYNC(main_async, int, ax_task *p;)
{
	AX_BEGIN;
	self->p = AX_SPAWN(AX_CALL(producer));
	AX_AWAIT(AX_CALL(dispatcher));
	AX_AWAIT(ax_join(self->p));
	AX_RETURN(0);
	AX_END;
}

int main(void)
{
	inbox = ax_mpsc_new(64);
	permits = ax_sem_new(32);
	int r = AX_RUN(AX_CALL(main_async));
	ax_sem_free(permits);
	ax_mpsc_free(inbox);
	return r;
}

/* timing: yes (handlers end at real-clock times that race the dispatcher) */
