/* Waiting for the flag properly, on a Notify: the task sleeps until it is
 * told, however long the other task takes.
 * expect: none */
#include "asynclab.h"

static ax_notify *ready;

AX_ASYNC(setter, int, int i;)
{
	AX_BEGIN;
	for (self->i = 0; self->i < 300; self->i++)
		AX_AWAIT(ax_yield());
	ax_notify_one(ready);
	AX_RETURN(0);
	AX_END;
}

AX_ASYNC(main_async, int, ax_task *s;)
{
	AX_BEGIN;
	self->s = AX_SPAWN(AX_CALL(setter));
	AX_AWAIT(ax_notified(ready));
	AX_AWAIT(ax_join(self->s));
	AX_RETURN(0);
	AX_END;
}

int main(void)
{
	ready = ax_notify_new();
	int r = AX_RUN(AX_CALL(main_async));
	ax_notify_free(ready);
	return r;
}
