/* Two workers with little to do: the tasks sleep (asynchronously) and
 * compute in short slices, so the workers are mostly parked and
 * block_on's thread only waits.  Neither an idle worker nor the waiting
 * thread is a stalled poll.
 * env: ASYNCLAB_WORKERS=2 ASYNCLAB_CHECK_STALL_MS=100
 * expect: none */
#include "asynclab.h"
#include <time.h>

static long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

AX_ASYNC(nap, int, int i; long slice;)
{
	AX_BEGIN;
	for (self->i = 0; self->i < 6; self->i++) {
		AX_AWAIT(ax_sleep_ms(50));
		self->slice = now_ms();
		while (now_ms() - self->slice < 5) {
		}
	}
	AX_RETURN(self->i);
	AX_END;
}

AX_ASYNC(main_async, int, ax_task *a; ax_task *b; ax_res r; ax_res s;)
{
	AX_BEGIN;
	self->a = AX_SPAWN_NAMED("nap", AX_CALL(nap));
	self->b = AX_SPAWN_NAMED("nap", AX_CALL(nap));
	AX_AWAIT(ax_sleep_ms(400));
	AX_AWAIT_TO(self->r, ax_join(self->a));
	AX_AWAIT_TO(self->s, ax_join(self->b));
	AX_RETURN((int)(self->r.val + self->s.val));
	AX_END;
}

int main(void)
{
	return AX_RUN(AX_CALL(main_async)) == 12 ? 0 : 1;
}

/* timing: yes (the stall watchdog samples two worker threads that are
 * mostly parked) */
