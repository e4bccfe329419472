/* The same sleep, moved to the blocking-work pool: the executor keeps
 * running other tasks while a pool thread sleeps.
 * expect: none */
#include "asynclab.h"
#include <unistd.h>

static ax_val slow_work(void *arg)
{
	usleep(20000);
	return (ax_val)(intptr_t)arg;
}

AX_ASYNC(main_async, int, ax_val v;)
{
	AX_BEGIN;
	AX_AWAIT_TO(self->v, ax_spawn_blocking(slow_work, (void *)(intptr_t)5));
	AX_RETURN((int)self->v);
	AX_END;
}

int main(void)
{
	return AX_RUN(AX_CALL(main_async)) == 5 ? 0 : 1;
}

/* timing: yes (a pool thread sleeps while the executor waits) */
