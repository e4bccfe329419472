/* A background ticker is detached and forgotten: it is still running
 * when main returns and the runtime shuts down.
 * expect: leaked-task 19 */
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

AX_ASYNC(main_async, int, int unused;)
{
	AX_BEGIN;
	ax_task_detach(AX_SPAWN_NAMED("ticker", AX_CALL(ticker))); /* <- leaked-task */
	AX_AWAIT(ax_sleep_ms(350));
	AX_RETURN(0);
	AX_END;
}

int main(void)
{
	return AX_RUN(AX_CALL(main_async));
}

/* timing: yes (real-clock sleeps of different tasks race each other) */
