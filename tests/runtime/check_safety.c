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

static Suite *safety_suite(void)
{
	Suite *s = suite_create("safety");
	TCase *tc = tcase_create("wakers");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_wake_after_free);
	tcase_add_test(tc, test_wake_pending_after_free);
	tcase_add_test(tc, test_wake_racing_free);
	suite_add_tcase(s, tc);
	return s;
}

TEST_MAIN(safety_suite)
