/* A metrics loop meant to run until the program ends is spawned as a
 * daemon (AX_SPAWN_DAEMON, and ax_task_daemon on a handle): still pending
 * at the shutdown, its leaked-task finding is kept but suppressed.  A
 * plain detached ticker beside them is still reported.
 * expect: suppressed leaked-task 33 daemon
 * expect: suppressed leaked-task 34 daemon
 * expect: leaked-task 35 */
#include "asynclab.h"

AX_ASYNC(metrics, int, int samples;)
{
	AX_BEGIN;
	for (;;) {
		AX_AWAIT(ax_sleep_ms(100));
		self->samples++;
	}
	AX_END;
}

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
	AX_SPAWN_DAEMON(AX_CALL(metrics));
	ax_task_daemon(AX_SPAWN_NAMED("flusher", AX_CALL(metrics)));
	ax_task_detach(AX_SPAWN_NAMED("ticker", AX_CALL(ticker))); /* <- leaked-task */
	/* Each task arms its first sleep; then main returns. */
	AX_AWAIT(ax_yield());
	AX_RETURN(0);
	AX_END;
}

int main(void)
{
	return AX_RUN(AX_CALL(main_async));
}
