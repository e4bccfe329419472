/* check_waker.c - wakers held outside the executor: a task whose waker
 * another thread holds is waiting, not deadlocked, on either clock; a
 * waker that can no longer come back (dropped, or kept by a program with
 * no other thread) still ends the run with -EDEADLK. */
#define _GNU_SOURCE
#include "../testutil.h"

#include <asynclab/instrument.h>
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <time.h>

static ax_rt *rt_on(ax_clock clock)
{
	ax_rt *rt = ax_rt_new(&(ax_rt_opts){ .clock = clock });
	ck_assert_ptr_nonnull(rt);
	return rt;
}

static uint64_t mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static void sleep_ms(unsigned ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };
	while (nanosleep(&ts, &ts) != 0)
		;
}

/* A future that hands a clone of its waker to a thread of its own, which
 * sleeps `ms` of real time and then does `how` with it. */
enum { DO_WAKE, DO_WAKE_BY_REF, DO_DROP, DO_CLONE_WAKE, DO_NOTHING };
typedef struct held_fut {
	ax_future base;
	int out;
	int how;
	unsigned ms;
	pthread_t th;
	atomic_int fired;
	ax_waker *w;
} held_fut;

static void *holder(void *arg)
{
	held_fut *h = arg;
	ax_waker *w = h->w;
	sleep_ms(h->ms);
	switch (h->how) {
	case DO_WAKE:
		atomic_store(&h->fired, 1);
		ax_waker_wake(w);
		break;
	case DO_WAKE_BY_REF:
		atomic_store(&h->fired, 1);
		ax_waker_wake_by_ref(w);
		sleep_ms(20);
		ax_waker_drop(w);
		break;
	case DO_CLONE_WAKE: {
		/* A clone made here, of the clone: the first goes, the
		 * second wakes. */
		ax_waker *c = ax_waker_clone(w);
		ax_waker_drop(w);
		sleep_ms(h->ms);
		atomic_store(&h->fired, 1);
		ax_waker_wake(c);
		break;
	}
	case DO_DROP:
		ax_waker_drop(w);
		break;
	case DO_NOTHING:
		break;
	}
	return NULL;
}

/* The task's copy of the future is not the caller's: the thread and the
 * waker started last, for a test that ends without the future. */
static pthread_t last_th;
static ax_waker *last_w;

static ax_poll_t held_poll(ax_future *f, ax_cx *cx)
{
	held_fut *h = (held_fut *)(void *)f;
	if (!h->w) {
		h->w = ax_waker_clone(cx->waker);
		ck_assert(ax_waker_will_wake(h->w, cx->waker));
		ck_assert_int_eq(pthread_create(&h->th, NULL, holder, h), 0);
		last_th = h->th;
		last_w = h->w;
		return AX_PENDING;
	}
	if (!atomic_load(&h->fired))
		return AX_PENDING; /* spurious: the thread still has it */
	pthread_join(h->th, NULL);
	h->out = 7;
	return AX_READY;
}

static const ax_future_vt held_vt = AX_VT_OF(held_fut, "held", held_poll, NULL, 0);

static int run_held(ax_clock clock, int how, unsigned ms, uint64_t *took_ms)
{
	ax_rt *rt = rt_on(clock);
	held_fut f = { .base.vt = &held_vt, .how = how, .ms = ms };
	int out = -1;
	uint64_t t0 = mono_ms();
	int r = AX_BLOCK_ON_TO(rt, out, f);
	*took_ms = mono_ms() - t0;
	if (r == 0) {
		ck_assert_int_eq(out, 7);
		ax_rt_stats st;
		ax_rt_stats_get(rt, &st);
		if (clock == AX_CLOCK_VIRTUAL)
			ck_assert_uint_eq(st.now_ns, 0); /* no timer: time stood */
		TEST_RT_END_FREED(rt);
	} else {
		ax_rt_free(rt);
		pthread_join(last_th, NULL);
	}
	return r;
}

/* A thread wakes the task after 300 ms of real time: the run waits. */
START_TEST(test_thread_wakes_later)
{
	ax_clock clock = _i ? AX_CLOCK_VIRTUAL : AX_CLOCK_REAL;
	uint64_t took;
	ck_assert_int_eq(run_held(clock, DO_WAKE, 300, &took), 0);
	ck_assert_uint_ge(took, 290);
}
END_TEST

START_TEST(test_thread_wakes_by_ref)
{
	ax_clock clock = _i ? AX_CLOCK_VIRTUAL : AX_CLOCK_REAL;
	uint64_t took;
	ck_assert_int_eq(run_held(clock, DO_WAKE_BY_REF, 250, &took), 0);
}
END_TEST

/* The thread clones the waker it was given and wakes that clone. */
START_TEST(test_thread_clone_of_clone)
{
	ax_clock clock = _i ? AX_CLOCK_VIRTUAL : AX_CLOCK_REAL;
	uint64_t took;
	ck_assert_int_eq(run_held(clock, DO_CLONE_WAKE, 150, &took), 0);
	ck_assert_uint_ge(took, 290);
}
END_TEST

/* The thread drops the waker without waking: from then on nothing can
 * wake the task, and the run says so. */
START_TEST(test_thread_drops_waker)
{
	ax_clock clock = _i ? AX_CLOCK_VIRTUAL : AX_CLOCK_REAL;
	uint64_t took;
	ck_assert_int_eq(run_held(clock, DO_DROP, 300, &took), -EDEADLK);
	ck_assert_uint_ge(took, 290);
	ck_assert_uint_lt(took, 2000);
}
END_TEST

/* The thread ends while still holding the waker (leaked): once it is
 * gone, no other thread is left to wake the task. */
START_TEST(test_thread_exits_holding)
{
	ax_clock clock = _i ? AX_CLOCK_VIRTUAL : AX_CLOCK_REAL;
	ax_rt *rt = rt_on(clock);
	held_fut f = { .base.vt = &held_vt, .how = DO_NOTHING, .ms = 300 };
	uint64_t t0 = mono_ms();
	int out = -1;
	ck_assert_int_eq(AX_BLOCK_ON_TO(rt, out, f), -EDEADLK);
	(void)out;
	uint64_t took = mono_ms() - t0;
	ck_assert_uint_ge(took, 290);
	ck_assert_uint_lt(took, 2000);
	ck_assert_int_eq(ax_rt_free(rt), 1);
	pthread_join(last_th, NULL);
	ax_waker_drop(last_w); /* after the runtime: its zombie goes */
}
END_TEST

/* No other thread: a clone the program keeps and never wakes cannot
 * wake the task, and the deadlock is reported at once (virtual clock) or
 * after the usual grace (real clock). */
static ax_waker *kept;
static ax_poll_t keep_poll(ax_future *f, ax_cx *cx)
{
	(void)f;
	if (!kept)
		kept = ax_waker_clone(cx->waker);
	return AX_PENDING;
}
typedef struct keep_fut {
	ax_future base;
	int out;
} keep_fut;
static const ax_future_vt keep_vt = AX_VT_OF(keep_fut, "keep", keep_poll, NULL, 0);

START_TEST(test_single_thread_kept_clone)
{
	ax_clock clock = _i ? AX_CLOCK_VIRTUAL : AX_CLOCK_REAL;
	ax_rt *rt = rt_on(clock);
	kept = NULL;
	uint64_t t0 = mono_ms();
	int out = -1;
	ck_assert_int_eq(AX_BLOCK_ON_TO(rt, out, ((keep_fut){ .base.vt = &keep_vt })),
			 -EDEADLK);
	(void)out;
	uint64_t took = mono_ms() - t0;
	ck_assert_uint_lt(took, clock == AX_CLOCK_VIRTUAL ? 100 : 1000);
	ck_assert_ptr_nonnull(kept);
	ck_assert_int_eq(ax_rt_free(rt), 1);
	ax_waker_drop(kept); /* the zombie runtime goes with it */
	kept = NULL;
}
END_TEST

/* A thread instrumentation declares as its own never wakes a task: with
 * it running, a kept clone is still a deadlock. */
static atomic_int quiet_stop;
static void *quiet_main(void *arg)
{
	(void)arg;
	while (!atomic_load(&quiet_stop))
		sleep_ms(5);
	return NULL;
}

START_TEST(test_quiet_thread_not_counted)
{
	pthread_t q;
	atomic_store(&quiet_stop, 0);
	ck_assert_int_eq(pthread_create(&q, NULL, quiet_main, NULL), 0);
	ax_instrument_quiet_threads(1);
	ax_rt *rt = rt_on(AX_CLOCK_VIRTUAL);
	kept = NULL;
	uint64_t t0 = mono_ms();
	int out = -1;
	ck_assert_int_eq(AX_BLOCK_ON_TO(rt, out, ((keep_fut){ .base.vt = &keep_vt })),
			 -EDEADLK);
	(void)out;
	ck_assert_uint_lt(mono_ms() - t0, 100);
	ck_assert_int_eq(ax_rt_free(rt), 1);
	ax_waker_drop(kept);
	kept = NULL;
	atomic_store(&quiet_stop, 1);
	pthread_join(q, NULL);
	ax_instrument_quiet_threads(-1);
}
END_TEST

/* Wakers the runtime keeps for itself (a timer's, here) are not the
 * program's: another thread alive does not keep a run whose only task
 * waits on a notify nobody holds from ending. */
static ax_notify *lonely;
AX_ASYNC(waits_notify, int, int unused;)
{
	AX_BEGIN;
	AX_AWAIT(ax_sleep(MS(5)));
	AX_AWAIT(ax_notified(lonely));
	AX_RETURN(1);
	AX_END;
}

START_TEST(test_runtime_wakers_not_counted)
{
	pthread_t q;
	atomic_store(&quiet_stop, 0);
	ck_assert_int_eq(pthread_create(&q, NULL, quiet_main, NULL), 0);
	ax_rt *rt = rt_on(AX_CLOCK_VIRTUAL);
	lonely = ax_notify_new();
	uint64_t t0 = mono_ms();
	int out = -1;
	ck_assert_int_eq(AX_BLOCK_ON_TO(rt, out, AX_CALL(waits_notify)), -EDEADLK);
	(void)out;
	ck_assert_uint_lt(mono_ms() - t0, 100);
	ck_assert_int_eq(ax_rt_free(rt), 1);
	ax_notify_free(lonely);
	atomic_store(&quiet_stop, 1);
	pthread_join(q, NULL);
}
END_TEST

/* Stress: many tasks, each woken several times by a pool of threads
 * after short random delays (wake or wake_by_ref, sometimes through a
 * clone made on the pool's thread). */
#define S_TASKS 48
#define S_ROUNDS 4
#define S_THREADS 4
typedef struct req {
	ax_waker *w;
	atomic_int *done;
} req;
static struct {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	req q[S_TASKS];
	int head, len;
	int stop;
	uint64_t seed;
} pool = { .lock = PTHREAD_MUTEX_INITIALIZER, .cond = PTHREAD_COND_INITIALIZER };

static void pool_push(ax_waker *w, atomic_int *done)
{
	pthread_mutex_lock(&pool.lock);
	ck_assert_int_lt(pool.len, S_TASKS);
	pool.q[(pool.head + pool.len++) % S_TASKS] = (req){ w, done };
	pthread_cond_signal(&pool.cond);
	pthread_mutex_unlock(&pool.lock);
}

static void *pool_main(void *arg)
{
	uint64_t s = (uint64_t)(uintptr_t)arg * 0x9E3779B97F4A7C15ull + 1;
	for (;;) {
		pthread_mutex_lock(&pool.lock);
		while (!pool.len && !pool.stop)
			pthread_cond_wait(&pool.cond, &pool.lock);
		if (!pool.len) {
			pthread_mutex_unlock(&pool.lock);
			return NULL;
		}
		req r = pool.q[pool.head];
		pool.head = (pool.head + 1) % S_TASKS;
		pool.len--;
		pthread_mutex_unlock(&pool.lock);
		s = s * 6364136223846793005ull + 1442695040888963407ull;
		struct timespec ts = { 0, (long)((s >> 33) % 3000) * 1000L };
		nanosleep(&ts, NULL);
		atomic_store(r.done, 1);
		switch ((s >> 20) % 3) {
		case 0:
			ax_waker_wake(r.w);
			break;
		case 1:
			ax_waker_wake_by_ref(r.w);
			ax_waker_drop(r.w);
			break;
		default: {
			ax_waker *c = ax_waker_clone(r.w);
			ax_waker_drop(r.w);
			ax_waker_wake(c);
			break;
		}
		}
	}
}

typedef struct stress_fut {
	ax_future base;
	int out;
	int round;
	int waiting;
	atomic_int done;
} stress_fut;

static ax_poll_t stress_poll(ax_future *f, ax_cx *cx)
{
	stress_fut *s = (stress_fut *)(void *)f;
	if (s->waiting) {
		if (!atomic_load(&s->done))
			return AX_PENDING;
		s->waiting = 0;
		if (++s->round == S_ROUNDS) {
			s->out = s->round;
			return AX_READY;
		}
	}
	atomic_store(&s->done, 0);
	s->waiting = 1;
	pool_push(ax_waker_clone(cx->waker), &s->done);
	return AX_PENDING;
}
static const ax_future_vt stress_vt = AX_VT_OF(stress_fut, "stress", stress_poll, NULL, 0);

AX_ASYNC(stress_main, int, ax_task *h[S_TASKS]; int i; ax_res r; int sum;)
{
	AX_BEGIN;
	for (self->i = 0; self->i < S_TASKS; self->i++)
		self->h[self->i] = AX_SPAWN(((stress_fut){ .base.vt = &stress_vt }));
	for (self->i = 0; self->i < S_TASKS; self->i++) {
		AX_AWAIT_TO(self->r, ax_join(self->h[self->i]));
		ck_assert_int_eq(self->r.err, 0);
		ck_assert_int_eq(self->r.val, S_ROUNDS);
		self->sum += (int)self->r.val;
	}
	AX_RETURN(self->sum);
	AX_END;
}

START_TEST(test_stress_pool_wakes)
{
	ax_clock clock = _i ? AX_CLOCK_VIRTUAL : AX_CLOCK_REAL;
	pthread_t th[S_THREADS];
	pool.stop = 0;
	pool.head = pool.len = 0;
	for (int i = 0; i < S_THREADS; i++)
		ck_assert_int_eq(pthread_create(&th[i], NULL, pool_main, (void *)(uintptr_t)(i + 1)), 0);
	for (int rep = 0; rep < 3; rep++) {
		ax_rt *rt = rt_on(clock);
		int out = -1;
		ck_assert_int_eq(AX_BLOCK_ON_TO(rt, out, AX_CALL(stress_main)), 0);
		ck_assert_int_eq(out, S_ROUNDS * S_TASKS);
		/* A finished task may still be kept by a pool thread that
		 * has yet to let its waker go (perhaps after the free). */
		TEST_RT_END(rt);
	}
	pthread_mutex_lock(&pool.lock);
	pool.stop = 1;
	pthread_cond_broadcast(&pool.cond);
	pthread_mutex_unlock(&pool.lock);
	for (int i = 0; i < S_THREADS; i++)
		pthread_join(th[i], NULL);
}
END_TEST

static Suite *waker_suite(void)
{
	Suite *s = suite_create("waker");
	TCase *tc = tcase_create("held_outside");
	tcase_set_timeout(tc, 20);
	/* Loop index 0: real clock, 1: virtual clock. */
	tcase_add_loop_test(tc, test_thread_wakes_later, 0, 2);
	tcase_add_loop_test(tc, test_thread_wakes_by_ref, 0, 2);
	tcase_add_loop_test(tc, test_thread_clone_of_clone, 0, 2);
	tcase_add_loop_test(tc, test_thread_drops_waker, 0, 2);
	tcase_add_loop_test(tc, test_thread_exits_holding, 0, 2);
	tcase_add_loop_test(tc, test_single_thread_kept_clone, 0, 2);
	tcase_add_test(tc, test_quiet_thread_not_counted);
	tcase_add_test(tc, test_runtime_wakers_not_counted);
	tcase_add_loop_test(tc, test_stress_pool_wakes, 0, 2);
	suite_add_tcase(s, tc);
	return s;
}

TEST_MAIN(waker_suite)
