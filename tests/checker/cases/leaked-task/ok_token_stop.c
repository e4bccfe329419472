/* Background workers stop when a cancellation token is cancelled, and are
 * joined through a task set.
 * expect: none */
#include "asynclab.h"

static ax_token *stop;

AX_ASYNC(worker, int, ax_selected s;)
{
	AX_BEGIN;
	for (;;) {
		AX_AWAIT_TO(self->s, AX_SELECT(ax_token_cancelled(stop), ax_sleep_ms(40)));
		if (self->s.index == 0)
			break;
	}
	AX_RETURN(0);
	AX_END;
}

AX_ASYNC(main_async, int, ax_taskset *ts; ax_opt o; int i;)
{
	AX_BEGIN;
	self->ts = ax_taskset_new();
	for (self->i = 0; self->i < 3; self->i++)
		AX_TASKSET_SPAWN(self->ts, AX_CALL(worker));
	AX_AWAIT(ax_sleep_ms(100));
	ax_token_cancel(stop);
	do
		AX_AWAIT_TO(self->o, ax_taskset_join_next(self->ts));
	while (self->o.some);
	ax_taskset_free(self->ts);
	AX_RETURN(0);
	AX_END;
}

int main(void)
{
	stop = ax_token_new();
	int r = AX_RUN(AX_CALL(main_async));
	ax_token_free(stop);
	return r;
}

/* timing: yes (real-clock sleeps of different tasks race each other) */
