/* Jobs spawned into a task set, at most 16 unjoined at a time: the loop
 * takes a finished one (join_next) before it spawns past the window.
 * expect: none */
#include "asynclab.h"

AX_ASYNC(job, int, int i;)
{
	AX_BEGIN;
	AX_AWAIT(ax_sleep_ms(1 + (self->i * 31) % 9));
	AX_RETURN(self->i);
	AX_END;
}

AX_ASYNC(main_async, int, ax_taskset *set; int i; ax_opt o; long sum;)
{
	AX_BEGIN;
	self->set = ax_taskset_new();
	if (!self->set)
		AX_RETURN(1);
	AX_TASKSET_OWN(self->set);
	for (self->i = 0; self->i < 2500; self->i++) {
		while (ax_taskset_len(self->set) >= 16) {
			AX_AWAIT_TO(self->o, ax_taskset_join_next(self->set));
			self->sum += (long)self->o.val;
		}
		AX_TASKSET_SPAWN(self->set, AX_CALL(job, .i = self->i));
	}
	for (;;) {
		AX_AWAIT_TO(self->o, ax_taskset_join_next(self->set));
		if (!self->o.some)
			break;
		self->sum += (long)self->o.val;
	}
	AX_RETURN(self->sum == 2499L * 2500 / 2 ? 0 : 1);
	AX_END;
}

int main(void)
{
	return AX_RUN(AX_CALL(main_async));
}

/* timing: yes (which jobs have finished when the window is full is a race
 * with real-clock sleeps) */
