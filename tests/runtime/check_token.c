/* check_token.c - cancellation tokens: cancel reaches every descendant and
 * every waiter, a child's cancel stays below it, freeing a token detaches
 * it, and the checker hooks see each cancel, check and wait. */
#include "../testutil.h"

#include <asynclab/instrument.h>

#include <errno.h>

static uint64_t woke_at[16];
static int nwoke;

AX_ASYNC(wait_cancel, int, ax_token *t; int id;)
{
	AX_BEGIN;
	AX_AWAIT(ax_token_cancelled(self->t));
	ck_assert(ax_token_is_cancelled(self->t));
	woke_at[self->id] = ax_now();
	nwoke++;
	AX_RETURN(self->id);
	AX_END;
}

AX_ASYNC(tree_cancel, int, ax_token *root; ax_token *kid; ax_token *grand;
	 ax_task *h[6]; int i;)
{
	AX_BEGIN;
	self->root = ax_token_new();
	self->kid = ax_token_child(self->root);
	self->grand = ax_token_child(self->kid);
	ax_token *on[6] = { self->root, self->root, self->kid,
			    self->kid,	self->grand, self->grand };
	for (self->i = 0; self->i < 6; self->i++)
		self->h[self->i] = AX_SPAWN(
			AX_CALL(wait_cancel, .t = on[self->i], .id = self->i));
	AX_AWAIT(ax_sleep_ms(10));
	ck_assert_int_eq(nwoke, 0);
	ck_assert(!ax_token_is_cancelled(self->grand));
	ax_token_cancel(self->root);
	ck_assert(ax_token_is_cancelled(self->root));
	ck_assert(ax_token_is_cancelled(self->kid));
	ck_assert(ax_token_is_cancelled(self->grand));
	for (self->i = 0; self->i < 6; self->i++)
		AX_AWAIT(ax_join(self->h[self->i]));
	/* Already cancelled: completes at its first poll. */
	AX_AWAIT(ax_token_cancelled(self->grand));
	/* A child made from a cancelled token starts cancelled. */
	{
		ax_token *late = ax_token_child(self->kid);
		ck_assert(ax_token_is_cancelled(late));
		ax_token_free(late);
	}
	ax_token_free(self->grand);
	ax_token_free(self->kid);
	ax_token_free(self->root);
	AX_RETURN(nwoke);
	AX_END;
}

START_TEST(test_cancel_reaches_all_waiters)
{
	ax_rt *rt = test_rt((uint64_t)_i);
	nwoke = 0;
	int64_t got = AX_BLOCK_ON(rt, AX_CALL(tree_cancel));
	ck_assert_int_eq(got, 6);
	for (int i = 0; i < 6; i++)
		ck_assert_uint_eq(woke_at[i], MS(10));
	TEST_RT_END_FREED(rt);
}
END_TEST

AX_ASYNC(child_cancel, int, ax_token *root; ax_token *kid; ax_token *sib;
	 ax_task *hk; ax_res r;)
{
	AX_BEGIN;
	self->root = ax_token_new();
	self->kid = ax_token_child(self->root);
	self->sib = ax_token_child(self->root);
	self->hk = AX_SPAWN(AX_CALL(wait_cancel, .t = self->kid, .id = 0));
	AX_AWAIT(ax_yield());
	ax_token_cancel(self->kid);
	AX_AWAIT(ax_join(self->hk));
	ck_assert(ax_token_is_cancelled(self->kid));
	ck_assert(!ax_token_is_cancelled(self->root));
	ck_assert(!ax_token_is_cancelled(self->sib));
	/* The parent's cancelled future still waits. */
	AX_AWAIT_TO(self->r, AX_TIMEOUT_MS(20, ax_token_cancelled(self->root)));
	ck_assert_int_eq(self->r.err, -ETIMEDOUT);
	/* Cancelling the parent now reaches the other child. */
	ax_token_cancel(self->root);
	ck_assert(ax_token_is_cancelled(self->sib));
	ax_token_free(self->kid);
	ax_token_free(self->sib);
	ax_token_free(self->root);
	AX_RETURN(nwoke);
	AX_END;
}

START_TEST(test_child_cancel_stays_below)
{
	ax_rt *rt = test_rt(0);
	nwoke = 0;
	int64_t got = AX_BLOCK_ON(rt, AX_CALL(child_cancel));
	ck_assert_int_eq(got, 1);
	ck_assert_uint_eq(ax_now(), MS(20));
	TEST_RT_END_FREED(rt);
}
END_TEST

START_TEST(test_token_free_detaches)
{
	ax_token *root = ax_token_new();
	ax_token *mid = ax_token_child(root);
	ax_token *leaf = ax_token_child(mid);
	ax_token *other = ax_token_child(root);
	ck_assert_ptr_nonnull(leaf);
	/* Freeing mid unlinks it from root and makes leaf a root of its own. */
	ax_token_free(mid);
	ax_token_cancel(root);
	ck_assert(ax_token_is_cancelled(other));
	ck_assert(!ax_token_is_cancelled(leaf));
	ax_token_cancel(leaf);
	ck_assert(ax_token_is_cancelled(leaf));
	/* Freeing a parent first leaves its children valid. */
	ax_token_free(root);
	ck_assert(ax_token_is_cancelled(other));
	ax_token_free(other);
	ax_token_free(leaf);
}
END_TEST

/* A deep chain is cancelled without recursion. */
START_TEST(test_deep_chain)
{
	enum { DEPTH = 100000 };
	ax_token **t = malloc(DEPTH * sizeof *t);
	ck_assert_ptr_nonnull(t);
	t[0] = ax_token_new();
	for (int i = 1; i < DEPTH; i++)
		t[i] = ax_token_child(t[i - 1]);
	/* Some siblings along the way. */
	ax_token *side = ax_token_child(t[DEPTH / 2]);
	ax_token_cancel(t[1]);
	ck_assert(!ax_token_is_cancelled(t[0]));
	ck_assert(ax_token_is_cancelled(t[DEPTH - 1]));
	ck_assert(ax_token_is_cancelled(side));
	ax_token_free(side);
	for (int i = DEPTH - 1; i >= 0; i--)
		ax_token_free(t[i]);
	free(t);
}
END_TEST

/* ---- hooks -------------------------------------------------------------- */

typedef struct cev {
	ax_cancel_ev ev;
	const void *obj;
	ax_task *task;
	bool arg;
} cev;
static cev cevs[64];
static int ncevs;

static void on_cancel(void *ud, ax_cancel_ev ev, const void *obj, ax_task *t,
		      bool arg)
{
	(void)ud;
	ck_assert_int_lt(ncevs, 64);
	cevs[ncevs++] = (cev){ ev, obj, t, arg };
}

static const ax_hooks cancel_hooks = { .cancel = on_cancel };

static int count(ax_cancel_ev ev, const void *obj)
{
	int n = 0;
	for (int i = 0; i < ncevs; i++)
		if (cevs[i].ev == ev && cevs[i].obj == obj)
			n++;
	return n;
}

static ax_task *waiter_task;
static int waiter_polls;

/* Polls its cancelled future by hand and wakes itself once, so that the
 * future is polled twice before the token is cancelled. */
AX_ASYNC(hooked_waiter, int, ax_token *t; ax_cancelled_t c;)
{
	AX_BEGIN;
	waiter_task = ax_task_current();
	self->c = ax_token_cancelled(self->t);
	while (waiter_polls++, ax_poll(&self->c.base, cx) == AX_PENDING) {
		if (waiter_polls == 1)
			ax_waker_wake_by_ref(cx->waker);
		AX_SUSPEND;
	}
	ax_future_drop(&self->c.base);
	AX_RETURN(0);
	AX_END;
}

AX_ASYNC(hooked_main, int, ax_token *root; ax_token *kid; ax_task *h;)
{
	AX_BEGIN;
	self->root = ax_token_new();
	self->kid = ax_token_child(self->root);
	self->h = AX_SPAWN(AX_CALL(hooked_waiter, .t = self->kid));
	AX_AWAIT(ax_yield());
	AX_AWAIT(ax_yield());
	ck_assert_int_eq(waiter_polls, 2);
	/* Polled twice, one wait event. */
	ck_assert_int_eq(count(AX_CANCEL_WAIT, self->kid), 1);
	ck_assert(!ax_token_is_cancelled(self->kid));
	ax_token_cancel(self->root);
	AX_AWAIT(ax_join(self->h));
	ck_assert_int_eq(waiter_polls, 3);
	ck_assert(ax_token_is_cancelled(self->kid));
	ax_token_free(self->kid);
	ax_token_free(self->root);
	AX_RETURN(0);
	AX_END;
}

START_TEST(test_cancel_hooks)
{
	ax_hooks_install(&cancel_hooks);
	ncevs = 0;
	waiter_polls = 0;
	ax_rt *rt = test_rt(0);
	AX_BLOCK_ON(rt, AX_CALL(hooked_main));
	TEST_RT_END_FREED(rt);
	ax_hooks_install(NULL);
	/* wait (by the waiter task), check false, cancel root, cancel kid,
	 * check true. */
	ck_assert_int_eq(ncevs, 5);
	ck_assert_int_eq(cevs[0].ev, AX_CANCEL_WAIT);
	ck_assert_ptr_eq(cevs[0].task, waiter_task);
	ck_assert(!cevs[0].arg);
	const void *kid = cevs[0].obj;
	ck_assert_int_eq(cevs[1].ev, AX_CANCEL_CHECK);
	ck_assert_ptr_eq(cevs[1].obj, kid);
	ck_assert(!cevs[1].arg);
	ck_assert_ptr_nonnull(cevs[1].task); /* the main task */
	ck_assert_int_eq(cevs[2].ev, AX_CANCEL_TOKEN);
	ck_assert_ptr_ne(cevs[2].obj, kid);
	ck_assert_ptr_null(cevs[2].task);
	ck_assert(cevs[2].arg);
	ck_assert_int_eq(cevs[3].ev, AX_CANCEL_TOKEN);
	ck_assert_ptr_eq(cevs[3].obj, kid);
	ck_assert_int_eq(cevs[4].ev, AX_CANCEL_CHECK);
	ck_assert(cevs[4].arg);
}
END_TEST

/* Dropping a waiting cancelled future unlinks it: cancel afterwards finds
 * nobody, and the task is freed. */
AX_ASYNC(dropped_wait, int, ax_token *t; ax_res r;)
{
	AX_BEGIN;
	self->t = ax_token_new();
	AX_AWAIT_TO(self->r, AX_TIMEOUT_MS(10, ax_token_cancelled(self->t)));
	ck_assert_int_eq(self->r.err, -ETIMEDOUT);
	ax_token_cancel(self->t);
	ax_token_free(self->t);
	AX_RETURN(1);
	AX_END;
}

START_TEST(test_dropped_wait)
{
	ax_rt *rt = test_rt(0);
	int64_t got = AX_BLOCK_ON(rt, AX_CALL(dropped_wait));
	ck_assert_int_eq(got, 1);
	TEST_RT_END_FREED(rt);
}
END_TEST

static Suite *token_suite(void)
{
	Suite *s = suite_create("token");
	TCase *tc = tcase_create("token");
	tcase_add_loop_test(tc, test_cancel_reaches_all_waiters, 0, 4);
	tcase_add_test(tc, test_child_cancel_stays_below);
	tcase_add_test(tc, test_token_free_detaches);
	tcase_add_test(tc, test_deep_chain);
	tcase_add_test(tc, test_cancel_hooks);
	tcase_add_test(tc, test_dropped_wait);
	suite_add_tcase(s, tc);
	return s;
}

TEST_MAIN(token_suite)
