/* Two workers taking turns on the virtual clock: task 'flusher' holds a
 * pthread mutex across an await, task 'logger' blocks its worker in
 * pthread_mutex_lock on it.  The blocked worker keeps its turn, so the
 * other never runs 'flusher' again: the same certain deadlock as on one
 * executor thread, named with the worker, and the run ends at once.
 * env: ASYNCLAB_WORKERS=2 ASYNCLAB_CLOCK=virtual
 * clock: virtual
 * expect: lock-across-await 22
 * expect-first-note: lock-across-await 22 24
 * expect-note: lock-across-await 22 34
 * expect-text: lock-across-await 22 deadlock: task 'logger' blocks worker * of 2 in pthread_mutex_lock
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
