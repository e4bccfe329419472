/* A dispatcher reading a bounded channel spawns a handler for every
 * message.  The channel bounds the messages waiting, not the handlers
 * running.  Messages come at about 10 a millisecond and each handler
 * lives 80 to 120 ms, so about a thousand are alive at once: more or
 * fewer from run to run on the real clock.  Nothing in the loop waits for
 * a handler, so it is reported on every run, whatever the peak.
 * expect: unbounded-spawn 41 */
#include "asynclab.h"

static ax_mpsc *inbox;

AX_ASYNC(handler, int, ax_val msg;)
{
	AX_BEGIN;
	/* 80 to 120 ms, differently for each message. */
	AX_AWAIT(ax_sleep_ms(80 + (self->msg * 7919) % 41));
	AX_RETURN((int)self->msg);
	AX_END;
}

AX_ASYNC(producer, int, int i;)
{
	AX_BEGIN;
	for (self->i = 0; self->i < 3000; self->i++) {
		AX_AWAIT(ax_mpsc_send(inbox, self->i));
		if (self->i % 10 == 9)
			AX_AWAIT(ax_sleep_ms(1));
	}
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
	AX_AWAIT(ax_sleep_ms(130));
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
	int r = AX_RUN(AX_CALL(main_async));
	ax_mpsc_free(inbox);
	return r;
}

/* timing: yes (handlers end at real-clock times that race the dispatcher) */
