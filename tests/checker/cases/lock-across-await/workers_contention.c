/* Two workers side by side: task 'a' takes a pthread mutex, lets task
 * 'b' go and holds the mutex across an await of 40 ms of blocking work.
 * 'b' asks for the mutex meanwhile and blocks its worker's thread until
 * 'a', woken on the other worker, releases it: no deadlock (with one
 * executor thread it would be), but contention the finding shows, naming
 * the task that waited, its worker and for how long.
 * env: ASYNCLAB_WORKERS=2 ASYNCLAB_CLOCK=real
 * expect: lock-across-await 29
 * expect-note: lock-across-await 29 42
 * expect-text: lock-across-await 29 task 'b' on worker * of 2 waited * ms for it, blocking its worker's thread
 * expect-text: lock-across-await 29 task 'b' on worker * of 2 waited here * ms for it
 * expect: blocking-call 42 */
#include "asynclab.h"
#include <pthread.h>
#include <unistd.h>

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static int total;

static ax_val slow_work(void *arg)
{
	usleep(40000);
	return (ax_val)(intptr_t)arg;
}

AX_ASYNC(holder, int, ax_notify *go; ax_val v;)
{
	AX_BEGIN;
	pthread_mutex_lock(&mu); /* <- lock-across-await */
	ax_notify_one(self->go);
	AX_AWAIT_TO(self->v, ax_spawn_blocking(slow_work, (void *)(intptr_t)1));
	total += (int)self->v;
	pthread_mutex_unlock(&mu);
	AX_RETURN(0);
	AX_END;
}

AX_ASYNC(waiter, int, ax_notify *go;)
{
	AX_BEGIN;
	AX_AWAIT(ax_notified(self->go));
	pthread_mutex_lock(&mu); /* <- blocking-call (and the contention) */
	total++;
	pthread_mutex_unlock(&mu);
	AX_RETURN(0);
	AX_END;
}

AX_ASYNC(main_async, int, ax_notify *go; ax_task *a; ax_task *b;)
{
	AX_BEGIN;
	self->go = ax_notify_new();
	self->b = AX_SPAWN_NAMED("b", AX_CALL(waiter, .go = self->go));
	self->a = AX_SPAWN_NAMED("a", AX_CALL(holder, .go = self->go));
	AX_AWAIT(ax_join(self->a));
	AX_AWAIT(ax_join(self->b));
	ax_notify_free(self->go);
	AX_RETURN(total);
	AX_END;
}

int main(void)
{
	return AX_RUN(AX_CALL(main_async)) == 2 ? 0 : 1;
}

/* timing: yes (two worker threads and a pool thread: the wait's length is
 * the real clock's) */
