/* The handle is kept but never awaited, and the task waits for a signal
 * that never comes.
 * expect: leaked-task 19 */
#include "asynclab.h"

static ax_notify *go;

AX_ASYNC(worker, int, int unused;)
{
	AX_BEGIN;
	AX_AWAIT(ax_notified(go));
	AX_RETURN(1);
	AX_END;
}

AX_ASYNC(main_async, int, ax_task *h;)
{
	AX_BEGIN;
	self->h = AX_SPAWN(AX_CALL(worker)); /* <- leaked-task */
	AX_AWAIT(ax_sleep_ms(10));
	ax_task_detach(self->h);
	AX_RETURN(0);
	AX_END;
}

int main(void)
{
	go = ax_notify_new();
	int r = AX_RUN(AX_CALL(main_async));
	ax_notify_free(go);
	return r;
}
