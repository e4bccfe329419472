/* A lock released by leaving its scope (a cleanup attribute) before the
 * await, and a lock handed to a future that releases it while suspended
 * and takes it back when resumed (what a condition variable does).
 * expect: none */
#include "asynclab/future.h"
#include <pthread.h>

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static int shared;

static void unlock_cb(pthread_mutex_t **m)
{
	pthread_mutex_unlock(*m);
}

/* Waits ms with m released, holding it again when ready. */
typedef struct wait_unlocked_t {
	ax_future base;
	ax_unit out;
	pthread_mutex_t *m;
	ax_sleep_t sleep;
} wait_unlocked_t;

static ax_poll_t wait_unlocked_poll(ax_future *f, ax_cx *cx)
{
	wait_unlocked_t *w = (wait_unlocked_t *)(void *)f;
	if (!w->base.state) {
		w->base.state = 1;
		pthread_mutex_unlock(w->m);
	}
	if (ax_poll(&w->sleep.base, cx) == AX_PENDING)
		return AX_PENDING;
	pthread_mutex_lock(w->m);
	return AX_READY;
}

static void wait_unlocked_drop(ax_future *f)
{
	wait_unlocked_t *w = (wait_unlocked_t *)(void *)f;
	ax_future_drop(&w->sleep.base);
}

static const ax_future_vt wait_unlocked_vt = AX_VT_OF(
	wait_unlocked_t, "wait_unlocked", wait_unlocked_poll, wait_unlocked_drop, 0);

AX_ASYNC(worker, int, int unused;)
{
	AX_BEGIN;
	{
		pthread_mutex_t *held __attribute__((cleanup(unlock_cb))) = &mu;
		pthread_mutex_lock(held);
		shared++;
	}
	AX_AWAIT(ax_sleep_ms(5));
	pthread_mutex_lock(&mu);
	shared++;
	AX_AWAIT(((wait_unlocked_t){ .base.vt = &wait_unlocked_vt, .m = &mu,
				     .sleep = ax_sleep_ms(5) }));
	shared++;
	pthread_mutex_unlock(&mu);
	AX_RETURN(shared);
	AX_END;
}

int main(void)
{
	return AX_RUN(AX_CALL(worker)) == 3 ? 0 : 1;
}
