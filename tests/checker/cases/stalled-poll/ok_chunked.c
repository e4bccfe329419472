/* The same half second of work cut into short slices with a yield after
 * each: no single poll is long.
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

AX_ASYNC(crunch, int, long start; long slice;)
{
	AX_BEGIN;
	self->start = now_ms();
	while (now_ms() - self->start < 500) {
		self->slice = now_ms();
		while (now_ms() - self->slice < 10) {
		}
		AX_AWAIT(ax_yield());
	}
	AX_RETURN(1);
	AX_END;
}

int main(void)
{
	return AX_RUN(AX_CALL(crunch)) == 1 ? 0 : 1;
}

/* timing: yes (the stall watchdog: CPU or blocked time against its threshold) */
