/* Suppression comments that do not apply: one on the line above the
 * spawn (only the finding's own line counts), one naming another id, and
 * one outside a comment (a string): every task is reported.
 * expect: leaked-task 23
 * expect: leaked-task 24
 * expect: leaked-task 26 */
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

AX_ASYNC(main_async, int, const char *label;)
{
	AX_BEGIN;
	/* asynclab: allow(leaked-task) */
	ax_task_detach(AX_SPAWN_NAMED("a", AX_CALL(metrics)));
	ax_task_detach(AX_SPAWN_NAMED("b", AX_CALL(metrics))); /* asynclab: allow(blocking-call) */
	self->label = "asynclab: allow(leaked-task)";
	ax_task_detach(AX_SPAWN_NAMED("c", AX_CALL(metrics))); self->label = "asynclab: allow(leaked-task)";
	AX_AWAIT(ax_yield());
	AX_RETURN(0);
	AX_END;
}

int main(void)
{
	return AX_RUN(AX_CALL(main_async));
}
