/* check_sync.c - the async mutex (FIFO hand-off, guard across awaits,
 * dropped lock futures), the semaphore and the blocking mutex's lock
 * hooks, the blocking mutex's try-lock and the blocking reader-writer
 * lock, on the virtual clock.  Notify is in check_notify.c. */
#include "../testutil.h"

#include <asynclab/instrument.h>

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <string.h>
#include <unistd.h>

#include "sync_log.h"

/* ---- mutex -------------------------------------------------------------- */

AX_ASYNC(locker, int, ax_mutex *m; int id; int hold_ms;)
{
	AX_BEGIN;
	arrival[narrival++] = self->id;
	AX_AWAIT(ax_mutex_lock(self->m));
	order[norder++] = self->id;
	at[self->id] = ax_now();
	/* The guard is held across this await. */
	AX_AWAIT(ax_sleep_ms((uint64_t)self->hold_ms));
	ax_mutex_unlock(self->m);
	AX_RETURN(self->id);
	AX_END;
}

AX_ASYNC(mutex_fifo, int, ax_mutex *m; ax_task *h[NW]; int i;)
{
	AX_BEGIN;
	self->m = ax_mutex_new();
	ck_assert(ax_mutex_try_lock(self->m));
	ck_assert(!ax_mutex_try_lock(self->m));
	for (self->i = 0; self->i < NW; self->i++)
		self->h[self->i] = AX_SPAWN(
			AX_CALL(locker, .m = self->m, .id = self->i, .hold_ms = 10));
	AX_AWAIT(ax_sleep_ms(5)); /* every worker is queued by now */
	ck_assert_int_eq(narrival, NW);
	ck_assert_int_eq(norder, 0);
	ax_mutex_unlock(self->m);
	/* Handed to the oldest waiter: a newcomer cannot barge in. */
	ck_assert(!ax_mutex_try_lock(self->m));
	for (self->i = 0; self->i < NW; self->i++)
		AX_AWAIT(ax_join(self->h[self->i]));
	ck_assert(ax_mutex_try_lock(self->m));
	ax_mutex_unlock(self->m);
	ax_mutex_free(self->m);
	AX_RETURN(norder);
	AX_END;
}

START_TEST(test_mutex_fifo)
{
	/* Different seeds queue the workers in different orders; whatever the
	 * order they queued in, they must be served in it. */
	ax_rt *rt = test_rt((uint64_t)_i);
	reset_log();
	int64_t got = AX_BLOCK_ON(rt, AX_CALL(mutex_fifo));
	ck_assert_int_eq(got, NW);
	for (int i = 0; i < NW; i++) {
		ck_assert_int_eq(order[i], arrival[i]);
		/* Each held it 10 ms, one after another, from t = 5 ms. */
		ck_assert_uint_eq(at[order[i]], MS(5 + 10 * i));
	}
	ck_assert_uint_eq(ax_now(), MS(5 + 10 * NW));
	TEST_RT_END_FREED(rt);
}
END_TEST

AX_ASYNC(guard_across_sleep, uint64_t, ax_mutex *m; ax_task *a; ax_task *b;)
{
	AX_BEGIN;
	self->m = ax_mutex_new();
	self->a = AX_SPAWN(AX_CALL(locker, .m = self->m, .id = 0, .hold_ms = 100));
	self->b = AX_SPAWN(AX_CALL(locker, .m = self->m, .id = 1, .hold_ms = 0));
	AX_AWAIT(ax_join(self->a));
	AX_AWAIT(ax_join(self->b));
	ax_mutex_free(self->m);
	AX_RETURN(at[1]);
	AX_END;
}

START_TEST(test_mutex_guard_across_sleep)
{
	ax_rt *rt = test_rt(0);
	reset_log();
	/* b waits the whole 100 ms that a holds the lock across its sleep. */
	uint64_t got = AX_BLOCK_ON(rt, AX_CALL(guard_across_sleep));
	ck_assert_uint_eq(got, MS(100));
	ck_assert_uint_eq(at[0], 0);
	TEST_RT_END_FREED(rt);
}
END_TEST

/* A waiting lock future dropped by a timeout leaves the queue intact. */
AX_ASYNC(impatient, int, ax_mutex *m; ax_res r;)
{
	AX_BEGIN;
	AX_AWAIT_TO(self->r, AX_TIMEOUT_MS(20, ax_mutex_lock(self->m)));
	AX_RETURN(self->r.err);
	AX_END;
}

AX_ASYNC(dropped_waiter, int, ax_mutex *m; ax_task *a; ax_task *b;
	 ax_task *c; ax_res ra;)
{
	AX_BEGIN;
	self->m = ax_mutex_new();
	ck_assert(ax_mutex_try_lock(self->m));
	self->b = AX_SPAWN(AX_CALL(locker, .m = self->m, .id = 1, .hold_ms = 0));
	self->a = AX_SPAWN(AX_CALL(impatient, .m = self->m));
	self->c = AX_SPAWN(AX_CALL(locker, .m = self->m, .id = 2, .hold_ms = 0));
	AX_AWAIT_TO(self->ra, ax_join(self->a));
	ck_assert_int_eq(self->ra.err, 0);
	ck_assert_int_eq(self->ra.val, -ETIMEDOUT);
	AX_AWAIT(ax_sleep_ms(30));
	ax_mutex_unlock(self->m);
	AX_AWAIT(ax_join(self->b));
	AX_AWAIT(ax_join(self->c));
	ck_assert(ax_mutex_try_lock(self->m));
	ax_mutex_unlock(self->m);
	ax_mutex_free(self->m);
	AX_RETURN(norder);
	AX_END;
}

START_TEST(test_mutex_dropped_waiter)
{
	ax_rt *rt = test_rt(0);
	reset_log();
	int64_t got = AX_BLOCK_ON(rt, AX_CALL(dropped_waiter));
	ck_assert_int_eq(got, 2);
	ck_assert_int_eq(order[0], 1);
	ck_assert_int_eq(order[1], 2);
	ck_assert_uint_eq(at[1], MS(50));
	ck_assert_uint_eq(at[2], MS(50));
	TEST_RT_END_FREED(rt);
}
END_TEST

/* The lock is handed to b, and b is aborted before it ever sees it: the
 * lock must go on to c. */
AX_ASYNC(dropped_grant, int, ax_mutex *m; ax_task *b; ax_task *c; ax_res rb;)
{
	AX_BEGIN;
	self->m = ax_mutex_new();
	ck_assert(ax_mutex_try_lock(self->m));
	self->b = AX_SPAWN(AX_CALL(locker, .m = self->m, .id = 1, .hold_ms = 0));
	self->c = AX_SPAWN(AX_CALL(locker, .m = self->m, .id = 2, .hold_ms = 0));
	AX_AWAIT(ax_yield());
	ck_assert_int_eq(narrival, 2);
	ax_mutex_unlock(self->m); /* granted to b, which has not run yet */
	ax_task_abort(self->b);
	AX_AWAIT_TO(self->rb, ax_join(self->b));
	ck_assert_int_eq(self->rb.err, -ECANCELED);
	AX_AWAIT(ax_join(self->c));
	ck_assert(ax_mutex_try_lock(self->m));
	ax_mutex_unlock(self->m);
	ax_mutex_free(self->m);
	AX_RETURN(norder);
	AX_END;
}

START_TEST(test_mutex_dropped_grant)
{
	ax_rt *rt = test_rt(0);
	reset_log();
	int64_t got = AX_BLOCK_ON(rt, AX_CALL(dropped_grant));
	ck_assert_int_eq(got, 1);
	ck_assert_int_eq(order[0], 2);
	TEST_RT_END_FREED(rt);
}
END_TEST

/* ---- lock hooks --------------------------------------------------------- */

typedef struct lock_ev {
	const void *lock;
	ax_lock_kind kind;
	bool acquire;
	int line;
	const char *func;
} lock_ev;
static lock_ev evs[32];
static int nevs;

static void on_lock(void *ud, const void *lock, ax_lock_kind kind, bool acquire,
		    const ax_site *site)
{
	(void)ud;
	ck_assert_int_lt(nevs, 32);
	evs[nevs++] = (lock_ev){ lock, kind, acquire, site ? site->line : -1,
				 site ? site->func : NULL };
}

static const ax_hooks lock_hooks = { .lock = on_lock };

static int bm_lock_line, bm_unlock_line;

static void take_bmutex(ax_bmutex *m)
{
	ax_bmutex_lock(m); bm_lock_line = __LINE__;
	ax_bmutex_unlock(m); bm_unlock_line = __LINE__;
}

START_TEST(test_bmutex_hook_site)
{
	ax_hooks_install(&lock_hooks);
	nevs = 0;
	ax_bmutex *m = ax_bmutex_new();
	ck_assert_ptr_nonnull(m);
	take_bmutex(m);
	ax_hooks_install(NULL);
	ck_assert_int_eq(nevs, 2);
	ck_assert_ptr_eq(evs[0].lock, m);
	ck_assert_int_eq(evs[0].kind, AX_LOCK_BLOCKING);
	ck_assert(evs[0].acquire);
	ck_assert_int_eq(evs[0].line, bm_lock_line);
	ck_assert_str_eq(evs[0].func, "take_bmutex");
	ck_assert_ptr_eq(evs[1].lock, m);
	ck_assert(!evs[1].acquire);
	ck_assert_int_eq(evs[1].line, bm_unlock_line);
	ax_bmutex_free(m);
}
END_TEST

/* try-lock: fails without waiting while the mutex is held (by anyone,
 * this thread included), and reports only the acquisitions it made. */
START_TEST(test_bmutex_trylock)
{
	ax_hooks_install(&lock_hooks);
	nevs = 0;
	ax_bmutex *m = ax_bmutex_new();
	ck_assert_ptr_nonnull(m);
	ck_assert(ax_bmutex_trylock(m)); int line = __LINE__;
	ck_assert(!ax_bmutex_trylock(m));
	ax_bmutex_unlock(m);
	ck_assert(ax_bmutex_trylock(m));
	ax_bmutex_unlock(m);
	ax_hooks_install(NULL);
	ck_assert_int_eq(nevs, 4);
	ck_assert_ptr_eq(evs[0].lock, m);
	ck_assert(evs[0].acquire);
	ck_assert_int_eq(evs[0].kind, AX_LOCK_BLOCKING);
	ck_assert_int_eq(evs[0].line, line);
	ck_assert(!evs[1].acquire);
	ck_assert(evs[2].acquire);
	ck_assert(!evs[3].acquire);
	ax_bmutex_free(m);
}
END_TEST

/* Many readers or one writer; the try forms say whether they took it. */
START_TEST(test_brwlock_readers_writer)
{
	ax_hooks_install(&lock_hooks);
	nevs = 0;
	ax_brwlock *l = ax_brwlock_new();
	ck_assert_ptr_nonnull(l);
	ax_brwlock_read(l); int rline = __LINE__;
	ck_assert(ax_brwlock_try_read(l)); /* a second reader */
	ck_assert(!ax_brwlock_try_write(l));
	ax_brwlock_unlock(l);
	ck_assert(!ax_brwlock_try_write(l)); /* one reader left */
	ax_brwlock_unlock(l);
	ax_brwlock_write(l); int wline = __LINE__;
	ck_assert(!ax_brwlock_try_read(l));
	ck_assert(!ax_brwlock_try_write(l));
	ax_brwlock_unlock(l);
	ck_assert(ax_brwlock_try_write(l));
	ax_brwlock_unlock(l);
	ax_hooks_install(NULL);
	/* read, try_read, 2 unlocks, write, unlock, try_write, unlock */
	ck_assert_int_eq(nevs, 8);
	for (int i = 0; i < nevs; i++) {
		ck_assert_ptr_eq(evs[i].lock, l);
		ck_assert_int_eq(evs[i].kind, AX_LOCK_BLOCKING);
	}
	ck_assert(evs[0].acquire && evs[1].acquire);
	ck_assert(!evs[2].acquire && !evs[3].acquire);
	ck_assert_int_eq(evs[0].line, rline);
	ck_assert(evs[4].acquire);
	ck_assert_int_eq(evs[4].line, wline);
	ck_assert_str_eq(evs[4].func, "test_brwlock_readers_writer_fn");
	ax_brwlock_free(l);
}
END_TEST

/* A writer on another thread waits for the reader to leave. */
static ax_brwlock *rw_shared;
static atomic_int rw_phase;

static void *rw_writer(void *arg)
{
	atomic_store(&rw_phase, 1);
	ax_brwlock_write(rw_shared);
	atomic_store(&rw_phase, 2);
	ax_brwlock_unlock(rw_shared);
	return arg;
}

START_TEST(test_brwlock_writer_waits)
{
	rw_shared = ax_brwlock_new();
	ax_brwlock_read(rw_shared);
	pthread_t th;
	ck_assert_int_eq(pthread_create(&th, NULL, rw_writer, NULL), 0);
	while (atomic_load(&rw_phase) == 0)
		sched_yield();
	/* The writer cannot get in while the read lock is held, however
	 * long it has tried. */
	usleep(20000);
	ck_assert_int_eq(atomic_load(&rw_phase), 1);
	ax_brwlock_unlock(rw_shared);
	pthread_join(th, NULL);
	ck_assert_int_eq(atomic_load(&rw_phase), 2);
	ax_brwlock_free(rw_shared);
}
END_TEST

static int async_lock_line;

AX_ASYNC(hooked_locker, int, ax_mutex *m;)
{
	AX_BEGIN;
	AX_AWAIT(ax_mutex_lock(self->m)); async_lock_line = __LINE__;
	AX_AWAIT(ax_sleep_ms(10));
	ax_mutex_unlock(self->m);
	AX_RETURN(0);
	AX_END;
}

AX_ASYNC(hooked_main, int, ax_mutex *m; ax_task *h;)
{
	AX_BEGIN;
	self->m = ax_mutex_new();
	ck_assert(ax_mutex_try_lock(self->m));
	self->h = AX_SPAWN(AX_CALL(hooked_locker, .m = self->m));
	AX_AWAIT(ax_sleep_ms(5));
	ck_assert_int_eq(nevs, 1); /* the waiting lock has not acquired */
	ax_mutex_unlock(self->m);
	ck_assert_int_eq(nevs, 2);
	AX_AWAIT(ax_join(self->h));
	ax_mutex_free(self->m);
	AX_RETURN(nevs);
	AX_END;
}

START_TEST(test_mutex_hooks)
{
	ax_hooks_install(&lock_hooks);
	nevs = 0;
	ax_rt *rt = test_rt(0);
	int64_t got = AX_BLOCK_ON(rt, AX_CALL(hooked_main));
	ck_assert_int_eq(got, 4);
	TEST_RT_END_FREED(rt);
	ax_hooks_install(NULL);
	const void *m = evs[0].lock;
	bool acq[4] = { true, false, true, false };
	for (int i = 0; i < 4; i++) {
		ck_assert_ptr_eq(evs[i].lock, m);
		ck_assert_int_eq(evs[i].kind, AX_LOCK_ASYNC);
		ck_assert_int_eq(evs[i].acquire, acq[i]);
	}
	/* The lock future reports the line of its lock call, on acquiring
	 * (after the wait) and on release. */
	ck_assert_int_eq(evs[2].line, async_lock_line);
	ck_assert_str_eq(evs[2].func, "hooked_locker__body");
	ck_assert_int_eq(evs[3].line, async_lock_line);
}
END_TEST

/* ---- semaphore ---------------------------------------------------------- */

static int cur, peak;

AX_ASYNC(permit_user, int, ax_sem *s; int id;)
{
	AX_BEGIN;
	arrival[narrival++] = self->id;
	AX_AWAIT(ax_sem_acquire(self->s));
	order[norder++] = self->id;
	at[self->id] = ax_now();
	if (++cur > peak)
		peak = cur;
	AX_AWAIT(ax_sleep_ms(10));
	cur--;
	ax_sem_release(self->s);
	AX_RETURN(0);
	AX_END;
}

AX_ASYNC(sem_main, uint64_t, ax_sem *s; ax_task *h[NW]; int i;)
{
	AX_BEGIN;
	self->s = ax_sem_new(2);
	ck_assert_uint_eq(ax_sem_available(self->s), 2);
	for (self->i = 0; self->i < NW; self->i++)
		self->h[self->i] =
			AX_SPAWN(AX_CALL(permit_user, .s = self->s, .id = self->i));
	AX_AWAIT(ax_yield());
	ck_assert_uint_eq(ax_sem_available(self->s), 0);
	ck_assert(!ax_sem_try_acquire(self->s));
	for (self->i = 0; self->i < NW; self->i++)
		AX_AWAIT(ax_join(self->h[self->i]));
	ck_assert_uint_eq(ax_sem_available(self->s), 2);
	ck_assert(ax_sem_try_acquire(self->s));
	ck_assert_uint_eq(ax_sem_available(self->s), 1);
	ax_sem_release(self->s);
	ax_sem_free(self->s);
	AX_RETURN(ax_now());
	AX_END;
}

START_TEST(test_sem_limits_concurrency)
{
	ax_rt *rt = test_rt((uint64_t)_i);
	reset_log();
	cur = peak = 0;
	/* Six 10 ms jobs, two at a time: 30 ms. */
	uint64_t got = AX_BLOCK_ON(rt, AX_CALL(sem_main));
	ck_assert_uint_eq(got, MS(30));
	ck_assert_int_eq(peak, 2);
	/* Permits are granted in arrival order, two every 10 ms (two granted
	 * at once may then run in either order). */
	for (int i = 0; i < NW; i++)
		ck_assert_uint_eq(at[arrival[i]], MS(10 * (i / 2)));
	TEST_RT_END_FREED(rt);
}
END_TEST

/* A permit granted to an aborted waiter goes to the next one. */
AX_ASYNC(sem_dropped_grant, int, ax_sem *s; ax_task *b; ax_task *c; ax_res r;)
{
	AX_BEGIN;
	self->s = ax_sem_new(0);
	self->b = AX_SPAWN(AX_CALL(permit_user, .s = self->s, .id = 1));
	self->c = AX_SPAWN(AX_CALL(permit_user, .s = self->s, .id = 2));
	AX_AWAIT_TO(self->r, AX_TIMEOUT_MS(5, ax_sem_acquire(self->s)));
	ck_assert_int_eq(self->r.err, -ETIMEDOUT);
	ax_sem_release(self->s); /* to b, not yet run */
	ax_task_abort(self->b);
	AX_AWAIT(ax_join(self->b));
	AX_AWAIT(ax_join(self->c));
	ck_assert_uint_eq(ax_sem_available(self->s), 1);
	ax_sem_free(self->s);
	AX_RETURN(norder);
	AX_END;
}

START_TEST(test_sem_dropped_grant)
{
	ax_rt *rt = test_rt(0);
	reset_log();
	int64_t got = AX_BLOCK_ON(rt, AX_CALL(sem_dropped_grant));
	ck_assert_int_eq(got, 1);
	ck_assert_int_eq(order[0], 2);
	TEST_RT_END_FREED(rt);
}
END_TEST

/* AX_MUTEX_GUARD: an aborted holder does not keep the lock; an early
 * AX_MUTEX_UNLOCK releases it once, not again when the frame ends. */
AX_ASYNC(guarded_holder, int, ax_mutex *m; int early;)
{
	AX_BEGIN;
	AX_AWAIT(ax_mutex_lock(self->m));
	AX_MUTEX_GUARD(self->m);
	if (self->early) {
		ck_assert_int_eq(AX_MUTEX_UNLOCK(self->m), 0);
		AX_AWAIT(ax_yield()); /* someone else takes the lock now */
		AX_RETURN(2);
	}
	AX_AWAIT(ax_sleep_ms(1000)); /* aborted while holding the lock */
	AX_RETURN(1);
	AX_END;
}

AX_ASYNC(guard_scenario, int, ax_mutex *m; ax_task *h;)
{
	AX_BEGIN;
	self->m = ax_mutex_new();
	self->h = AX_SPAWN(AX_CALL(guarded_holder, .m = self->m));
	AX_AWAIT(ax_yield());
	ck_assert(!ax_mutex_try_lock(self->m)); /* the holder has it */
	ax_task_abort(self->h);
	AX_AWAIT(ax_join(self->h));
	ck_assert(ax_mutex_try_lock(self->m)); /* its guard released it */
	ax_mutex_unlock(self->m);

	self->h = AX_SPAWN(AX_CALL(guarded_holder, .m = self->m, .early = 1));
	AX_AWAIT(ax_yield()); /* it locked and released early */
	ck_assert(ax_mutex_try_lock(self->m));
	AX_AWAIT(ax_join(self->h)); /* its frame ends: no second unlock */
	ck_assert(!ax_mutex_try_lock(self->m)); /* still ours */
	ax_mutex_unlock(self->m);
	ax_mutex_free(self->m);
	AX_RETURN(0);
	AX_END;
}

START_TEST(test_mutex_guard_released_on_abort)
{
	ax_rt *rt = test_rt(0);
	ck_assert_int_eq(AX_BLOCK_ON(rt, AX_CALL(guard_scenario)), 0);
	TEST_RT_END(rt);
}
END_TEST

static Suite *sync_suite(void)
{
	Suite *s = suite_create("sync");
	TCase *tc = tcase_create("mutex");
	tcase_add_loop_test(tc, test_mutex_fifo, 0, 4);
	tcase_add_test(tc, test_mutex_guard_across_sleep);
	tcase_add_test(tc, test_mutex_guard_released_on_abort);
	tcase_add_test(tc, test_mutex_dropped_waiter);
	tcase_add_test(tc, test_mutex_dropped_grant);
	tcase_add_test(tc, test_mutex_hooks);
	tcase_add_test(tc, test_bmutex_hook_site);
	tcase_add_test(tc, test_bmutex_trylock);
	tcase_add_test(tc, test_brwlock_readers_writer);
	tcase_add_test(tc, test_brwlock_writer_waits);
	suite_add_tcase(s, tc);
	tc = tcase_create("semaphore");
	tcase_add_loop_test(tc, test_sem_limits_concurrency, 0, 4);
	tcase_add_test(tc, test_sem_dropped_grant);
	suite_add_tcase(s, tc);
	return s;
}

TEST_MAIN(sync_suite)
