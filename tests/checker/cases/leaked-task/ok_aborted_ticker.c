/* The ticker is stopped (aborted and joined) before main returns.
 * expect: none */
#include "asynclab.h"

AX_ASYNC(ticker, int, int ticks;)
{
	AX_BEGIN;
	for (;;) {
		AX_AWAIT(ax_sleep_ms(100));
		self->ticks++;
	}
	AX_END;
}

AX_ASYNC(main_async, int, ax_task *t; ax_res r;)
{
	AX_BEGIN;
	self->t = AX_SPAWN_NAMED("ticker", AX_CALL(ticker));
	AX_AWAIT(ax_sleep_ms(350));
	ax_task_abort(self->t);
	AX_AWAIT_TO(self->r, ax_join(self->t));
	AX_RETURN(self->r.err ? 0 : 1);
	AX_END;
}

int main(void)
{
	return AX_RUN(AX_CALL(main_async));
}

/* timing: yes (real-clock sleeps of different tasks race each other) */
