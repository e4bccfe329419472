/* One task per item, all started at once in a loop: with enough items
 * the program runs out of memory or descriptors.
 * expect: unbounded-spawn 18 */
#include "asynclab.h"

AX_ASYNC(handle, int, int item;)
{
	AX_BEGIN;
	AX_AWAIT(ax_sleep_ms(100));
	AX_RETURN(self->item);
	AX_END;
}

AX_ASYNC(main_async, int, int i;)
{
	AX_BEGIN;
	for (self->i = 0; self->i < 3000; self->i++)
		ax_task_detach(AX_SPAWN(AX_CALL(handle, .item = self->i))); /* <- unbounded-spawn */
	AX_AWAIT(ax_sleep_ms(200));
	AX_RETURN(0);
	AX_END;
}

int main(void)
{
	return AX_RUN(AX_CALL(main_async));
}

/* timing: yes (3000 spawns in one poll, watched by the stall watchdog) */
