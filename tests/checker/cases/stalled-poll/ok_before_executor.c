/* Long start-up work before the executor runs is not a stalled poll.
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

AX_ASYNC(main_async, int, int unused;)
{
	AX_BEGIN;
	AX_AWAIT(ax_sleep_ms(1000));
	AX_RETURN(4);
	AX_END;
}

int main(void)
{
	long start = now_ms();
	while (now_ms() - start < 400) {
	}
	ax_rt *rt = ax_rt_new(NULL);
	start = now_ms();
	while (now_ms() - start < 300) {
	}
	int r = AX_BLOCK_ON(rt, AX_CALL(main_async));
	ax_rt_free(rt);
	return r == 4 ? 0 : 1;
}

/* timing: yes (the stall watchdog: CPU or blocked time against its threshold) */
