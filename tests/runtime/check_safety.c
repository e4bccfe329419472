/* check_safety.c - the runtime survives what a program does at its edges:
 * wakers used after the runtime is freed (on its thread and racing from
 * others), wakers held by other threads, deep nesting and allocation
 * failures. */
#include "../testutil.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

/* A future that keeps a clone of its waker in *slot and is then ready
 * (keep_pending: stays pending forever). */
typedef struct keep_fut {
	ax_future base;
	int out;
	ax_waker **slot;
	int pending;
} keep_fut;
static ax_poll_t keep_poll(ax_future *f, ax_cx *cx)
{
	keep_fut *k = (keep_fut *)(void *)f;
	if (!*k->slot)
		*k->slot = ax_waker_clone(cx->waker);
	if (k->pending)
		return AX_PENDING;
	k->out = 7;
	return AX_READY;
}
static const ax_future_vt keep_vt = AX_VT_OF(keep_fut, "keep", keep_poll, NULL, 0);

/* A waker kept past ax_rt_free: waking, cloning and dropping it does
 * nothing and frees what it kept once the last one goes. */
START_TEST(test_wake_after_free)
{
	ax_waker *kept = NULL;
	ax_rt *rt = test_rt(0);
	int r = AX_BLOCK_ON(rt, ((keep_fut){ .base.vt = &keep_vt, .slot = &kept }));
	ck_assert_int_eq(r, 7);
	ck_assert_ptr_nonnull(kept);
	ck_assert_int_eq(ax_rt_free(rt), 0);
	ax_waker_wake_by_ref(kept);
	ax_waker *again = ax_waker_clone(kept);
	ax_waker_wake(kept);
	ax_waker_wake_by_ref(again);
	ax_waker_drop(again);
}
END_TEST

/* The same for a task that was still pending (aborted by the free). */
AX_ASYNC(spawn_keeper, int, ax_waker **slot;)
{
	AX_BEGIN;
	ax_task_detach(AX_SPAWN(((keep_fut){ .base.vt = &keep_vt, .slot = self->slot,
					     .pending = 1 })));
	AX_AWAIT(ax_yield());
	AX_RETURN(1);
	AX_END;
}

START_TEST(test_wake_pending_after_free)
{
	ax_waker *kept = NULL;
	ax_rt *rt = test_rt(0);
	ck_assert_int_eq(AX_BLOCK_ON(rt, AX_CALL(spawn_keeper, .slot = &kept)), 1);
	ck_assert_ptr_nonnull(kept);
	ck_assert_int_eq(ax_rt_free(rt), 1); /* the keeper was still pending */
	ax_waker_wake(kept);
}
END_TEST

/* Another thread wakes the waker it holds over and over while the
 * runtime is freed under it; then drops it. */
typedef struct racer {
	ax_waker *w;
	atomic_int stop;
	atomic_int started;
} racer;
static void *racer_thread(void *arg)
{
	racer *r = arg;
	atomic_store(&r->started, 1);
	while (!atomic_load(&r->stop)) {
		ax_waker_wake_by_ref(r->w);
		ax_waker_drop(ax_waker_clone(r->w));
	}
	ax_waker_wake(r->w);
	return NULL;
}

START_TEST(test_wake_racing_free)
{
	for (int round = 0; round < 40; round++) {
		ax_waker *kept = NULL;
		ax_rt *rt = test_rt(0);
		ck_assert_int_eq(AX_BLOCK_ON(rt, AX_CALL(spawn_keeper, .slot = &kept)), 1);
		racer r = { .w = kept };
		pthread_t th;
		ck_assert_int_eq(pthread_create(&th, NULL, racer_thread, &r), 0);
		while (!atomic_load(&r.started))
			sched_yield();
		ck_assert_int_eq(ax_rt_free(rt), 1);
		atomic_store(&r.stop, 1);
		pthread_join(th, NULL);
	}
}
END_TEST

/* Allocation-failure injection (runtime/internal.h): the next N
 * allocations at the runtime's recoverable points fail. */
extern atomic_uint ax__fail_allocs;

AX_ASYNC(five, int, int unused;)
{
	AX_BEGIN;
	AX_RETURN(5);
	AX_END;
}

/* A join that cannot register its waker completes with -ENOMEM instead of
 * staying pending forever. */
AX_ASYNC(join_oom, ax_res, ax_task *h; ax_res r;)
{
	AX_BEGIN;
	self->h = AX_SPAWN(AX_CALL(five));
	atomic_store(&ax__fail_allocs, 1);
	AX_AWAIT_TO(self->r, ax_join(self->h));
	AX_RETURN(self->r);
	AX_END;
}

START_TEST(test_join_oom)
{
	ax_rt *rt = test_rt(0);
	ax_res r = AX_BLOCK_ON(rt, AX_CALL(join_oom));
	ck_assert_int_eq(r.err, -ENOMEM);
	ck_assert_uint_eq(atomic_load(&ax__fail_allocs), 0);
	ck_assert_int_eq(ax_rt_free(rt), 1); /* five had yet to run */
}
END_TEST

/* A root task that cannot be made: AX_BLOCK_ON_TO says -ENOMEM (the
 * root's record is the allocation that fails). */
START_TEST(test_block_on_oom)
{
	ax_rt *rt = test_rt(0);
	int v = -1;
	atomic_store(&ax__fail_allocs, 1);
	ck_assert_int_eq(AX_BLOCK_ON_TO(rt, v, AX_CALL(five)), -ENOMEM);
	ck_assert_int_eq(v, 0);
	ck_assert_uint_eq(atomic_load(&ax__fail_allocs), 0);
	ck_assert_int_eq(AX_BLOCK_ON_TO(rt, v, AX_CALL(five)), 0);
	ck_assert_int_eq(v, 5);
	TEST_RT_END(rt);
}
END_TEST

/* A task that finishes while its output cannot be kept: the await of its
 * handle says -ENOMEM instead of a silent zero. */
AX_ASYNC(output_oom, ax_res, ax_task *h; ax_res r;)
{
	AX_BEGIN;
	self->h = AX_SPAWN(AX_CALL(five));
	atomic_store(&ax__fail_allocs, 1);
	AX_AWAIT(ax_yield()); /* five finishes */
	ck_assert(ax_task_is_finished(self->h));
	AX_AWAIT_TO(self->r, ax_join(self->h));
	AX_RETURN(self->r);
	AX_END;
}

START_TEST(test_output_oom)
{
	ax_rt *rt = test_rt(0);
	ax_res r = AX_BLOCK_ON(rt, AX_CALL(output_oom));
	ck_assert_int_eq(r.err, -ENOMEM);
	TEST_RT_END(rt);
}
END_TEST

/* A wake from another thread while the remote queue cannot grow is kept
 * and delivered.  The thread runs during the poll and is joined before it
 * returns: no timing involved. */
typedef struct oom_wake_fut {
	ax_future base;
	int out;
	int polls;
	int wakes;
	ax_waker *w;
} oom_wake_fut;
static void *oom_waker(void *arg)
{
	oom_wake_fut *f = arg;
	atomic_store(&ax__fail_allocs, (unsigned)f->wakes);
	for (int i = 0; i < f->wakes; i++)
		ax_waker_wake_by_ref(f->w);
	ax_waker_drop(f->w);
	return NULL;
}
static ax_poll_t oom_wake_poll(ax_future *fut, ax_cx *cx)
{
	oom_wake_fut *f = (oom_wake_fut *)(void *)fut;
	if (f->polls++ > 0) {
		f->out = f->polls;
		return AX_READY;
	}
	f->w = ax_waker_clone(cx->waker);
	pthread_t th;
	ck_assert_int_eq(pthread_create(&th, NULL, oom_waker, f), 0);
	pthread_join(th, NULL);
	return AX_PENDING;
}
static const ax_future_vt oom_wake_vt =
	AX_VT_OF(oom_wake_fut, "oom_wake", oom_wake_poll, NULL, 0);

START_TEST(test_remote_wake_oom)
{
	/* 1 wake: a fallback slot; 3: more than one. */
	static const int wakes[] = { 1, 3 };
	for (size_t i = 0; i < sizeof wakes / sizeof *wakes; i++) {
		ax_rt *rt = test_rt(0);
		int r = AX_BLOCK_ON(rt, ((oom_wake_fut){ .base.vt = &oom_wake_vt,
							 .wakes = wakes[i] }));
		ck_assert_int_eq(r, 2);
		ck_assert_uint_eq(atomic_load(&ax__fail_allocs), 0);
		TEST_RT_END_FREED(rt);
	}
}
END_TEST

/* Futures nested n deep: each level joins the next with a yield. */
AX_ASYNC(nest, int, int n; ax_vals v;)
{
	AX_BEGIN;
	if (self->n == 0)
		AX_RETURN(1);
	AX_AWAIT_TO(self->v, AX_JOIN(AX_CALL(nest, .n = self->n - 1), ax_yield()));
	AX_RETURN((int)self->v.val[0] + 1);
	AX_END;
}

AX_ASYNC(nest_task, ax_res, int n; ax_task *h; ax_res r;)
{
	AX_BEGIN;
	self->h = AX_SPAWN_NAMED("deep", AX_CALL(nest, .n = self->n));
	AX_AWAIT_TO(self->r, ax_join(self->h));
	AX_RETURN(self->r);
	AX_END;
}

/* A nesting the stack holds runs as usual. */
START_TEST(test_nesting_within_bound)
{
	ax_rt *rt = test_rt(0);
	ax_res r = AX_BLOCK_ON(rt, AX_CALL(nest_task, .n = 300));
	ck_assert_int_eq(r.err, 0);
	ck_assert_int_eq(r.val, 301);
	TEST_RT_END_FREED(rt);
}
END_TEST

/* 30 000 nested joins would overflow the stack: the task ends with
 * -EOVERFLOW instead, and the program goes on.  It runs on a thread with
 * a 1 MB stack, so the limit is met after a few thousand levels (an 8 MB
 * stack takes minutes under ThreadSanitizer on a loaded machine). */
typedef struct nest_run {
	ax_res deep, shallow;
	ax_rt_stats st;
	int freed;
} nest_run;

static void *nest_thread(void *arg)
{
	nest_run *nr = arg;
	ax_rt *rt = test_rt(0);
	nr->deep = AX_BLOCK_ON(rt, AX_CALL(nest_task, .n = 30000));
	/* The runtime still works afterwards. */
	nr->shallow = AX_BLOCK_ON(rt, AX_CALL(nest_task, .n = 10));
	ax_rt_stats_get(rt, &nr->st);
	nr->freed = ax_rt_free(rt);
	return NULL;
}

START_TEST(test_nesting_overflow)
{
	pthread_attr_t a;
	pthread_t th;
	nest_run nr = { .freed = -1 };
	ck_assert_int_eq(pthread_attr_init(&a), 0);
	ck_assert_int_eq(pthread_attr_setstacksize(&a, 1024 * 1024), 0);
	ck_assert_int_eq(pthread_create(&th, &a, nest_thread, &nr), 0);
	pthread_attr_destroy(&a);
	ck_assert_int_eq(pthread_join(th, NULL), 0);
	ck_assert_int_eq(nr.deep.err, -EOVERFLOW);
	ck_assert_int_eq(nr.deep.val, 0);
	ck_assert_int_eq(nr.shallow.err, 0);
	ck_assert_int_eq(nr.shallow.val, 11);
	ck_assert_uint_eq(nr.st.live_tasks, 0);
	ck_assert_uint_eq(nr.st.timers, 0);
	ck_assert_int_eq(nr.freed, 0);
	ck_assert_uint_eq(ax_rt_stats_boxed(), 0);
}
END_TEST

static Suite *safety_suite(void)
{
	Suite *s = suite_create("safety");
	TCase *tc = tcase_create("wakers");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_wake_after_free);
	tcase_add_test(tc, test_wake_pending_after_free);
	tcase_add_test(tc, test_wake_racing_free);
	suite_add_tcase(s, tc);
	tc = tcase_create("oom");
	tcase_add_test(tc, test_join_oom);
	tcase_add_test(tc, test_block_on_oom);
	tcase_add_test(tc, test_output_oom);
	tcase_add_test(tc, test_remote_wake_oom);
	suite_add_tcase(s, tc);
	tc = tcase_create("nesting");
	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, test_nesting_within_bound);
	tcase_add_test(tc, test_nesting_overflow);
	suite_add_tcase(s, tc);
	return s;
}

TEST_MAIN(safety_suite)
