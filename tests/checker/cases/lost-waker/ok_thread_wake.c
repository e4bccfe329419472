/* The waker is handed to another thread that wakes it after a while: a
 * wake from outside the executor.  On either clock the runtime waits for
 * the thread (it holds a clone the program made) instead of calling it a
 * deadlock.
 * expect: none */
#include "asynclab/future.h"
#include <pthread.h>
#include <unistd.h>

static _Atomic int done;

static void *later(void *arg)
{
	usleep(20000);
	done = 1;
	ax_waker_wake(arg);
	return NULL;
}

typedef struct thread_wait_t {
	ax_future base;
	ax_unit out;
	pthread_t th;
} thread_wait_t;

static ax_poll_t thread_wait_poll(ax_future *f, ax_cx *cx)
{
	thread_wait_t *t = (thread_wait_t *)(void *)f;
	if (f->state == 0) {
		f->state = 1;
		pthread_create(&t->th, NULL, later, ax_waker_clone(cx->waker));
		return AX_PENDING;
	}
	if (!done)
		return AX_PENDING; /* spurious poll: the thread still holds a waker */
	pthread_join(t->th, NULL);
	return AX_READY;
}

static const ax_future_vt thread_wait_vt =
	AX_VT_OF(thread_wait_t, "thread_wait", thread_wait_poll, NULL, 0);

AX_ASYNC(main_async, int, int unused;)
{
	AX_BEGIN;
	AX_AWAIT(((thread_wait_t){ .base.vt = &thread_wait_vt }));
	AX_RETURN(0);
	AX_END;
}

int main(void)
{
	return AX_RUN(AX_CALL(main_async));
}

/* timing: yes (another thread wakes the task) */
