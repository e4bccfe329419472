/* The shape with a raw pthread mutex: task 'flusher' holds it
 * across an await, task 'logger' on the same thread blocks in
 * pthread_mutex_lock on it.  One finding names the deadlock, the lock,
 * both tasks and both lines, and the run ends at once instead of hanging
 * to the time limit (no blocking-call, no stalled-poll beside it).
 * expect: lock-across-await 19
 * expect-first-note: lock-across-await 19 21
 * expect-note: lock-across-await 19 31
 * expect-end: deadlock */
#include "asynclab.h"
#include <pthread.h>

static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;
static int lines;

AX_ASYNC(flusher, int, int unused;)
{
	AX_BEGIN;
	pthread_mutex_lock(&log_lock); /* <- lock-across-await */
	lines = 0;
	AX_AWAIT(ax_sleep_ms(100)); /* */
	pthread_mutex_unlock(&log_lock);
	AX_RETURN(0);
	AX_END;
}

AX_ASYNC(logger, int, int unused;)
{
	AX_BEGIN;
	AX_AWAIT(ax_yield());
	pthread_mutex_lock(&log_lock); /* */
	lines++;
	pthread_mutex_unlock(&log_lock);
	AX_RETURN(0);
	AX_END;
}

AX_ASYNC(main_async, int, ax_task *f; ax_task *l;)
{
	AX_BEGIN;
	self->f = AX_SPAWN_NAMED("flusher", AX_CALL(flusher));
	self->l = AX_SPAWN_NAMED("logger", AX_CALL(logger));
	AX_AWAIT(ax_join(self->f));
	AX_AWAIT(ax_join(self->l));
	AX_RETURN(lines);
	AX_END;
}

int main(void)
{
	return AX_RUN(AX_CALL(main_async)) == 1 ? 0 : 1;
}
