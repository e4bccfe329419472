/* The same 2000 items, but a permit is taken before each spawn: at most
 * 20 handlers are alive at any time.
 * expect: none */
#include "asynclab.h"

static ax_sem *permits;

AX_ASYNC(handle, int, int item;)
{
	AX_BEGIN;
	AX_AWAIT(ax_sleep_ms(10));
	ax_sem_release(permits);
	AX_RETURN(self->item);
	AX_END;
}

AX_ASYNC(main_async, int, int i;)
{
	AX_BEGIN;
	for (self->i = 0; self->i < 2000; self->i++) {
		AX_AWAIT(ax_sem_acquire(permits));
		ax_task_detach(AX_SPAWN(AX_CALL(handle, .item = self->i)));
	}
	for (self->i = 0; self->i < 20; self->i++)
		AX_AWAIT(ax_sem_acquire(permits));
	AX_RETURN(0);
	AX_END;
}

int main(void)
{
	permits = ax_sem_new(20);
	int r = AX_RUN(AX_CALL(main_async));
	ax_sem_free(permits);
	return r;
}

/* timing: yes (live tasks counted while real-clock sleeps finish them) */
