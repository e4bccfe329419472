/* check_blocking.c - the spawn_blocking pool: results and wakes from
 * worker threads, the thread bound, lazy start and join, the bounded
 * queue, virtual time held still while a job runs, and cancellation before
 * and during a job. */
#define _GNU_SOURCE /* dladdr, RTLD_NEXT */
#include "../testutil.h"

#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static ax_rt *real_rt(int threads, int queue)
{
	ax_rt_opts o = { .clock = AX_CLOCK_REAL, .blocking_threads = threads,
			 .blocking_queue = queue };
	ax_rt *rt = ax_rt_new(&o);
	ck_assert_ptr_nonnull(rt);
	return rt;
}

static uint64_t mono_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void sleep_real_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* Pool workers alive in this process, by thread name (sanitizers start
 * threads of their own, so the plain count would not do). */
static int thread_count(void)
{
	DIR *d = opendir("/proc/self/task");
	ck_assert_ptr_nonnull(d);
	int n = 0;
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		char path[300], name[32] = "";
		snprintf(path, sizeof path, "/proc/self/task/%s/comm", e->d_name);
		FILE *f = fopen(path, "r");
		if (!f)
			continue;
		if (fgets(name, sizeof name, f) && !strcmp(name, "ax-blocking\n"))
			n++;
		fclose(f);
	}
	closedir(d);
	return n;
}

/* The count once threads that were joined have left /proc: pthread_join
 * returns when a thread has cleared its tid, a little before the kernel
 * removes its /proc/self/task entry, and on a busy machine (or under
 * valgrind, which runs one thread at a time) a test can look in between.
 * Only such exited threads are waited for: a count above want that stays
 * there for seconds is returned as it is. */
static int thread_count_settled(int want)
{
	int n = thread_count();
	for (int i = 0; n > want && i < 5000; i++) {
		sleep_real_ms(1);
		n = thread_count();
	}
	return n;
}

/* A job that reports where it ran. */
typedef struct where {
	pthread_t thread;
	ax_task *task_seen; /* ax_task_current() inside the job */
	ax_rt *rt_seen;
	long arg;
} where;

static ax_val job_where(void *arg)
{
	where *w = arg;
	w->thread = pthread_self();
	w->task_seen = ax_task_current();
	w->rt_seen = ax_rt_current();
	sleep_real_ms(5); /* the task is parked by the time it ends */
	return w->arg * 2;
}

AX_ASYNC(await_where, long, where *w; long v;)
{
	AX_BEGIN;
	AX_AWAIT_TO(self->v, ax_spawn_blocking(job_where, self->w));
	AX_RETURN(self->v);
	AX_END;
}

START_TEST(test_job_wakes_from_other_thread)
{
	ax_rt *rt = real_rt(2, 0);
	where w = { .arg = 21, .task_seen = (ax_task *)1, .rt_seen = (ax_rt *)1 };
	long r = AX_BLOCK_ON(rt, AX_CALL(await_where, .w = &w));
	ck_assert_int_eq(r, 42);
	ck_assert(!pthread_equal(w.thread, pthread_self()));
	/* A worker is never "inside a poll" nor on the runtime. */
	ck_assert_ptr_null(w.task_seen);
	ck_assert_ptr_null(w.rt_seen);
	ax_rt_stats st;
	ax_rt_stats_get(rt, &st);
	ck_assert_uint_eq(st.blocking_jobs, 0);
	TEST_RT_END(rt);
}
END_TEST

/* Concurrency bound: N jobs, K threads. */
static atomic_int running, max_running, started_total;

static ax_val job_count(void *arg)
{
	int now = atomic_fetch_add(&running, 1) + 1;
	int m = atomic_load(&max_running);
	while (now > m && !atomic_compare_exchange_weak(&max_running, &m, now))
		;
	atomic_fetch_add(&started_total, 1);
	sleep_real_ms(10);
	atomic_fetch_sub(&running, 1);
	return (ax_val)(intptr_t)arg;
}

AX_ASYNC(one_job, long, long i; long v;)
{
	AX_BEGIN;
	AX_AWAIT_TO(self->v, ax_spawn_blocking(job_count, (void *)(intptr_t)self->i));
	AX_RETURN(self->v);
	AX_END;
}

#define NJOBS 12
AX_ASYNC(many_jobs, long, ax_task *h[NJOBS]; int i; ax_res r; long sum;
	 uint64_t max_inflight;)
{
	AX_BEGIN;
	for (self->i = 0; self->i < NJOBS; self->i++)
		self->h[self->i] = AX_SPAWN(AX_CALL(one_job, .i = self->i + 1));
	AX_AWAIT(ax_yield()); /* every child has submitted its job */
	{
		ax_rt_stats st;
		ax_rt_stats_get(ax_rt_current(), &st);
		self->max_inflight = st.blocking_jobs;
	}
	for (self->i = 0; self->i < NJOBS; self->i++) {
		AX_AWAIT_TO(self->r, ax_join(self->h[self->i]));
		ck_assert_int_eq(self->r.err, 0);
		ck_assert_int_eq(self->r.val, self->i + 1);
		self->sum += self->r.val;
	}
	AX_RETURN(self->sum);
	AX_END;
}

START_TEST(test_pool_bound)
{
	ax_rt *rt = real_rt(3, 0);
	long sum = AX_BLOCK_ON(rt, AX_CALL(many_jobs));
	ck_assert_int_eq(sum, NJOBS * (NJOBS + 1) / 2);
	ck_assert_int_eq(atomic_load(&started_total), NJOBS);
	ck_assert_int_le(atomic_load(&max_running), 3);
	/* 10 ms jobs on sleeping threads do overlap: the pool is used. */
	ck_assert_int_ge(atomic_load(&max_running), 2);
	ck_assert_int_le(thread_count_settled(3), 3);
	TEST_RT_END(rt);
	ck_assert_int_eq(thread_count_settled(0), 0); /* workers joined */
}
END_TEST

/* A queue of 2 on one thread: at most 1 running + 2 queued count as in
 * flight; the rest wait, pending, and still all complete in order. */
static atomic_int order_next;
static int order_seen[NJOBS];

static ax_val job_order(void *arg)
{
	int i = atomic_fetch_add(&order_next, 1);
	order_seen[i] = (int)(intptr_t)arg;
	sleep_real_ms(1);
	return (ax_val)(intptr_t)arg;
}

AX_ASYNC(ordered_job, long, long i; long v;)
{
	AX_BEGIN;
	AX_AWAIT_TO(self->v, ax_spawn_blocking(job_order, (void *)(intptr_t)self->i));
	AX_RETURN(self->v);
	AX_END;
}

AX_ASYNC(queue_full, long, ax_task *h[NJOBS]; int i; ax_res r; long sum;)
{
	AX_BEGIN;
	for (self->i = 0; self->i < NJOBS; self->i++)
		self->h[self->i] = AX_SPAWN(AX_CALL(ordered_job, .i = self->i));
	AX_AWAIT(ax_yield());
	{
		ax_rt_stats st;
		ax_rt_stats_get(ax_rt_current(), &st);
		ck_assert_uint_ge(st.blocking_jobs, 1);
		ck_assert_uint_le(st.blocking_jobs, 3);
	}
	for (self->i = 0; self->i < NJOBS; self->i++) {
		AX_AWAIT_TO(self->r, ax_join(self->h[self->i]));
		self->sum += self->r.val;
	}
	AX_RETURN(self->sum);
	AX_END;
}

START_TEST(test_full_queue_waits)
{
	ax_rt *rt = real_rt(1, 2);
	long sum = AX_BLOCK_ON(rt, AX_CALL(queue_full));
	ck_assert_int_eq(sum, NJOBS * (NJOBS - 1) / 2);
	ck_assert_int_eq(atomic_load(&order_next), NJOBS);
	for (int i = 0; i < NJOBS; i++)
		ck_assert_int_eq(order_seen[i], i); /* FIFO, one thread */
	TEST_RT_END(rt);
}
END_TEST

/* Threads start on demand: none before the first job, one for jobs run
 * one after another. */
AX_ASYNC(sequential_jobs, long, int i; long v; long sum;)
{
	AX_BEGIN;
	for (self->i = 0; self->i < 4; self->i++) {
		AX_AWAIT_TO(self->v, ax_spawn_blocking(job_count, (void *)(intptr_t)1));
		self->sum += self->v;
	}
	AX_RETURN(self->sum);
	AX_END;
}

START_TEST(test_threads_start_lazily)
{
	ax_rt *rt = real_rt(4, 0);
	ck_assert_int_eq(thread_count_settled(0), 0);
	ck_assert_int_eq(AX_BLOCK_ON(rt, AX_CALL(sequential_jobs)), 4);
	ck_assert_int_eq(thread_count_settled(1), 1);
	TEST_RT_END(rt);
	ck_assert_int_eq(thread_count_settled(0), 0);
}
END_TEST

/* The workers once they have named themselves (each does as it starts):
 * waits, up to 5 s, for the count to reach want. */
static int thread_count_reached(int want)
{
	int n = thread_count();
	for (int i = 0; n < want && i < 5000; i++) {
		sleep_real_ms(1);
		n = thread_count();
	}
	return n;
}

/* ax_blocking_prestart starts the workers before any job, never beyond
 * the pool's size; the jobs then run on them without starting more. */
START_TEST(test_prestart)
{
	ax_rt *rt = real_rt(2, 0);
	ck_assert_int_eq(thread_count_settled(0), 0);
	ck_assert_int_eq(ax_blocking_prestart(rt, 5), 2);
	ck_assert_int_eq(thread_count_reached(2), 2);
	ck_assert_int_eq(ax_blocking_prestart(rt, 1), 2); /* already there */
	ck_assert_int_eq(AX_BLOCK_ON(rt, AX_CALL(sequential_jobs)), 4);
	ck_assert_int_eq(thread_count_settled(2), 2);
	TEST_RT_END(rt);
	ck_assert_int_eq(thread_count_settled(0), 0);
	ck_assert_int_eq(ax_blocking_prestart(NULL, 1), -EINVAL);
}
END_TEST

/* Virtual time does not jump while real work runs. */
static ax_val job_50ms(void *arg)
{
	(void)arg;
	sleep_real_ms(50);
	return 7;
}

START_TEST(test_virtual_time_waits_for_job)
{
	ax_rt *rt = test_rt(0);
	uint64_t t0 = mono_ns();
	ax_res r = AX_BLOCK_ON(rt, ax_timeout_ms(10, AX_BOX(ax_spawn_blocking(job_50ms, NULL))));
	uint64_t real = mono_ns() - t0;
	ck_assert_int_eq(r.err, 0);
	ck_assert_int_eq(r.val, 7);
	ck_assert_uint_ge(real, MS(45)); /* it really waited for the job */
	ck_assert_uint_lt(ax_now(), MS(10)); /* and time stood still */
	TEST_RT_END(rt);
}
END_TEST

/* Many short jobs under a virtual-clock timeout: the ordering between a
 * job's wake and the in-flight count must never let time jump. */
static ax_val job_quick(void *arg)
{
	return (ax_val)(intptr_t)arg;
}

AX_ASYNC(quick_loop, long, int i; ax_res r; long sum;)
{
	AX_BEGIN;
	for (self->i = 0; self->i < 200; self->i++) {
		AX_AWAIT_TO(self->r, ax_timeout_ms(1, AX_BOX(ax_spawn_blocking(
						   job_quick, (void *)(intptr_t)self->i))));
		ck_assert_int_eq(self->r.err, 0);
		self->sum += self->r.val;
		AX_AWAIT(ax_sleep_ms(1)); /* a timer is always pending */
	}
	AX_RETURN(self->sum);
	AX_END;
}

START_TEST(test_virtual_time_race)
{
	ax_rt *rt = test_rt(0);
	ck_assert_int_eq(AX_BLOCK_ON(rt, AX_CALL(quick_loop)), 199 * 200 / 2);
	ck_assert_uint_eq(ax_now(), MS(200));
	TEST_RT_END(rt);
}
END_TEST

/* A gated job: it runs until the test opens the gate, so that the tests
 * below know whether it is queued, running or finished, whatever the
 * speed of the build (TSan, valgrind). */
static atomic_int ran_flag, gate_started, gate_open, finished_flag;

static ax_val job_flag(void *arg)
{
	(void)arg;
	atomic_store(&ran_flag, 1);
	return 1;
}

static ax_val job_gate(void *arg)
{
	(void)arg;
	atomic_fetch_add(&gate_started, 1);
	while (!atomic_load(&gate_open))
		sleep_real_ms(1);
	atomic_store(&finished_flag, 1);
	return 5;
}

AX_ASYNC(gated, long, long v;)
{
	AX_BEGIN;
	AX_AWAIT_TO(self->v, ax_spawn_blocking(job_gate, NULL));
	AX_RETURN(self->v);
	AX_END;
}

/* Wait (real clock) until n gated jobs have started. */
AX_ASYNC(until_started, int, int n;)
{
	AX_BEGIN;
	while (atomic_load(&gate_started) < self->n)
		AX_AWAIT(ax_sleep_ms(1));
	AX_RETURN(0);
	AX_END;
}

static void *open_gate_later(void *arg)
{
	sleep_real_ms((long)(intptr_t)arg);
	atomic_store(&gate_open, 1);
	return NULL;
}

/* Cancellation before the job starts: it never runs. */
AX_ASYNC(cancel_queued, int, ax_task *busy; ax_res r; long v;)
{
	AX_BEGIN;
	/* Occupy the only worker. */
	self->busy = AX_SPAWN(AX_CALL(gated));
	AX_AWAIT(AX_CALL(until_started, .n = 1));
	AX_AWAIT_TO(self->r, ax_timeout_ms(10, AX_BOX(ax_spawn_blocking(job_flag, NULL))));
	ck_assert_int_eq(self->r.err, -ETIMEDOUT);
	{
		ax_rt_stats st;
		ax_rt_stats_get(ax_rt_current(), &st);
		ck_assert_uint_eq(st.blocking_jobs, 1); /* only the gated one */
	}
	atomic_store(&gate_open, 1);
	AX_AWAIT_TO(self->r, ax_join(self->busy));
	ck_assert_int_eq(self->r.val, 5);
	/* FIFO: had the cancelled job stayed queued it would run first. */
	AX_AWAIT_TO(self->v, ax_spawn_blocking(job_quick, (void *)(intptr_t)9));
	ck_assert_int_eq(self->v, 9);
	AX_RETURN(atomic_load(&ran_flag));
	AX_END;
}

START_TEST(test_drop_before_start_cancels)
{
	ax_rt *rt = real_rt(1, 0);
	ck_assert_int_eq(AX_BLOCK_ON(rt, AX_CALL(cancel_queued)), 0);
	ck_assert_int_eq(atomic_load(&finished_flag), 1);
	TEST_RT_END(rt);
	ck_assert_int_eq(atomic_load(&ran_flag), 0);
}
END_TEST

/* Dropping the future while its job runs: the job finishes, its result is
 * discarded, nothing is touched after free (ASan, valgrind).  With reuse
 * set, the runtime goes on to use the worker again. */
AX_ASYNC(drop_running, long, bool reuse; ax_task *h; ax_res r; long v;)
{
	AX_BEGIN;
	self->h = AX_SPAWN(AX_CALL(gated));
	AX_AWAIT(AX_CALL(until_started, .n = 1));
	ax_task_abort(self->h);
	AX_AWAIT_TO(self->r, ax_join(self->h));
	ck_assert_int_eq(self->r.err, -ECANCELED);
	{
		ax_rt_stats st;
		ax_rt_stats_get(ax_rt_current(), &st);
		ck_assert_uint_eq(st.blocking_jobs, 1); /* it still runs */
	}
	ck_assert_int_eq(atomic_load(&finished_flag), 0);
	if (!self->reuse)
		AX_RETURN(0);
	atomic_store(&gate_open, 1);
	AX_AWAIT_TO(self->v, ax_spawn_blocking(job_quick, (void *)(intptr_t)3));
	ck_assert_int_eq(atomic_load(&finished_flag), 1);
	AX_RETURN(self->v);
	AX_END;
}

START_TEST(test_drop_while_running)
{
	ax_rt *rt = real_rt(1, 0);
	ck_assert_int_eq(AX_BLOCK_ON(rt, AX_CALL(drop_running, .reuse = false)), 0);
	pthread_t th;
	pthread_create(&th, NULL, open_gate_later, (void *)(intptr_t)20);
	TEST_RT_END(rt); /* waits for the job */
	ck_assert_int_eq(atomic_load(&finished_flag), 1);
	pthread_join(th, NULL);
}
END_TEST

START_TEST(test_drop_while_running_then_reuse)
{
	ax_rt *rt = real_rt(1, 0);
	ck_assert_int_eq(AX_BLOCK_ON(rt, AX_CALL(drop_running, .reuse = true)), 3);
	TEST_RT_END(rt);
}
END_TEST

/* Free the runtime while jobs are queued and tasks still await them: the
 * queued jobs are cancelled, the running one finishes, the tasks are
 * dropped after the pool stopped, nothing leaks. */
AX_ASYNC(leave_jobs, int, int i;)
{
	AX_BEGIN;
	for (self->i = 0; self->i < 4; self->i++)
		ax_task_detach(AX_SPAWN(AX_CALL(gated)));
	for (self->i = 0; self->i < 4; self->i++)
		ax_task_detach(AX_SPAWN(AX_CALL(one_job, .i = 1)));
	AX_AWAIT(AX_CALL(until_started, .n = 1));
	AX_RETURN(0);
	AX_END;
}

START_TEST(test_free_with_jobs_queued)
{
	ax_rt *rt = real_rt(1, 2); /* 1 running, 2 queued, 5 waiting */
	ck_assert_int_eq(AX_BLOCK_ON(rt, AX_CALL(leave_jobs)), 0);
	ax_rt_stats st;
	ax_rt_stats_get(rt, &st);
	ck_assert_uint_eq(st.blocking_jobs, 3);
	ck_assert_uint_eq(st.live_tasks, 8);
	/* TEST_RT_END's checks, except that 8 tasks are still alive.  The
	 * gate opens once ax_rt_free has stopped the pool and waits for the
	 * running job. */
	ck_assert_uint_eq(st.timers, 0);
	ck_assert_uint_eq(st.io_waiters, 0);
	pthread_t th;
	pthread_create(&th, NULL, open_gate_later, (void *)(intptr_t)100);
	ck_assert_int_eq(ax_rt_free(rt), 8);
	pthread_join(th, NULL);
	ck_assert_uint_eq(ax_rt_stats_boxed(), 0);
	/* Only the job running at shutdown ran. */
	ck_assert_int_eq(atomic_load(&gate_started), 1);
	ck_assert_int_eq(atomic_load(&finished_flag), 1);
	ck_assert_int_eq(atomic_load(&started_total), 0);
	ck_assert_int_eq(thread_count_settled(0), 0);
}
END_TEST

/* No pthread_mutex_lock inside a poll: the checker reports a contended
 * one as a blocking call, and the pool must never cause a finding.  The
 * test program interposes the function (the library calls it through its
 * PLT); ThreadSanitizer interposes it itself, so that build skips this. */
#if defined(__SANITIZE_THREAD__)
#define INTERPOSE_LOCK 0
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define INTERPOSE_LOCK 0
#endif
#endif
#ifndef INTERPOSE_LOCK
#define INTERPOSE_LOCK 1
#endif

#if INTERPOSE_LOCK
#include <dlfcn.h>
static atomic_int locks_in_poll;
int pthread_mutex_lock(pthread_mutex_t *m);
int pthread_mutex_lock(pthread_mutex_t *m)
{
	static int (*real)(pthread_mutex_t *);
	if (!real)
		real = (int (*)(pthread_mutex_t *))dlsym(RTLD_NEXT, "pthread_mutex_lock");
	/* Only the library's calls count (Check locks in its assertions). */
	Dl_info di;
	if (ax_task_current() && dladdr(__builtin_return_address(0), &di) &&
	    di.dli_fname && strstr(di.dli_fname, "libasynclab"))
		atomic_fetch_add(&locks_in_poll, 1);
	return real(m);
}
#endif

START_TEST(test_no_mutex_lock_in_poll)
{
#if INTERPOSE_LOCK
	ax_rt *rt = real_rt(1, 2);
	atomic_store(&locks_in_poll, 0);
	/* Jobs queued, waiting for room, run, dropped while running. */
	ck_assert_int_eq(AX_BLOCK_ON(rt, AX_CALL(queue_full)), NJOBS * (NJOBS - 1) / 2);
	ck_assert_int_eq(AX_BLOCK_ON(rt, AX_CALL(drop_running, .reuse = true)), 3);
	ck_assert_int_eq(atomic_load(&locks_in_poll), 0);
	TEST_RT_END(rt);
#endif
}
END_TEST

/* The counters are per test; CK_FORK=no (valgrind-check) runs every test
 * in one process. */
static void reset_counters(void)
{
	atomic_store(&running, 0);
	atomic_store(&max_running, 0);
	atomic_store(&started_total, 0);
	atomic_store(&order_next, 0);
	atomic_store(&ran_flag, 0);
	atomic_store(&gate_started, 0);
	atomic_store(&gate_open, 0);
	atomic_store(&finished_flag, 0);
}

static Suite *blocking_suite(void)
{
	Suite *s = suite_create("blocking");
	TCase *tc = tcase_create("pool");
	tcase_set_timeout(tc, 30);
	tcase_add_checked_fixture(tc, reset_counters, NULL);
	tcase_add_test(tc, test_job_wakes_from_other_thread);
	tcase_add_test(tc, test_pool_bound);
	tcase_add_test(tc, test_full_queue_waits);
	tcase_add_test(tc, test_threads_start_lazily);
	tcase_add_test(tc, test_prestart);
	tcase_add_test(tc, test_virtual_time_waits_for_job);
	tcase_add_test(tc, test_virtual_time_race);
	tcase_add_test(tc, test_drop_before_start_cancels);
	tcase_add_test(tc, test_drop_while_running);
	tcase_add_test(tc, test_drop_while_running_then_reuse);
	tcase_add_test(tc, test_free_with_jobs_queued);
	tcase_add_test(tc, test_no_mutex_lock_in_poll);
	suite_add_tcase(s, tc);
	return s;
}

TEST_MAIN(blocking_suite)
