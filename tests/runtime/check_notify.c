/* check_notify.c - notify: stored permits, notify_one against
 * notify_waiters, a dropped grant passed on, a replaced waker, many parked
 * waiters, waiters dropped at shutdown, and the waiter list's removal from
 * the middle, on the virtual clock. */
#include "sync_log.h"

#include <errno.h>

/* ---- notify ------------------------------------------------------------- */

AX_ASYNC(waiter, int, ax_notify *n; int id;)
{
	AX_BEGIN;
	arrival[narrival++] = self->id;
	AX_AWAIT(ax_notified(self->n));
	order[norder++] = self->id;
	at[self->id] = ax_now();
	AX_RETURN(self->id);
	AX_END;
}

AX_ASYNC(notify_permits, int, ax_notify *n; ax_res r;)
{
	AX_BEGIN;
	self->n = ax_notify_new();
	/* notify_one with nobody waiting stores one permit, not two. */
	ax_notify_one(self->n);
	ax_notify_one(self->n);
	AX_AWAIT_TO(self->r, AX_TIMEOUT_MS(10, ax_notified(self->n)));
	ck_assert_int_eq(self->r.err, 0);
	ck_assert_uint_eq(ax_now(), 0);
	AX_AWAIT_TO(self->r, AX_TIMEOUT_MS(10, ax_notified(self->n)));
	ck_assert_int_eq(self->r.err, -ETIMEDOUT);
	/* notify_waiters stores nothing. */
	ax_notify_waiters(self->n);
	AX_AWAIT_TO(self->r, AX_TIMEOUT_MS(10, ax_notified(self->n)));
	ck_assert_int_eq(self->r.err, -ETIMEDOUT);
	ax_notify_free(self->n);
	AX_RETURN(1);
	AX_END;
}

START_TEST(test_notify_permit)
{
	ax_rt *rt = test_rt(0);
	int64_t got = AX_BLOCK_ON(rt, AX_CALL(notify_permits));
	ck_assert_int_eq(got, 1);
	ck_assert_uint_eq(ax_now(), MS(20));
	TEST_RT_END_FREED(rt);
}
END_TEST

AX_ASYNC(notify_main, int, ax_notify *n; ax_task *h[NW]; int i;)
{
	AX_BEGIN;
	self->n = ax_notify_new();
	for (self->i = 0; self->i < 3; self->i++)
		self->h[self->i] = AX_SPAWN(AX_CALL(waiter, .n = self->n, .id = self->i));
	AX_AWAIT(ax_sleep_ms(1));
	/* notify_one wakes the oldest waiter only. */
	ax_notify_one(self->n);
	AX_AWAIT(ax_sleep_ms(1));
	ck_assert_int_eq(norder, 1);
	ck_assert_int_eq(order[0], arrival[0]);
	/* notify_waiters wakes every current waiter. */
	ax_notify_waiters(self->n);
	for (self->i = 0; self->i < 3; self->i++)
		AX_AWAIT(ax_join(self->h[self->i]));
	ck_assert_int_eq(norder, 3);
	ax_notify_free(self->n);
	AX_RETURN(norder);
	AX_END;
}

START_TEST(test_notify_one_and_waiters)
{
	ax_rt *rt = test_rt((uint64_t)_i);
	reset_log();
	int64_t got = AX_BLOCK_ON(rt, AX_CALL(notify_main));
	ck_assert_int_eq(got, 3);
	ck_assert_uint_eq(at[arrival[0]], MS(1));
	ck_assert_uint_eq(at[arrival[1]], MS(2));
	ck_assert_uint_eq(at[arrival[2]], MS(2));
	TEST_RT_END_FREED(rt);
}
END_TEST

/* A notify_one handed to a waiter that is aborted before it sees it is
 * passed to the next waiter. */
AX_ASYNC(notify_dropped, int, ax_notify *n; ax_task *b; ax_task *c;)
{
	AX_BEGIN;
	self->n = ax_notify_new();
	self->b = AX_SPAWN(AX_CALL(waiter, .n = self->n, .id = 1));
	self->c = AX_SPAWN(AX_CALL(waiter, .n = self->n, .id = 2));
	AX_AWAIT(ax_yield());
	ax_notify_one(self->n);
	ax_task_abort(self->b);
	AX_AWAIT(ax_join(self->b));
	AX_AWAIT(ax_join(self->c));
	ax_notify_free(self->n);
	AX_RETURN(norder);
	AX_END;
}

START_TEST(test_notify_dropped_grant)
{
	ax_rt *rt = test_rt(0);
	reset_log();
	int64_t got = AX_BLOCK_ON(rt, AX_CALL(notify_dropped));
	ck_assert_int_eq(got, 1);
	ck_assert_int_eq(order[0], 2);
	TEST_RT_END_FREED(rt);
}
END_TEST

/* A future polled by one task and then by another must wake the second:
 * the stored waker is replaced when the polling task changes. */
typedef struct poll_ref_t {
	ax_future base;
	ax_unit out;
	ax_future *target;
	bool once; /* poll the target once, then finish regardless */
} poll_ref_t;

static ax_poll_t poll_ref_poll(ax_future *f, ax_cx *cx)
{
	poll_ref_t *p = (poll_ref_t *)(void *)f;
	ax_poll_t r = ax_poll(p->target, cx);
	return p->once ? AX_READY : r;
}

static const ax_future_vt poll_ref_vt =
	AX_VT_OF(poll_ref_t, "poll_ref", poll_ref_poll, NULL, 0);

AX_ASYNC(waker_swap, int, ax_notify *n; ax_future *shared; ax_task *a;
	 ax_task *b;)
{
	AX_BEGIN;
	self->n = ax_notify_new();
	self->shared = AX_BOX(ax_notified(self->n));
	self->a = AX_SPAWN(((poll_ref_t){ .base.vt = &poll_ref_vt,
					  .target = self->shared, .once = true }));
	AX_AWAIT(ax_join(self->a));
	self->b = AX_SPAWN(((poll_ref_t){ .base.vt = &poll_ref_vt,
					  .target = self->shared }));
	AX_AWAIT(ax_yield());
	ax_notify_one(self->n);
	AX_AWAIT(ax_join(self->b));
	ax_future_free(self->shared);
	ax_notify_free(self->n);
	AX_RETURN(1);
	AX_END;
}

START_TEST(test_waker_replaced)
{
	ax_rt *rt = test_rt(0);
	int64_t got = AX_BLOCK_ON(rt, AX_CALL(waker_swap));
	ck_assert_int_eq(got, 1);
	ax_rt_stats st;
	ax_rt_stats_get(rt, &st);
	ck_assert_int_eq(st.deadlocked, 0);
	TEST_RT_END_FREED(rt);
}
END_TEST

/* Many tasks parked on one notify: the idle-task workload.  Each task is
 * the notified future itself. */
enum { PARKED = 20000 };

AX_ASYNC(park_many, uint64_t, ax_notify *n; int i; ax_rt_stats st;)
{
	AX_BEGIN;
	self->n = ax_notify_new();
	for (self->i = 0; self->i < PARKED; self->i++)
		ax_task_detach(AX_SPAWN(ax_notified(self->n)));
	AX_AWAIT(ax_yield());
	ax_rt_stats_get(ax_rt_current(), &self->st);
	ck_assert_uint_eq(self->st.live_tasks, PARKED + 1);
	ax_notify_waiters(self->n);
	AX_AWAIT(ax_yield());
	ax_rt_stats_get(ax_rt_current(), &self->st);
	ck_assert_uint_eq(self->st.live_tasks, 1);
	ax_notify_free(self->n);
	AX_RETURN(self->st.spawned);
	AX_END;
}

START_TEST(test_notify_many_parked)
{
	/* The task header is 32 bytes; the notified future keeps a parked
	 * task under 100 bytes. */
	ck_assert_uint_le(sizeof(ax_notified_t), 64);
	ax_rt *rt = test_rt(0);
	uint64_t got = AX_BLOCK_ON(rt, AX_CALL(park_many));
	ck_assert_uint_eq(got, PARKED + 1);
	TEST_RT_END_FREED(rt);
}
END_TEST

/* Dropping parked waiters at shutdown unlinks each one. */
START_TEST(test_notify_waiters_dropped_at_shutdown)
{
	ax_rt *rt = test_rt(0);
	ax_notify *n = ax_notify_new();
	ax_rt_stats st;
	/* Spawn inside block_on so the tasks belong to rt. */
	AX_BLOCK_ON(rt, ax_yield());
	for (int i = 0; i < 5; i++)
		ax_task_detach(AX_SPAWN(ax_notified(n)));
	AX_BLOCK_ON(rt, ax_yield());
	ax_rt_stats_get(rt, &st);
	ck_assert_uint_eq(st.live_tasks, 5);
	ck_assert_int_eq(ax_rt_free(rt), 5);
	ck_assert_uint_eq(ax_rt_stats_boxed(), 0);
	/* Every node was unlinked: a notify finds nobody and stores a permit
	 * (under ASan or valgrind a dangling node would be reported here). */
	ax_notify_one(n);
	ax_notify_free(n);
}
END_TEST

/* ---- waiter list -------------------------------------------------------- */

START_TEST(test_wlist_remove_middle)
{
	/* Exercised through notify: the middle of three waiters drops out and
	 * the other two are still woken in order. */
	ax_rt *rt = test_rt(0);
	reset_log();
	ax_notify *n = ax_notify_new();
	AX_BLOCK_ON(rt, ax_yield());
	ax_task *h[3];
	for (int i = 0; i < 3; i++)
		h[i] = AX_SPAWN(AX_CALL(waiter, .n = n, .id = i));
	AX_BLOCK_ON(rt, ax_yield());
	ax_task_abort(h[1]);
	AX_BLOCK_ON(rt, ax_yield());
	ax_notify_one(n);
	ax_notify_one(n);
	AX_BLOCK_ON(rt, ax_yield());
	ck_assert_int_eq(norder, 2);
	ck_assert_int_eq(order[0], 0);
	ck_assert_int_eq(order[1], 2);
	for (int i = 0; i < 3; i++)
		ck_assert(ax_task_is_finished(h[i]));
	for (int i = 0; i < 3; i++)
		ax_task_detach(h[i]);
	ax_notify_free(n);
	TEST_RT_END_FREED(rt);
}
END_TEST

static Suite *notify_suite(void)
{
	Suite *s = suite_create("notify");
	TCase *tc = tcase_create("notify");
	tcase_add_test(tc, test_notify_permit);
	tcase_add_loop_test(tc, test_notify_one_and_waiters, 0, 4);
	tcase_add_test(tc, test_notify_dropped_grant);
	tcase_add_test(tc, test_waker_replaced);
	tcase_add_test(tc, test_notify_many_parked);
	tcase_add_test(tc, test_notify_waiters_dropped_at_shutdown);
	tcase_add_test(tc, test_wlist_remove_middle);
	suite_add_tcase(s, tc);
	return s;
}

TEST_MAIN(notify_suite)
