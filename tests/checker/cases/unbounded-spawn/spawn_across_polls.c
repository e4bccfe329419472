/* Spawning one task per loop turn, with an await between turns, still
 * piles up live tasks faster than they finish.
 * expect: unbounded-spawn 18 */
#include "asynclab.h"

AX_ASYNC(slow_job, int, int unused;)
{
	AX_BEGIN;
	AX_AWAIT(ax_sleep_ms(5000));
	AX_RETURN(0);
	AX_END;
}

AX_ASYNC(main_async, int, int i;)
{
	AX_BEGIN;
	for (self->i = 0; self->i < 1200; self->i++) {
		ax_task_detach(AX_SPAWN(AX_CALL(slow_job))); /* <- unbounded-spawn */
		AX_AWAIT(ax_sleep_ms(1));
	}
	AX_AWAIT(ax_sleep_ms(6000));
	AX_RETURN(0);
	AX_END;
}

int main(void)
{
	return AX_RUN(AX_CALL(main_async));
}

/* timing: yes (live tasks counted while real-clock sleeps finish them: each
 * job lives 5 s; the 1001st spawn comes after about 1.1 s of 1 ms sleeps) */
