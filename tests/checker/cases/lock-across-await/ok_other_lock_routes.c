/* Every lock route used the right way: released before each await, a
 * failed try-lock that took nothing, and a semaphore that only signals
 * from one task to another.
 * expect: none */
#include "asynclab.h"
#include <pthread.h>
#include <semaphore.h>

static pthread_rwlock_t rw = PTHREAD_RWLOCK_INITIALIZER;
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_spinlock_t spin;
static ax_brwlock *brw;
static ax_bmutex *bm;
static sem_t ready;
static int value;

AX_ASYNC(producer, int, int i;)
{
	AX_BEGIN;
	for (self->i = 0; self->i < 3; self->i++) {
		pthread_rwlock_wrlock(&rw);
		value++;
		pthread_rwlock_unlock(&rw);
		ax_brwlock_write(brw);
		value++;
		ax_brwlock_unlock(brw);
		pthread_spin_lock(&spin);
		value++;
		pthread_spin_unlock(&spin);
		sem_post(&ready);
		AX_AWAIT(ax_sleep_ms(2));
	}
	AX_RETURN(0);
	AX_END;
}

AX_ASYNC(consumer, int, int got; int seen;)
{
	AX_BEGIN;
	while (self->got < 3) {
		/* Never waits: a missing permit means "not yet". */
		if (sem_trywait(&ready) == 0)
			self->got++;
		pthread_rwlock_rdlock(&rw);
		self->seen = value;
		pthread_rwlock_unlock(&rw);
		if (ax_brwlock_try_read(brw)) {
			self->seen = value;
			ax_brwlock_unlock(brw);
		}
		AX_AWAIT(ax_sleep_ms(1));
	}
	AX_RETURN(self->got);
	AX_END;
}

AX_ASYNC(main_async, int, ax_task *p; ax_task *c; ax_res r;)
{
	AX_BEGIN;
	/* Held here by the main task across nothing: the worker's try-lock
	 * fails and takes nothing. */
	ax_bmutex_lock(bm);
	if (pthread_mutex_trylock(&mu) == 0)
		pthread_mutex_unlock(&mu);
	ax_bmutex_unlock(bm);
	self->p = AX_SPAWN(AX_CALL(producer));
	self->c = AX_SPAWN(AX_CALL(consumer));
	AX_AWAIT(ax_join(self->p));
	AX_AWAIT_TO(self->r, ax_join(self->c));
	AX_RETURN((int)self->r.val);
	AX_END;
}

int main(void)
{
	pthread_spin_init(&spin, PTHREAD_PROCESS_PRIVATE);
	sem_init(&ready, 0, 0);
	brw = ax_brwlock_new();
	bm = ax_bmutex_new();
	int r = AX_RUN(AX_CALL(main_async));
	ax_brwlock_free(brw);
	ax_bmutex_free(bm);
	sem_destroy(&ready);
	pthread_spin_destroy(&spin);
	return r == 3 ? 0 : 1;
}

/* timing: yes (real-clock sleeps of different tasks race each other) */
