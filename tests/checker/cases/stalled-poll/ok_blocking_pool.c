/* Half a second of computing on the blocking-work pool: the executor's
 * polls stay short.
 * env: ASYNCLAB_CHECK_STALL_MS=100
 * expect: none */
#include "asynclab.h"
#include <time.h>

static long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static ax_val crunch(void *arg)
{
	long start = now_ms();
	while (now_ms() - start < 500) {
	}
	(void)arg;
	return 1;
}

AX_ASYNC(main_async, int, ax_val v;)
{
	AX_BEGIN;
	AX_AWAIT_TO(self->v, ax_spawn_blocking(crunch, NULL));
	AX_RETURN((int)self->v);
	AX_END;
}

int main(void)
{
	return AX_RUN(AX_CALL(main_async)) == 1 ? 0 : 1;
}

/* timing: yes (the stall watchdog: CPU or blocked time against its threshold, with a pool thread) */
