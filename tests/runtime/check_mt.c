/* check_mt.c - a runtime with N worker threads (ax_rt_opts.workers):
 * tasks run in parallel and each runs exactly once; a task that blocks
 * its thread leaves the other workers running (and with one worker it
 * starves the rest, which is what the blocking lesson shows); the shared
 * primitives stay exact under contention across workers; the virtual
 * clock moves only when every worker is idle; deadlocks are still found;
 * abort reaches tasks on other workers; wake storms from outside; and
 * shutdown while workers sleep.  The ThreadSanitizer build runs these. */
#define _GNU_SOURCE
#include "../testutil.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static ax_rt *mt_rt(int workers, ax_clock clock)
{
	ax_rt *rt = ax_rt_new(&(ax_rt_opts){ .clock = clock, .workers = workers });
	ck_assert_ptr_nonnull(rt);
	ax_rt_stats st;
	ax_rt_stats_get(rt, &st);
	ck_assert_uint_eq(st.workers, (unsigned)workers);
	return rt;
}

/* ---- every task runs once, on the workers ------------------------------ */

enum { MANY = 20000 };
static _Atomic unsigned char ran[MANY];
static atomic_int on_main;
static pthread_t main_thread;

AX_ASYNC(mark, int, int i;)
{
	AX_BEGIN;
	atomic_fetch_add(&ran[self->i], 1);
	if (pthread_equal(pthread_self(), main_thread))
		atomic_fetch_add(&on_main, 1);
	AX_AWAIT(ax_yield());
	AX_RETURN(self->i);
	AX_END;
}

AX_ASYNC(spawn_all, long, ax_task **h; int i; ax_res r; long sum;)
{
	AX_BEGIN;
	self->h = malloc(MANY * sizeof *self->h);
	for (self->i = 0; self->i < MANY; self->i++)
		self->h[self->i] = AX_SPAWN(AX_CALL(mark, .i = self->i));
	for (self->i = 0; self->i < MANY; self->i++) {
		AX_AWAIT_TO(self->r, ax_join(self->h[self->i]));
		self->sum += self->r.val;
	}
	free(self->h);
	AX_RETURN(self->sum);
	AX_END;
}

START_TEST(test_each_task_once)
{
	for (int workers = 2; workers <= 4; workers += 2) {
		memset(ran, 0, sizeof ran);
		atomic_store(&on_main, 0);
		main_thread = pthread_self();
		ax_rt *rt = mt_rt(workers, AX_CLOCK_REAL);
		long sum = AX_BLOCK_ON(rt, AX_CALL(spawn_all));
		ck_assert_int_eq(sum, (long)MANY * (MANY - 1) / 2);
		for (int i = 0; i < MANY; i++)
			ck_assert_int_eq(atomic_load(&ran[i]), 1);
		/* block_on's thread only waits: tasks run on the workers. */
		ck_assert_int_eq(atomic_load(&on_main), 0);
		TEST_RT_END_FREED(rt);
	}
}
END_TEST

/* ---- a task that blocks its thread ------------------------------------- */

/* The blocker holds its worker's thread until the other task has run:
 * with two workers on the real clock the other runs beside it; with one
 * worker, or with workers taking turns on the virtual clock, it never
 * would (the blocking lesson's point), so those cases are not run. */
static pthread_mutex_t blk_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t blk_cond = PTHREAD_COND_INITIALIZER;
static int other_ran;

AX_ASYNC(blocker, int, int unused;)
{
	AX_BEGIN;
	pthread_mutex_lock(&blk_lock);
	while (!other_ran)
		pthread_cond_wait(&blk_cond, &blk_lock);
	pthread_mutex_unlock(&blk_lock);
	AX_RETURN(1);
	AX_END;
}

AX_ASYNC(other, int, int unused;)
{
	AX_BEGIN;
	pthread_mutex_lock(&blk_lock);
	other_ran = 1;
	pthread_cond_broadcast(&blk_cond);
	pthread_mutex_unlock(&blk_lock);
	AX_RETURN(2);
	AX_END;
}

/* The blocker is spawned first and woken ahead of the other (the LIFO
 * slot holds the other while the blocker runs): another worker must
 * take it from there. */
AX_ASYNC(block_pair, int, ax_task *a; ax_task *b; ax_res ra; ax_res rb;)
{
	AX_BEGIN;
	self->a = AX_SPAWN(AX_CALL(blocker));
	self->b = AX_SPAWN(AX_CALL(other));
	AX_AWAIT_TO(self->ra, ax_join(self->a));
	AX_AWAIT_TO(self->rb, ax_join(self->b));
	AX_RETURN((int)(self->ra.val + self->rb.val));
	AX_END;
}

START_TEST(test_blocking_task_leaves_others_running)
{
	for (int round = 0; round < 50; round++) {
		other_ran = 0;
		ax_rt *rt = mt_rt(2, AX_CLOCK_REAL);
		{
			long got = AX_BLOCK_ON(rt, AX_CALL(block_pair));
			ck_assert_int_eq(got, 3);
		}
		TEST_RT_END_FREED(rt);
	}
}
END_TEST

/* ---- primitives under contention --------------------------------------- */

typedef struct counter {
	ax_mutex *m;
	long value; /* guarded by m (across an await) */
	ax_mpsc *ch;
	ax_sem *sem;
	atomic_int inside; /* tasks between acquire and release */
	atomic_int max_inside;
} counter;

AX_ASYNC(bump, int, counter *c; int i; long v;)
{
	AX_BEGIN;
	for (self->i = 0; self->i < 200; self->i++) {
		AX_AWAIT(ax_mutex_lock(self->c->m));
		self->v = self->c->value;
		AX_AWAIT(ax_yield()); /* held across an await: others wait */
		self->c->value = self->v + 1;
		ax_mutex_unlock(self->c->m);
	}
	AX_RETURN(0);
	AX_END;
}

AX_ASYNC(bump_all, long, counter *c; ax_task *h[16]; int i; ax_res r;)
{
	AX_BEGIN;
	for (self->i = 0; self->i < 16; self->i++)
		self->h[self->i] = AX_SPAWN(AX_CALL(bump, .c = self->c));
	for (self->i = 0; self->i < 16; self->i++)
		AX_AWAIT_TO(self->r, ax_join(self->h[self->i]));
	AX_RETURN(self->c->value);
	AX_END;
}

START_TEST(test_mutex_across_workers)
{
	for (int workers = 2; workers <= 4; workers += 2) {
		ax_rt *rt = mt_rt(workers, AX_CLOCK_REAL);
		counter c = { .m = ax_mutex_new() };
		{
			long got = AX_BLOCK_ON(rt, AX_CALL(bump_all, .c = &c));
			ck_assert_int_eq(got, 16 * 200);
		}
		ax_mutex_free(c.m);
		TEST_RT_END_FREED(rt);
	}
}
END_TEST

AX_ASYNC(producer, int, counter *c; int base; int i; int r;)
{
	AX_BEGIN;
	for (self->i = 0; self->i < 1000; self->i++) {
		AX_AWAIT_TO(self->r, ax_mpsc_send(self->c->ch, (ax_val)(self->base + self->i)));
		if (self->r)
			AX_RETURN(self->r);
	}
	AX_RETURN(0);
	AX_END;
}

AX_ASYNC(consume_all, long, counter *c; ax_task *h[8]; int i; ax_opt o; long n; long sum;
	 unsigned char *seen; ax_res r;)
{
	AX_BEGIN;
	self->seen = calloc(8000, 1);
	for (self->i = 0; self->i < 8; self->i++)
		self->h[self->i] = AX_SPAWN(AX_CALL(producer, .c = self->c, .base = self->i * 1000));
	for (self->n = 0; self->n < 8000; self->n++) {
		AX_AWAIT_TO(self->o, ax_mpsc_recv(self->c->ch));
		if (!self->o.some || self->o.val < 0 || self->o.val >= 8000 ||
		    self->seen[self->o.val]++)
			break;
		self->sum += self->o.val;
	}
	for (self->i = 0; self->i < 8; self->i++) {
		AX_AWAIT_TO(self->r, ax_join(self->h[self->i]));
		if (self->r.err || self->r.val)
			self->sum = -1;
	}
	free(self->seen);
	AX_RETURN(self->n == 8000 ? self->sum : -2);
	AX_END;
}

START_TEST(test_channel_across_workers)
{
	ax_rt *rt = mt_rt(2, AX_CLOCK_REAL);
	counter c = { .ch = ax_mpsc_new(4) };
	{
			long got = AX_BLOCK_ON(rt, AX_CALL(consume_all, .c = &c));
			ck_assert_int_eq(got, 8000L * 7999 / 2);
		}
	ax_mpsc_free(c.ch);
	TEST_RT_END_FREED(rt);
}
END_TEST

/* Pairs of tasks passing a number back and forth through capacity-1
 * channels, and oneshots sent from one task to another, on 2 and 4
 * workers: each channel's lock, and the wakes done after it is let go,
 * lose no value and no wake while both ends run on different workers. */
enum { PAIRS = 8, ROUNDS = 3000, SHOTS = 2000 };

AX_ASYNC(pp_echo, long, ax_mpsc *ping; ax_mpsc *pong; ax_opt o; int r; long n;)
{
	AX_BEGIN;
	for (;;) {
		AX_AWAIT_TO(self->o, ax_mpsc_recv(self->ping));
		if (!self->o.some)
			break;
		AX_AWAIT_TO(self->r, ax_mpsc_send(self->pong, self->o.val + 1));
		if (self->r)
			AX_RETURN(-1);
		self->n++;
	}
	AX_RETURN(self->n);
	AX_END;
}

AX_ASYNC(pp_ping, long, ax_mpsc *ping; ax_mpsc *pong; long i; ax_opt o; int r;)
{
	AX_BEGIN;
	for (self->i = 0; self->i < ROUNDS; self->i++) {
		AX_AWAIT_TO(self->r, ax_mpsc_send(self->ping, (ax_val)(2 * self->i)));
		if (self->r)
			AX_RETURN(-1);
		AX_AWAIT_TO(self->o, ax_mpsc_recv(self->pong));
		if (!self->o.some || self->o.val != 2 * self->i + 1)
			AX_RETURN(-2);
	}
	ax_mpsc_close(self->ping);
	AX_RETURN(self->i);
	AX_END;
}

AX_ASYNC(shot_wait, long, ax_oneshot *o; ax_res r;)
{
	AX_BEGIN;
	AX_AWAIT_TO(self->r, ax_oneshot_recv(self->o));
	AX_RETURN(self->r.err ? self->r.err : (long)self->r.val);
	AX_END;
}

AX_ASYNC(shot_send, int, ax_oneshot *o; long v;)
{
	AX_BEGIN;
	if (self->v % 3 == 0)
		AX_AWAIT(ax_yield()); /* now and then after the receiver waits */
	if (self->v % 7 == 0)
		ax_oneshot_close(self->o);
	else
		ck_assert_int_eq(ax_oneshot_send(self->o, (ax_val)self->v), 0);
	AX_RETURN(0);
	AX_END;
}

AX_ASYNC(channels_main, long, ax_mpsc *ch[2 * PAIRS]; ax_task *h[2 * PAIRS];
	 ax_oneshot **o; ax_task **w; ax_task **snd; int i; ax_res r; long bad;)
{
	AX_BEGIN;
	for (self->i = 0; self->i < PAIRS; self->i++) {
		ax_mpsc **c = &self->ch[2 * self->i];
		c[0] = ax_mpsc_new(1);
		c[1] = ax_mpsc_new(1);
		self->h[2 * self->i] = AX_SPAWN(AX_CALL(pp_echo, .ping = c[0], .pong = c[1]));
		self->h[2 * self->i + 1] =
			AX_SPAWN(AX_CALL(pp_ping, .ping = c[0], .pong = c[1]));
	}
	self->o = calloc(SHOTS, sizeof *self->o);
	self->w = calloc(SHOTS, sizeof *self->w);
	self->snd = calloc(SHOTS, sizeof *self->snd);
	for (self->i = 0; self->i < SHOTS; self->i++) {
		self->o[self->i] = ax_oneshot_new();
		self->w[self->i] = AX_SPAWN(AX_CALL(shot_wait, .o = self->o[self->i]));
		self->snd[self->i] =
			AX_SPAWN(AX_CALL(shot_send, .o = self->o[self->i], .v = self->i));
	}
	for (self->i = 0; self->i < 2 * PAIRS; self->i++) {
		AX_AWAIT_TO(self->r, ax_join(self->h[self->i]));
		self->bad += self->r.err || self->r.val != ROUNDS;
	}
	for (self->i = 0; self->i < SHOTS; self->i++) {
		AX_AWAIT_TO(self->r, ax_join(self->w[self->i]));
		long want = self->i % 7 == 0 ? -EPIPE : self->i;
		self->bad += self->r.err || self->r.val != want;
		/* (Every task joined: none is left for TEST_RT_END_FREED.) */
		AX_AWAIT_TO(self->r, ax_join(self->snd[self->i]));
		self->bad += self->r.err || self->r.val != 0;
	}
	for (self->i = 0; self->i < 2 * PAIRS; self->i++)
		ax_mpsc_free(self->ch[self->i]);
	for (self->i = 0; self->i < SHOTS; self->i++)
		ax_oneshot_free(self->o[self->i]);
	free(self->o);
	free(self->w);
	free(self->snd);
	AX_RETURN(self->bad);
	AX_END;
}

START_TEST(test_channels_between_workers)
{
	for (int workers = 2; workers <= 4; workers += 2) {
		ax_rt *rt = mt_rt(workers, AX_CLOCK_REAL);
		long bad = AX_BLOCK_ON(rt, AX_CALL(channels_main));
		ck_assert_int_eq(bad, 0);
		TEST_RT_END_FREED(rt);
	}
}
END_TEST

/* ax_rt_stats counts what workers spawn and free without the lock: the
 * live and spawned counts are exact while tasks spawned detached on
 * every worker are parked, and the live count comes back once they end. */
enum { PARKERS = 4, PARKED_EACH = 500 };

typedef struct parking {
	ax_token *go; /* cancelled: every parked task ends */
	ax_notify *all_parked;
	atomic_int parked, ended;
} parking;

AX_ASYNC(parked_task, int, parking *p;)
{
	AX_BEGIN;
	if (atomic_fetch_add(&self->p->parked, 1) + 1 == PARKERS * PARKED_EACH)
		ax_notify_one(self->p->all_parked);
	AX_AWAIT(ax_token_cancelled(self->p->go));
	atomic_fetch_add(&self->p->ended, 1);
	AX_RETURN(0);
	AX_END;
}

AX_ASYNC(parker, int, parking *p; int i;)
{
	AX_BEGIN;
	for (self->i = 0; self->i < PARKED_EACH; self->i++) {
		if (!AX_SPAWN_DETACHED(AX_CALL(parked_task, .p = self->p)))
			AX_RETURN(-1);
		if (self->i % 50 == 0)
			AX_AWAIT(ax_yield()); /* let the other workers take some */
	}
	AX_RETURN(0);
	AX_END;
}

AX_ASYNC(count_parked, int, parking *p; ax_rt_stats s0; ax_rt_stats s; ax_task *h[PARKERS];
	 int i; ax_res r; int waited;)
{
	AX_BEGIN;
	ax_rt_stats_get(ax_rt_current(), &self->s0);
	for (self->i = 0; self->i < PARKERS; self->i++)
		self->h[self->i] = AX_SPAWN(AX_CALL(parker, .p = self->p));
	for (self->i = 0; self->i < PARKERS; self->i++) {
		AX_AWAIT_TO(self->r, ax_join(self->h[self->i]));
		ck_assert_int_eq(self->r.val, 0);
	}
	AX_AWAIT(ax_notified(self->p->all_parked));
	ax_rt_stats_get(ax_rt_current(), &self->s);
	ck_assert_uint_eq(self->s.live_tasks, self->s0.live_tasks + PARKERS * PARKED_EACH);
	ck_assert_uint_eq(self->s.spawned,
			  self->s0.spawned + PARKERS + PARKERS * PARKED_EACH);
	ax_token_cancel(self->p->go);
	/* Each task is freed just after its last poll, on its worker:
	 * wait (1 ms steps, up to 10 s) for the count to come back. */
	for (self->waited = 0; self->waited < 10000; self->waited++) {
		ax_rt_stats_get(ax_rt_current(), &self->s);
		if (self->s.live_tasks == self->s0.live_tasks)
			break;
		AX_AWAIT(ax_sleep_ms(1));
	}
	ck_assert_int_eq(atomic_load(&self->p->ended), PARKERS * PARKED_EACH);
	ck_assert_uint_eq(self->s.live_tasks, self->s0.live_tasks);
	AX_RETURN(0);
	AX_END;
}

START_TEST(test_counts_of_tasks_workers_spawn)
{
	for (int workers = 2; workers <= 4; workers += 2) {
		ax_rt *rt = mt_rt(workers, AX_CLOCK_REAL);
		parking p = { .go = ax_token_new(), .all_parked = ax_notify_new() };
		ck_assert_int_eq(AX_BLOCK_ON(rt, AX_CALL(count_parked, .p = &p)), 0);
		TEST_RT_END_FREED(rt);
		ax_token_free(p.go);
		ax_notify_free(p.all_parked);
	}
}
END_TEST

AX_ASYNC(permit_user, int, counter *c; int i;)
{
	AX_BEGIN;
	for (self->i = 0; self->i < 50; self->i++) {
		AX_AWAIT(ax_sem_acquire(self->c->sem));
		int in = atomic_fetch_add(&self->c->inside, 1) + 1;
		int m = atomic_load(&self->c->max_inside);
		while (in > m && !atomic_compare_exchange_weak(&self->c->max_inside, &m, in))
			;
		AX_AWAIT(ax_yield());
		atomic_fetch_sub(&self->c->inside, 1);
		ax_sem_release(self->c->sem);
	}
	AX_RETURN(0);
	AX_END;
}

AX_ASYNC(permits_all, int, counter *c; ax_task *h[12]; int i; ax_res r;)
{
	AX_BEGIN;
	for (self->i = 0; self->i < 12; self->i++)
		self->h[self->i] = AX_SPAWN(AX_CALL(permit_user, .c = self->c));
	for (self->i = 0; self->i < 12; self->i++)
		AX_AWAIT_TO(self->r, ax_join(self->h[self->i]));
	AX_RETURN(atomic_load(&self->c->max_inside));
	AX_END;
}

START_TEST(test_semaphore_across_workers)
{
	ax_rt *rt = mt_rt(4, AX_CLOCK_REAL);
	counter c = { .sem = ax_sem_new(3) };
	int max = AX_BLOCK_ON(rt, AX_CALL(permits_all, .c = &c));
	ck_assert_int_le(max, 3);
	ck_assert_int_ge(max, 1);
	ck_assert_uint_eq(ax_sem_available(c.sem), 3);
	ax_sem_free(c.sem);
	TEST_RT_END_FREED(rt);
}
END_TEST

/* ---- time -------------------------------------------------------------- */

AX_ASYNC(sleeper, int, int ms; int i;)
{
	AX_BEGIN;
	for (self->i = 0; self->i < 10; self->i++)
		AX_AWAIT(ax_sleep_ms((uint64_t)self->ms));
	AX_RETURN(0);
	AX_END;
}

AX_ASYNC(sleepers, int, ax_task *h[100]; int i; ax_res r;)
{
	AX_BEGIN;
	for (self->i = 0; self->i < 100; self->i++)
		self->h[self->i] = AX_SPAWN(AX_CALL(sleeper, .ms = 1 + self->i % 10));
	for (self->i = 0; self->i < 100; self->i++)
		AX_AWAIT_TO(self->r, ax_join(self->h[self->i]));
	AX_RETURN(0);
	AX_END;
}

/* The virtual clock moves only when no worker runs anything: the
 * longest sleeper (10 x 10 ms) ends the run at exactly 100 ms. */
START_TEST(test_virtual_clock)
{
	for (int workers = 2; workers <= 4; workers += 2) {
		ax_rt *rt = mt_rt(workers, AX_CLOCK_VIRTUAL);
		{
			long got = AX_BLOCK_ON(rt, AX_CALL(sleepers));
			ck_assert_int_eq(got, 0);
		}
		ax_rt_stats st;
		ax_rt_stats_get(rt, &st);
		ck_assert_uint_eq(st.now_ns, MS(100));
		ck_assert_int_eq(st.deadlocked, 0);
		TEST_RT_END_FREED(rt);
	}
}
END_TEST

START_TEST(test_real_clock_sleeps)
{
	ax_rt *rt = mt_rt(2, AX_CLOCK_REAL);
	{
			long got = AX_BLOCK_ON(rt, AX_CALL(sleepers));
			ck_assert_int_eq(got, 0);
		}
	ax_rt_stats st;
	ax_rt_stats_get(rt, &st);
	ck_assert_int_eq(st.deadlocked, 0);
	TEST_RT_END_FREED(rt);
}
END_TEST

/* ---- deadlock, abort, shutdown ----------------------------------------- */

AX_ASYNC(wait_never, int, ax_notify *n;)
{
	AX_BEGIN;
	AX_AWAIT(ax_notified(self->n));
	AX_RETURN(7);
	AX_END;
}

START_TEST(test_deadlock_found)
{
	for (int clock = 0; clock < 2; clock++) {
		ax_rt *rt = mt_rt(2, clock ? AX_CLOCK_VIRTUAL : AX_CLOCK_REAL);
		ax_notify *n = ax_notify_new();
		{
			long got = AX_BLOCK_ON(rt, AX_CALL(wait_never, .n = n));
			ck_assert_int_eq(got, 0);
		}
		ax_rt_stats st;
		ax_rt_stats_get(rt, &st);
		ck_assert_int_eq(st.deadlocked, 1);
		ck_assert_int_eq(ax_rt_free(rt), 1); /* the root, still pending */
		ax_notify_free(n);
	}
}
END_TEST

AX_ASYNC(spin_yield, int, atomic_int *started;)
{
	AX_BEGIN;
	atomic_fetch_add(self->started, 1);
	for (;;)
		AX_AWAIT(ax_yield());
	AX_END;
}

AX_ASYNC(abort_spinners, int, ax_task *h[8]; int i; ax_res r; atomic_int started; int cancelled;)
{
	AX_BEGIN;
	for (self->i = 0; self->i < 8; self->i++)
		self->h[self->i] = AX_SPAWN(AX_CALL(spin_yield, .started = &self->started));
	while (atomic_load(&self->started) < 8)
		AX_AWAIT(ax_yield());
	for (self->i = 0; self->i < 8; self->i++)
		ax_task_abort(self->h[self->i]);
	for (self->i = 0; self->i < 8; self->i++) {
		AX_AWAIT_TO(self->r, ax_join(self->h[self->i]));
		self->cancelled += self->r.err == -ECANCELED;
	}
	AX_RETURN(self->cancelled);
	AX_END;
}

/* Tasks yielding on every worker (and stolen back and forth) are
 * aborted from another: each ends cancelled. */
START_TEST(test_abort_across_workers)
{
	for (int round = 0; round < 20; round++) {
		ax_rt *rt = mt_rt(2 + round % 3, AX_CLOCK_REAL);
		{
			long got = AX_BLOCK_ON(rt, AX_CALL(abort_spinners));
			ck_assert_int_eq(got, 8);
		}
		TEST_RT_END_FREED(rt);
	}
}
END_TEST

/* Runtimes freed while their workers sleep, while they run, and with
 * tasks that can never finish: ax_rt_free stops the workers and drops
 * those tasks. */
AX_ASYNC(leave_waiters, int, ax_notify *n; int i;)
{
	AX_BEGIN;
	for (self->i = 0; self->i < 100; self->i++)
		AX_SPAWN_DETACHED(AX_CALL(wait_never, .n = self->n));
	AX_RETURN(0);
	AX_END;
}

START_TEST(test_shutdown)
{
	for (int round = 0; round < 50; round++) {
		ax_rt *rt = mt_rt(1 + round % 4 + (round % 4 == 0), AX_CLOCK_REAL);
		if (round % 2 == 0) {
			ck_assert_int_eq(ax_rt_free(rt), 0);
			continue;
		}
		ax_notify *n = ax_notify_new();
		{
			long got = AX_BLOCK_ON(rt, AX_CALL(leave_waiters, .n = n));
			ck_assert_int_eq(got, 0);
		}
		ck_assert_int_eq(ax_rt_free(rt), 100);
		ax_notify_free(n);
	}
}
END_TEST

/* ---- wakes from outside ------------------------------------------------ */

/* Tasks hand their wakers to plain threads, which wake them: the
 * remote queue, drained by whichever worker drives, with the others
 * running meanwhile. */
typedef struct outside {
	ax_waker *w;
	atomic_int go;
} outside;

static void *waker_thread(void *arg)
{
	outside *o = arg;
	while (!atomic_load(&o->go))
		sched_yield();
	ax_waker_wake(o->w);
	return NULL;
}

typedef struct woken_fut {
	ax_future base;
	int out;
	int state;
	pthread_t th;
	outside o;
} woken_fut;

static ax_poll_t woken_poll(ax_future *f, ax_cx *cx)
{
	woken_fut *w = (woken_fut *)(void *)f;
	if (w->state == 1) {
		if (!atomic_load(&w->o.go))
			return AX_PENDING;
		pthread_join(w->th, NULL);
		w->state = 2;
		w->out = 1;
		return AX_READY;
	}
	w->o.w = ax_waker_clone(cx->waker);
	atomic_init(&w->o.go, 0);
	ck_assert_int_eq(pthread_create(&w->th, NULL, waker_thread, &w->o), 0);
	w->state = 1;
	atomic_store(&w->o.go, 1);
	return AX_PENDING;
}

static const ax_future_vt woken_vt = AX_VT_OF(woken_fut, "woken", woken_poll, NULL, 0);

AX_ASYNC(woken_task, int, woken_fut f; int r;)
{
	AX_BEGIN;
	self->f = (woken_fut){ .base.vt = &woken_vt };
	AX_AWAIT_TO(self->r, self->f);
	AX_RETURN(self->r);
	AX_END;
}

AX_ASYNC(wake_storm, int, ax_task *h[64]; int i; ax_res r; int sum;)
{
	AX_BEGIN;
	for (self->i = 0; self->i < 64; self->i++)
		self->h[self->i] = AX_SPAWN(AX_CALL(woken_task));
	for (self->i = 0; self->i < 64; self->i++) {
		AX_AWAIT_TO(self->r, ax_join(self->h[self->i]));
		self->sum += (int)self->r.val;
	}
	AX_RETURN(self->sum);
	AX_END;
}

START_TEST(test_wakes_from_outside)
{
	for (int round = 0; round < 5; round++) {
		ax_rt *rt = mt_rt(2 + round % 2, round % 2 ? AX_CLOCK_VIRTUAL : AX_CLOCK_REAL);
		{
			long got = AX_BLOCK_ON(rt, AX_CALL(wake_storm));
			ck_assert_int_eq(got, 64);
		}
		TEST_RT_END_FREED(rt);
	}
}
END_TEST

/* ---- a token passed round a ring of tasks by their wakers ------------- */

/* Task i's turn comes when the token says i: it passes the token on and
 * wakes task i+1 through the waker that task published.  A wake that
 * arrives while its task is being polled on another worker (it published
 * its waker and has not yet returned Pending) must make the executor
 * poll it again; a lost one stops the ring (the test times out), and a
 * task must never be polled on two workers at once. */
enum { RING = 8, RING_PASSES = 40000 };
static atomic_ulong ring_token;
static ax_waker *_Atomic ring_waker[RING];
static atomic_int ring_in_poll[RING];
static atomic_int ring_twice;
static atomic_ulong ring_polls;
static atomic_int ring_ended;
static ax_notify *ring_all_ended; /* the detached ring: the last one ends */

typedef struct ring_task {
	ax_future base;
	int i;
} ring_task;

static ax_poll_t ring_poll(ax_future *f, ax_cx *cx)
{
	int i = ((ring_task *)(void *)f)->i;
	if (atomic_exchange(&ring_in_poll[i], 1))
		atomic_store(&ring_twice, 1);
	atomic_fetch_add(&ring_polls, 1);
	ax_poll_t r = AX_PENDING;
	ax_waker *mine = ax_waker_clone(cx->waker);
	ax_waker *old = atomic_exchange(&ring_waker[i], mine);
	if (old)
		ax_waker_drop(old);
	for (;;) {
		unsigned long tok = atomic_load(&ring_token);
		if (tok >= RING_PASSES) {
			r = AX_READY;
			break;
		}
		if (tok % RING != (unsigned long)i)
			break;
		atomic_store(&ring_token, tok + 1);
		/* The next task's waker, once it has published one (it will
		 * see the token when it does). */
		ax_waker *next = atomic_exchange(&ring_waker[(i + 1) % RING], NULL);
		if (next)
			ax_waker_wake(next);
		/* Sometimes wait for the next round with a yield as well. */
		if (tok % 3 == 0) {
			ax_waker_wake_by_ref(cx->waker);
			break;
		}
	}
	if (r == AX_READY) {
		/* Wake everyone still waiting: the ring is over. */
		for (int j = 0; j < RING; j++) {
			ax_waker *w = atomic_exchange(&ring_waker[j], NULL);
			if (w)
				ax_waker_wake(w);
		}
	}
	atomic_store(&ring_in_poll[i], 0);
	if (r == AX_READY && ring_all_ended && atomic_fetch_add(&ring_ended, 1) + 1 == RING)
		ax_notify_one(ring_all_ended);
	return r;
}

static const ax_future_vt ring_vt = AX_VT_NOOUT(ring_task, "ring_task", ring_poll, NULL);

/* Detached tasks are freed just after their last poll, on their worker:
 * wait (1 ms steps, up to 10 s) until the caller is the only task left,
 * so that TEST_RT_END_FREED finds none alive. */
AX_ASYNC(until_only_caller, int, int waited; ax_rt_stats s;)
{
	AX_BEGIN;
	for (self->waited = 0; self->waited < 10000; self->waited++) {
		ax_rt_stats_get(ax_rt_current(), &self->s);
		if (self->s.live_tasks <= 1)
			break;
		AX_AWAIT(ax_sleep_ms(1));
	}
	AX_RETURN(0);
	AX_END;
}

AX_ASYNC(ring_root, int, ax_task *h[RING]; int i; bool detached;)
{
	AX_BEGIN;
	if (self->detached) {
		/* Without handles: between wakes only the executor's reference
		 * and the published waker reach a task, which a worker then
		 * moves in and out of its poll without a read-modify-write
		 * only while the waker is not there (task_alone). */
		for (self->i = 0; self->i < RING; self->i++)
			ck_assert(AX_SPAWN_DETACHED(
				((ring_task){ .base.vt = &ring_vt, .i = self->i })));
		AX_AWAIT(ax_notified(ring_all_ended));
		AX_AWAIT(AX_CALL(until_only_caller));
		AX_RETURN(0);
	}
	for (self->i = 0; self->i < RING; self->i++) {
		self->h[self->i] =
			AX_SPAWN_DISCARD(((ring_task){ .base.vt = &ring_vt, .i = self->i }));
		ck_assert_ptr_nonnull(self->h[self->i]);
	}
	for (self->i = 0; self->i < RING; self->i++)
		AX_AWAIT(ax_join(self->h[self->i]));
	AX_RETURN(0);
	AX_END;
}

START_TEST(test_ring_of_wakes)
{
	for (int round = 0; round < 12; round++) {
		bool detached = round >= 6;
		atomic_store(&ring_token, 0);
		atomic_store(&ring_twice, 0);
		atomic_store(&ring_polls, 0);
		atomic_store(&ring_ended, 0);
		ring_all_ended = detached ? ax_notify_new() : NULL;
		ax_rt *rt = mt_rt(2 + round % 3, AX_CLOCK_REAL);
		{
			(void)AX_BLOCK_ON(rt, AX_CALL(ring_root, .detached = detached));
		}
		unsigned long passes = atomic_load(&ring_token), polls = atomic_load(&ring_polls);
		int twice = atomic_load(&ring_twice);
		ck_assert_uint_eq(passes, RING_PASSES);
		ck_assert_int_eq(twice, 0);
		ck_assert_uint_ge(polls, RING_PASSES);
		for (int j = 0; j < RING; j++)
			ck_assert_ptr_null(atomic_load(&ring_waker[j]));
		TEST_RT_END_FREED(rt);
		if (ring_all_ended) {
			ax_notify_free(ring_all_ended);
			ring_all_ended = NULL;
		}
	}
}
END_TEST

/* ---- handles let go while their tasks run and end on other workers ---- */

/* A task without a join waker is detached, finished and freed by
 * workers without the runtime lock, its memory handed back in batches:
 * every task still runs once, and the runtime counts none alive after
 * the last one's memory is back (ax_rt_free would say so otherwise). */
enum { DETACH_TASKS = 20000 };
static atomic_int detach_ran;

AX_ASYNC(detach_child, int, int i;)
{
	AX_BEGIN;
	if (self->i % 2)
		AX_AWAIT(ax_yield());
	atomic_fetch_add(&detach_ran, 1);
	AX_RETURN(self->i);
	AX_END;
}

AX_ASYNC(detach_root, int, int i; ax_task *h;)
{
	AX_BEGIN;
	for (self->i = 0; self->i < DETACH_TASKS; self->i++) {
		self->h = AX_SPAWN(AX_CALL(detach_child, .i = self->i));
		ck_assert_ptr_nonnull(self->h);
		if (self->i % 3 == 0)
			AX_AWAIT(ax_yield()); /* let it start on another worker */
		ax_task_detach(self->h);
	}
	while (atomic_load(&detach_ran) < DETACH_TASKS)
		AX_AWAIT(ax_yield());
	AX_RETURN(0);
	AX_END;
}

START_TEST(test_detach_while_running)
{
	for (int round = 0; round < 3; round++) {
		atomic_store(&detach_ran, 0);
		ax_rt *rt = mt_rt(2 + round, AX_CLOCK_REAL);
		{
			(void)AX_BLOCK_ON(rt, AX_CALL(detach_root));
		}
		int got = atomic_load(&detach_ran);
		ck_assert_int_eq(got, DETACH_TASKS);
		ax_rt_stats st;
		ax_rt_stats_get(rt, &st);
		ck_assert_uint_eq(st.spawned, DETACH_TASKS + 1);
		TEST_RT_END(rt);
	}
}
END_TEST

/* ---- task memory handed out again by the worker that freed it -------- */

/* Tasks of three sizes fill their bytes with their own number, yield,
 * and check that nothing else wrote there: a slot given to two live
 * tasks at once, or a small slot given to a bigger future, would show as
 * another task's bytes. */
enum { SLOT_ROUNDS = 40, SLOT_TASKS = 600 };
static atomic_int slot_bad, slot_done;

#define SLOT_TASK(name, bytes)                                                \
	typedef struct name {                                                 \
		ax_future base;                                               \
		int yielded;                                                  \
		unsigned char fill[bytes];                                    \
		unsigned char tag;                                            \
	} name;                                                               \
	static ax_poll_t name##_poll(ax_future *f, ax_cx *cx)                 \
	{                                                                     \
		name *t = (name *)(void *)f;                                  \
		if (!t->yielded) {                                            \
			memset(t->fill, t->tag, sizeof t->fill);              \
			t->yielded = 1;                                       \
			ax_waker_wake_by_ref(cx->waker);                      \
			return AX_PENDING;                                    \
		}                                                             \
		for (size_t i = 0; i < sizeof t->fill; i++)                   \
			if (t->fill[i] != t->tag)                             \
				atomic_store(&slot_bad, 1);                   \
		atomic_fetch_add(&slot_done, 1);                              \
		return AX_READY;                                              \
	}                                                                     \
	static const ax_future_vt name##_vt =                                 \
		AX_VT_NOOUT(name, #name, name##_poll, NULL)
SLOT_TASK(slot_small, 8);
SLOT_TASK(slot_mid, 100);
SLOT_TASK(slot_big, 700);

AX_ASYNC(slot_root, int, int round; int i;)
{
	AX_BEGIN;
	for (self->round = 0; self->round < SLOT_ROUNDS; self->round++) {
		atomic_store(&slot_done, 0);
		for (self->i = 0; self->i < SLOT_TASKS; self->i++) {
			unsigned char tag = (unsigned char)(self->i % 251 + 1);
			int ok;
			switch (self->i % 3) {
			case 0:
				ok = AX_SPAWN_DETACHED(((slot_small){ .base.vt = &slot_small_vt, .tag = tag }));
				break;
			case 1:
				ok = AX_SPAWN_DETACHED(((slot_mid){ .base.vt = &slot_mid_vt, .tag = tag }));
				break;
			default:
				ok = AX_SPAWN_DETACHED(((slot_big){ .base.vt = &slot_big_vt, .tag = tag }));
				break;
			}
			ck_assert(ok);
		}
		while (atomic_load(&slot_done) < SLOT_TASKS)
			AX_AWAIT(ax_yield());
	}
	AX_RETURN(0);
	AX_END;
}

START_TEST(test_slots_reused_by_size)
{
	for (int workers = 2; workers <= 4; workers += 2) {
		atomic_store(&slot_bad, 0);
		ax_rt *rt = mt_rt(workers, AX_CLOCK_REAL);
		{
			(void)AX_BLOCK_ON(rt, AX_CALL(slot_root));
		}
		int bad = atomic_load(&slot_bad);
		ck_assert_int_eq(bad, 0);
		ax_rt_stats st;
		ax_rt_stats_get(rt, &st);
		ck_assert_uint_eq(st.spawned, (uint64_t)SLOT_ROUNDS * SLOT_TASKS + 1);
		TEST_RT_END(rt);
	}
}
END_TEST

/* ---- timers while the worker that drove them blocks ------------------- */

/* The worker that fires a timer and then runs the woken task, which
 * blocks its thread, hands the timers to another worker first: a sleep
 * of another task still ends on time, long before the block does.
 * (Judged by order, not by a time limit: the block lasts 1 s.) */
static atomic_int driver_blocked_over, driver_woke_late;

AX_ASYNC(driver_sleeper, int, int unused;)
{
	AX_BEGIN;
	AX_AWAIT(ax_sleep_ms(50));
	atomic_store(&driver_woke_late, atomic_load(&driver_blocked_over));
	AX_RETURN(0);
	AX_END;
}

AX_ASYNC(driver_blocker, int, int unused;)
{
	AX_BEGIN;
	AX_AWAIT(ax_sleep_ms(10));
	usleep(1000 * 1000);
	atomic_store(&driver_blocked_over, 1);
	AX_RETURN(0);
	AX_END;
}

AX_ASYNC(driver_root, int, ax_task *a; ax_task *b;)
{
	AX_BEGIN;
	self->a = AX_SPAWN(AX_CALL(driver_sleeper));
	self->b = AX_SPAWN(AX_CALL(driver_blocker));
	AX_AWAIT(ax_join(self->a));
	AX_AWAIT(ax_join(self->b));
	AX_RETURN(0);
	AX_END;
}

START_TEST(test_timers_go_on_while_a_worker_blocks)
{
	for (int workers = 2; workers <= 4; workers += 2) {
		atomic_store(&driver_blocked_over, 0);
		atomic_store(&driver_woke_late, -1);
		ax_rt *rt = mt_rt(workers, AX_CLOCK_REAL);
		{
			(void)AX_BLOCK_ON(rt, AX_CALL(driver_root));
		}
		int late = atomic_load(&driver_woke_late);
		ck_assert_int_eq(late, 0);
		TEST_RT_END_FREED(rt);
	}
}
END_TEST

START_TEST(test_options)
{
	ck_assert_ptr_null(ax_rt_new(&(ax_rt_opts){ .workers = AX_MAX_WORKERS + 1 }));
	ck_assert_int_eq(errno, EINVAL);
	setenv("ASYNCLAB_WORKERS", "3", 1);
	ax_rt *rt = ax_rt_new(NULL);
	unsetenv("ASYNCLAB_WORKERS");
	ck_assert_ptr_nonnull(rt);
	ax_rt_stats st;
	ax_rt_stats_get(rt, &st);
	ck_assert_uint_eq(st.workers, 3);
	ck_assert_int_eq(ax_rt_free(rt), 0);
	rt = ax_rt_new(&(ax_rt_opts){ .workers = 0 });
	ax_rt_stats_get(rt, &st);
	ck_assert_uint_eq(st.workers, 1);
	ck_assert_int_eq(ax_rt_free(rt), 0);
}
END_TEST

/* ---- task sets, tokens, spawn_blocking and descriptors side by side --- */

static ax_val square_job(void *arg)
{
	long v = (long)(intptr_t)arg;
	return v * v;
}

typedef struct mixed {
	ax_token *tok;
	atomic_int waiting;
	int pipe_rd, pipe_wr;
} mixed;

/* A child: a job on the blocking pool, then a wait for the token. */
AX_ASYNC(child, long, mixed *m; long i; ax_val sq;)
{
	AX_BEGIN;
	AX_AWAIT_TO(self->sq, ax_spawn_blocking(square_job, (void *)(intptr_t)self->i));
	atomic_fetch_add(&self->m->waiting, 1);
	AX_AWAIT(ax_token_cancelled(self->m->tok));
	AX_RETURN((long)self->sq);
	AX_END;
}

AX_ASYNC(writer, long, mixed *m; int i; ax_io_t w; char b;)
{
	AX_BEGIN;
	for (self->i = 0; self->i < 64; self->i++) {
		self->b = (char)self->i;
		AX_AWAIT_TO(self->w.out, ax_write(self->m->pipe_wr, &self->b, 1));
		if (self->w.out != 1)
			AX_RETURN(-1);
	}
	AX_RETURN(0);
	AX_END;
}

AX_ASYNC(reader, long, mixed *m; long sum; long got; ssize_t r; char buf[16];)
{
	AX_BEGIN;
	while (self->got < 64) {
		AX_AWAIT_TO(self->r, ax_read(self->m->pipe_rd, self->buf, sizeof self->buf));
		if (self->r <= 0)
			AX_RETURN(-1);
		for (ssize_t k = 0; k < self->r; k++)
			self->sum += self->buf[k];
		self->got += self->r;
	}
	AX_RETURN(self->sum);
	AX_END;
}

AX_ASYNC(mixed_all, long, mixed *m; ax_taskset *ts; int i; ax_opt o; long sum; ax_task *w;
	 ax_task *r; ax_res rw; ax_res rr;)
{
	AX_BEGIN;
	self->ts = ax_taskset_new();
	for (self->i = 1; self->i <= 16; self->i++)
		AX_TASKSET_SPAWN(self->ts, AX_CALL(child, .m = self->m, .i = self->i));
	self->r = AX_SPAWN(AX_CALL(reader, .m = self->m));
	self->w = AX_SPAWN(AX_CALL(writer, .m = self->m));
	while (atomic_load(&self->m->waiting) < 16)
		AX_AWAIT(ax_sleep_ms(1));
	ax_token_cancel(self->m->tok);
	for (;;) {
		AX_AWAIT_TO(self->o, ax_taskset_join_next(self->ts));
		if (!self->o.some)
			break;
		self->sum += self->o.val;
	}
	ax_taskset_free(self->ts);
	AX_AWAIT_TO(self->rw, ax_join(self->w));
	AX_AWAIT_TO(self->rr, ax_join(self->r));
	if (self->rw.val != 0 || self->rr.val != 63 * 64 / 2)
		AX_RETURN(-1);
	AX_RETURN(self->sum);
	AX_END;
}

/* A task set of children that each wait for a job on the blocking pool
 * and then for a token, and a pipe between two tasks, with the workers
 * side by side: every output arrives. */
START_TEST(test_sets_tokens_jobs_pipes)
{
	for (int round = 0; round < 10; round++) {
		ax_rt *rt = mt_rt(2 + round % 3, AX_CLOCK_REAL);
		int fds[2];
		ck_assert_int_eq(pipe2(fds, O_NONBLOCK | O_CLOEXEC), 0);
		mixed m = { .tok = ax_token_new(), .pipe_rd = fds[0], .pipe_wr = fds[1] };
		{
			long got = AX_BLOCK_ON(rt, AX_CALL(mixed_all, .m = &m));
			ck_assert_int_eq(got, 16L * 17 * 33 / 6); /* the sum of the squares 1..16 */
		}
		ax_token_free(m.tok);
		close(fds[0]);
		close(fds[1]);
		TEST_RT_END_FREED(rt);
	}
}
END_TEST

/* ---- taking turns on the virtual clock -------------------------------- */

/* Tasks that log their steps, and the thread of each poll. */
static char order_log[256];
static int order_len;
static pthread_t poll_threads[256];

AX_ASYNC(stepper, int, char name; int i;)
{
	AX_BEGIN;
	for (self->i = 0; self->i < 4; self->i++) {
		if (order_len < 255) {
			poll_threads[order_len] = pthread_self();
			order_log[order_len++] = self->name;
		}
		if (self->i % 2)
			AX_AWAIT(ax_sleep_ms((uint64_t)(self->name - 'a' + 1)));
		else
			AX_AWAIT(ax_yield());
	}
	AX_RETURN(0);
	AX_END;
}

AX_ASYNC(steppers, int, ax_task *h[6]; int i; ax_res r;)
{
	AX_BEGIN;
	for (self->i = 0; self->i < 6; self->i++)
		self->h[self->i] = AX_SPAWN(AX_CALL(stepper, .name = (char)('a' + self->i)));
	for (self->i = 0; self->i < 6; self->i++)
		AX_AWAIT_TO(self->r, ax_join(self->h[self->i]));
	AX_RETURN(0);
	AX_END;
}

static void run_steppers(int workers, uint64_t seed, char *out, int *threads)
{
	order_len = 0;
	ax_rt *rt = ax_rt_new(&(ax_rt_opts){ .clock = AX_CLOCK_VIRTUAL, .seed = seed,
					     .workers = workers });
	ck_assert_ptr_nonnull(rt);
	{
		long got = AX_BLOCK_ON(rt, AX_CALL(steppers));
		ck_assert_int_eq(got, 0);
	}
	TEST_RT_END_FREED(rt);
	order_log[order_len] = '\0';
	strcpy(out, order_log);
	int distinct = 0;
	for (int i = 0; i < order_len; i++) {
		int seen = 0;
		for (int j = 0; j < i; j++)
			seen |= pthread_equal(poll_threads[i], poll_threads[j]);
		distinct += !seen;
	}
	*threads = distinct;
}

/* With the virtual clock the workers take turns on one queue: a run
 * with N workers gives exactly the one-worker order for its seed (so it
 * is as reproducible), while its polls move between the threads. */
START_TEST(test_turns_reproduce_one_worker_order)
{
	for (uint64_t seed = 0; seed < 6; seed++) {
		char one[256], two[256], four[256];
		int th1, th2, th4;
		run_steppers(1, seed, one, &th1);
		run_steppers(2, seed, two, &th2);
		run_steppers(4, seed, four, &th4);
		ck_assert_int_eq((int)strlen(one), 24);
		ck_assert_str_eq(two, one);
		ck_assert_str_eq(four, one);
		ck_assert_int_eq(th1, 1);
		ck_assert_int_ge(th2, 2);
		ck_assert_int_ge(th4, 2);
	}
	/* Seeds do reorder (the check above is not of one fixed order). */
	char a[256], b[256];
	int t;
	run_steppers(2, 0, a, &t);
	run_steppers(2, 3, b, &t);
	ck_assert_str_ne(a, b);
}
END_TEST

static Suite *mt_suite(void)
{
	Suite *s = suite_create("mt");
	TCase *tc = tcase_create("workers");
	tcase_add_test(tc, test_options);
	tcase_add_test(tc, test_each_task_once);
	tcase_add_test(tc, test_blocking_task_leaves_others_running);
	tcase_add_test(tc, test_mutex_across_workers);
	tcase_add_test(tc, test_channel_across_workers);
	tcase_add_test(tc, test_channels_between_workers);
	tcase_add_test(tc, test_counts_of_tasks_workers_spawn);
	tcase_add_test(tc, test_semaphore_across_workers);
	tcase_add_test(tc, test_virtual_clock);
	tcase_add_test(tc, test_real_clock_sleeps);
	tcase_add_test(tc, test_deadlock_found);
	tcase_add_test(tc, test_abort_across_workers);
	tcase_add_test(tc, test_shutdown);
	tcase_add_test(tc, test_wakes_from_outside);
	tcase_add_test(tc, test_ring_of_wakes);
	tcase_add_test(tc, test_detach_while_running);
	tcase_add_test(tc, test_slots_reused_by_size);
	tcase_add_test(tc, test_timers_go_on_while_a_worker_blocks);
	tcase_add_test(tc, test_sets_tokens_jobs_pipes);
	tcase_add_test(tc, test_turns_reproduce_one_worker_order);
	tcase_set_timeout(tc, 300);
	suite_add_tcase(s, tc);
	return s;
}

TEST_MAIN(mt_suite)
