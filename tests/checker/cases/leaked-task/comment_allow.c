/* An intentional background task, silenced where it is spawned with a
 * comment: the finding is kept in the report, suppressed ("comment"), and
 * asynclab check reports nothing.  Both comment styles, one id or several.
 * expect: suppressed leaked-task 23 comment
 * expect: suppressed leaked-task 25 comment */
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

AX_ASYNC(main_async, int, int unused;)
{
	AX_BEGIN;
	/* The metrics loop runs for as long as the program does, on purpose;
	 * only the comment on the spawn line itself counts. */
	ax_task_detach(AX_SPAWN_NAMED("metrics", AX_CALL(metrics))); /* asynclab: allow(leaked-task) */
	ax_task_detach(
		AX_SPAWN_NAMED("gauges", AX_CALL(metrics))); // asynclab: allow(blocking-call, leaked-task)
	AX_AWAIT(ax_yield());
	AX_RETURN(0);
	AX_END;
}

int main(void)
{
	return AX_RUN(AX_CALL(main_async));
}
