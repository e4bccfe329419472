/* A fixed fan-out of 100 tasks, all joined: bounded by the program.
 * expect: none */
#include "asynclab.h"

AX_ASYNC(work, int, int i;)
{
	AX_BEGIN;
	AX_AWAIT(ax_sleep_ms(5));
	AX_RETURN(self->i);
	AX_END;
}

AX_ASYNC(main_async, int, ax_task *h[100]; int i; ax_res r; long sum;)
{
	AX_BEGIN;
	for (self->i = 0; self->i < 100; self->i++)
		self->h[self->i] = AX_SPAWN(AX_CALL(work, .i = self->i));
	for (self->i = 0; self->i < 100; self->i++) {
		AX_AWAIT_TO(self->r, ax_join(self->h[self->i]));
		self->sum += self->r.val;
	}
	AX_RETURN(self->sum == 4950 ? 0 : 1);
	AX_END;
}

int main(void)
{
	return AX_RUN(AX_CALL(main_async));
}

/* timing: yes (100 spawns in one poll, live tasks counted while sleeps finish them) */
