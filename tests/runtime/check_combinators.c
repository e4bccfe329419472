/* check_combinators.c - join, try_join and select: outputs in child order,
 * virtual time equal to the slowest (join) or the deciding child (select,
 * try_join), losers dropped before the combinator is ready, clean errors
 * instead of crashes for bad input, and outputs carried (ax_opt) or
 * reported as lost (-EOVERFLOW), never a silent 0. */
#include "../testutil.h"

#include <errno.h>

/* A probe future: sleeps ms, then yields {val, err}.  It counts how many
 * probes are alive and how many were dropped, so that tests can see
 * cancellation happen. */
static int probes_live, probes_dropped;

typedef struct probe_t {
	ax_future base;
	ax_res out;
	ax_sleep_t sleep;
	ax_val val;
	int err;
} probe_t;

static ax_poll_t probe_poll(ax_future *f, ax_cx *cx)
{
	probe_t *p = (probe_t *)(void *)f;
	if (ax_poll(&p->sleep.base, cx) == AX_PENDING)
		return AX_PENDING;
	p->out = (ax_res){ p->val, p->err };
	return AX_READY;
}

static void probe_drop(ax_future *f)
{
	probe_t *p = (probe_t *)(void *)f;
	ax_future_drop(&p->sleep.base);
	probes_live--;
	probes_dropped++;
}

static const ax_future_vt probe_vt =
	AX_VT_OF(probe_t, "probe", probe_poll, probe_drop, AX_VT_RES);

static probe_t probe(uint64_t ms, ax_val val, int err)
{
	probes_live++;
	return (probe_t){ .base.vt = &probe_vt, .sleep = ax_sleep_ms(ms),
			  .val = val, .err = err };
}

static void reset_probes(void)
{
	probes_live = probes_dropped = 0;
}

/* Polls a boxed combinator and reports how many probes are still alive at
 * the moment it first returns READY, before anything has dropped it: the
 * losers must already be gone then, not only once the select is freed. */
typedef struct at_ready_t {
	ax_future base;
	int out;
	ax_future *inner;
} at_ready_t;

static ax_poll_t at_ready_poll(ax_future *f, ax_cx *cx)
{
	at_ready_t *a = (at_ready_t *)(void *)f;
	if (ax_poll(a->inner, cx) == AX_PENDING)
		return AX_PENDING;
	a->out = probes_live;
	ax_future_free(a->inner);
	a->inner = NULL;
	return AX_READY;
}

static void at_ready_drop(ax_future *f)
{
	ax_future_free(((at_ready_t *)(void *)f)->inner);
}

static const ax_future_vt at_ready_vt =
	AX_VT_OF(at_ready_t, "at_ready", at_ready_poll, at_ready_drop, 0);

static at_ready_t at_ready(ax_future *inner)
{
	return (at_ready_t){ .base.vt = &at_ready_vt, .inner = inner };
}

AX_ASYNC(nap, int, int ms;)
{
	AX_BEGIN;
	AX_AWAIT(ax_sleep_ms((uint64_t)self->ms));
	AX_RETURN(self->ms);
	AX_END;
}

/* join ------------------------------------------------------------------- */

AX_ASYNC(join3, ax_vals, uint64_t took;)
{
	AX_BEGIN;
	AX_AWAIT_TO(self->out, AX_JOIN(AX_CALL(nap, .ms = 300), AX_CALL(nap, .ms = 100),
				       AX_CALL(nap, .ms = 200)));
	self->took = ax_now();
	ck_assert_uint_eq(self->took, MS(300)); /* max, not the sum */
	AX_END;
}

START_TEST(test_join_takes_max_values_in_order)
{
	ax_rt *rt = test_rt(0);
	ax_vals v = AX_BLOCK_ON(rt, AX_CALL(join3));
	ck_assert_int_eq(v.err, 0);
	ck_assert_int_eq(v.n, 3);
	/* Child order, not completion order. */
	ck_assert_int_eq(v.val[0], 300);
	ck_assert_int_eq(v.val[1], 100);
	ck_assert_int_eq(v.val[2], 200);
	TEST_RT_END(rt);
}
END_TEST

/* A finished child is freed at once, while the join still waits. */
AX_ASYNC(watch_join, int, ax_task *h; ax_res r;)
{
	AX_BEGIN;
	self->h = AX_SPAWN_DISCARD(AX_JOIN(probe(100, 1, 0), probe(300, 2, 0)));
	AX_AWAIT(ax_sleep_ms(150));
	ck_assert_int_eq(probes_dropped, 1);
	ck_assert_int_eq(probes_live, 1);
	AX_AWAIT_TO(self->r, ax_join(self->h));
	/* AX_SPAWN_DISCARD: completed, the ax_vals discarded (not -EOVERFLOW) */
	ck_assert_int_eq(self->r.err, 0);
	ck_assert_int_eq(self->r.val, 0);
	ck_assert_uint_eq(ax_now(), MS(300));
	AX_RETURN(probes_dropped);
	AX_END;
}

START_TEST(test_join_frees_finished_child_early)
{
	reset_probes();
	ax_rt *rt = test_rt(0);
	ck_assert_int_eq(AX_BLOCK_ON(rt, AX_CALL(watch_join)), 2);
	ck_assert_int_eq(probes_live, 0);
	TEST_RT_END(rt);
}
END_TEST

/* Dropping a pending join (here: by a timeout) drops every child. */
START_TEST(test_join_drop_frees_children)
{
	reset_probes();
	ax_rt *rt = test_rt(0);
	ax_res r = AX_BLOCK_ON(rt, ax_timeout_ms(50, AX_BOX(AX_JOIN(probe(10, 1, 0),
								    probe(100, 2, 0),
								    probe(200, 3, 0)))));
	ck_assert_int_eq(r.err, -ETIMEDOUT);
	ck_assert_uint_eq(ax_now(), MS(50));
	ck_assert_int_eq(probes_dropped, 3);
	ck_assert_int_eq(probes_live, 0);
	TEST_RT_END(rt);
}
END_TEST

START_TEST(test_join_bad_input)
{
	reset_probes();
	ax_rt *rt = test_rt(0);
	ax_future *kids[AX_JOIN_MAX + 1];
	for (int i = 0; i <= AX_JOIN_MAX; i++)
		kids[i] = AX_BOX(probe(10, i, 0));
	ax_vals v = AX_BLOCK_ON(rt, ax_join_all(AX_JOIN_MAX + 1, kids));
	ck_assert_int_eq(v.err, -EINVAL);
	ck_assert_int_eq(probes_live, 0); /* all children were released */

	ax_future *some[3] = { AX_BOX(probe(10, 1, 0)), NULL, AX_BOX(probe(10, 2, 0)) };
	v = AX_BLOCK_ON(rt, ax_join_all(3, some));
	ck_assert_int_eq(v.err, -ENOMEM);
	ck_assert_int_eq(probes_live, 0);

	v = AX_BLOCK_ON(rt, ax_join_all(0, NULL));
	ck_assert_int_eq(v.err, 0);
	ck_assert_int_eq(v.n, 0);
	ck_assert_uint_eq(ax_now(), 0);
	TEST_RT_END(rt);
}
END_TEST

/* try_join --------------------------------------------------------------- */

AX_ASYNC(try3, ax_try_vals, int x;)
{
	AX_BEGIN;
	AX_AWAIT_TO(self->out, AX_TRY_JOIN(probe(100, 1, 0), probe(50, 0, -EIO),
					   probe(1000, 3, 0)));
	/* The slow child was not waited for, and both others are gone by
	 * the time the try_join is ready. */
	ck_assert_uint_eq(ax_now(), MS(50));
	ck_assert_int_eq(probes_dropped, 3);
	ck_assert_int_eq(probes_live, 0);
	AX_END;
}

START_TEST(test_try_join_first_error_wins)
{
	reset_probes();
	ax_rt *rt = test_rt(0);
	ax_try_vals v = AX_BLOCK_ON(rt, AX_CALL(try3));
	ck_assert_int_eq(v.err, -EIO);
	ck_assert_int_eq(v.failed, 1);
	TEST_RT_END(rt);
}
END_TEST

START_TEST(test_try_join_all_ok)
{
	reset_probes();
	ax_rt *rt = test_rt(0);
	ax_try_vals v = AX_BLOCK_ON(rt, AX_TRY_JOIN(probe(30, 7, 0), probe(10, 8, 0),
						    AX_CALL(nap, .ms = 20)));
	ck_assert_int_eq(v.err, 0);
	ck_assert_int_eq(v.failed, -1);
	ck_assert_int_eq(v.n, 3);
	ck_assert_int_eq(v.val[0], 7);
	ck_assert_int_eq(v.val[1], 8);
	ck_assert_int_eq(v.val[2], 20);
	ck_assert_uint_eq(ax_now(), MS(30));
	TEST_RT_END(rt);
}
END_TEST

START_TEST(test_try_join_bad_input)
{
	reset_probes();
	ax_rt *rt = test_rt(0);
	ax_future *some[2] = { AX_BOX(probe(10, 1, 0)), NULL };
	ax_try_vals v = AX_BLOCK_ON(rt, ax_try_join(2, some));
	ck_assert_int_eq(v.err, -ENOMEM);
	ck_assert_int_eq(v.failed, 1);
	v = AX_BLOCK_ON(rt, ax_try_join(-1, NULL));
	ck_assert_int_eq(v.err, -EINVAL);
	ck_assert_int_eq(v.failed, -1);
	ck_assert_int_eq(probes_live, 0);
	TEST_RT_END(rt);
}
END_TEST

/* select ----------------------------------------------------------------- */

AX_ASYNC(sel_probe, ax_selected, int x;)
{
	AX_BEGIN;
	AX_AWAIT_TO(self->out, AX_SELECT(probe(300, 1, 0), probe(100, 2, -EIO),
					 probe(200, 3, 0)));
	/* The losers' drops have run before select returned. */
	ck_assert_int_eq(probes_dropped, 3);
	ck_assert_int_eq(probes_live, 0);
	ck_assert_uint_eq(ax_now(), MS(100));
	AX_END;
}

START_TEST(test_select_first_wins_losers_dropped)
{
	reset_probes();
	ax_rt *rt = test_rt(0);
	ax_selected s = AX_BLOCK_ON(rt, AX_CALL(sel_probe));
	ck_assert_int_eq(s.index, 1);
	ck_assert_int_eq(s.val, 2);
	ck_assert_int_eq(s.err, -EIO);
	TEST_RT_END(rt);
}
END_TEST

/* An async fn that owns a resource: its drop function runs when the frame
 * is dropped, e.g. as the loser of a select. */
static int owned_released;
static void release_owned(void *obj)
{
	(*(int *)obj)++;
}

AX_ASYNC(holder, int, int ms;)
{
	AX_BEGIN;
	ck_assert_int_eq(ax_frame_own(&self->ax_fr, &owned_released, release_owned), 0);
	AX_AWAIT(ax_sleep_ms((uint64_t)self->ms));
	AX_RETURN(self->ms);
	AX_END;
}

AX_ASYNC(sel_holder, ax_selected, int x;)
{
	AX_BEGIN;
	AX_AWAIT_TO(self->out, AX_SELECT(AX_CALL(holder, .ms = 500),
					 AX_CALL(nap, .ms = 20)));
	ck_assert_int_eq(owned_released, 1);
	AX_END;
}

START_TEST(test_select_drops_loser_frame)
{
	owned_released = 0;
	ax_rt *rt = test_rt(0);
	ax_selected s = AX_BLOCK_ON(rt, AX_CALL(sel_holder));
	ck_assert_int_eq(s.index, 1);
	ck_assert_int_eq(s.val, 20);
	ck_assert_int_eq(s.err, 0);
	ck_assert_uint_eq(ax_now(), MS(20));
	TEST_RT_END(rt);
}
END_TEST

/* Timeout written as a select against a sleep. */
START_TEST(test_select_as_timeout)
{
	ax_rt *rt = test_rt(0);
	ax_selected s = AX_BLOCK_ON(rt, AX_SELECT(AX_CALL(nap, .ms = 500),
						  ax_sleep_ms(100)));
	ck_assert_int_eq(s.index, 1);
	ck_assert_uint_eq(ax_now(), MS(100));
	s = AX_BLOCK_ON(rt, AX_SELECT(AX_CALL(nap, .ms = 50), ax_sleep_ms(100)));
	ck_assert_int_eq(s.index, 0);
	ck_assert_int_eq(s.val, 50);
	ck_assert_uint_eq(ax_now(), MS(150));
	TEST_RT_END(rt);
}
END_TEST

/* Children are polled in index order: of two that are ready at the same
 * poll, the lower index wins, whatever the seed. */
START_TEST(test_select_tie_goes_to_lowest_index)
{
	for (uint64_t seed = 0; seed < 4; seed++) {
		reset_probes();
		ax_rt *rt = test_rt(seed);
		ax_selected s = AX_BLOCK_ON(rt, AX_SELECT(probe(40, 10, 0), probe(10, 11, 0),
							  probe(10, 12, 0)));
		ck_assert_int_eq(s.index, 1);
		ck_assert_int_eq(s.val, 11);
		ck_assert_int_eq(probes_live, 0);
		TEST_RT_END(rt);
	}
}
END_TEST

START_TEST(test_select_bad_input)
{
	reset_probes();
	ax_rt *rt = test_rt(0);
	ax_selected s = AX_BLOCK_ON(rt, ax_select(0, NULL));
	ck_assert_int_eq(s.err, -EINVAL);
	ck_assert_int_eq(s.index, -1);
	ax_future *some[2] = { NULL, AX_BOX(probe(10, 1, 0)) };
	s = AX_BLOCK_ON(rt, ax_select(2, some));
	ck_assert_int_eq(s.err, -ENOMEM);
	ck_assert_int_eq(s.index, -1);
	ck_assert_int_eq(probes_live, 0);
	TEST_RT_END(rt);
}
END_TEST

/* Cancelling the task that awaits a select drops its children. */
AX_ASYNC(abort_select, int, ax_task *h; ax_res r;)
{
	AX_BEGIN;
	self->h = AX_SPAWN_DISCARD(AX_SELECT(probe(100, 1, 0), probe(200, 2, 0)));
	AX_AWAIT(ax_sleep_ms(50));
	ax_task_abort(self->h);
	AX_AWAIT_TO(self->r, ax_join(self->h));
	ck_assert_int_eq(self->r.err, -ECANCELED);
	AX_RETURN(probes_dropped);
	AX_END;
}

START_TEST(test_select_abort_drops_children)
{
	reset_probes();
	ax_rt *rt = test_rt(0);
	ck_assert_int_eq(AX_BLOCK_ON(rt, AX_CALL(abort_select)), 2);
	ck_assert_int_eq(probes_live, 0);
	ck_assert_uint_eq(ax_now(), MS(50));
	TEST_RT_END(rt);
}
END_TEST

START_TEST(test_losers_gone_at_ready)
{
	reset_probes();
	ax_rt *rt = test_rt(0);
	int alive = AX_BLOCK_ON(rt, at_ready(AX_BOX(AX_SELECT(probe(100, 1, 0),
							       probe(10, 2, 0),
							       probe(200, 3, 0)))));
	ck_assert_int_eq(alive, 0);
	alive = AX_BLOCK_ON(rt, at_ready(AX_BOX(AX_TRY_JOIN(probe(100, 1, 0),
							    probe(10, 2, -EIO),
							    probe(200, 3, 0)))));
	ck_assert_int_eq(alive, 0);
	ck_assert_uint_eq(ax_now(), MS(10 + 10));
	TEST_RT_END(rt);
}
END_TEST

/* Outputs that cannot be carried as an ax_val: the function forms (a
 * child boxed by hand) say so with -EOVERFLOW instead of a silent 0. */
typedef struct pair {
	int a, b;
} pair; /* 8 bytes, like an int64: must not be read as one */

AX_ASYNC(make_pair, pair, int a;)
{
	AX_BEGIN;
	AX_AWAIT(ax_sleep_ms(5));
	AX_RETURN(((pair){ self->a, 2 }));
	AX_END;
}

AX_ASYNC(half, double, )
{
	AX_BEGIN;
	AX_RETURN(0.5);
	AX_END;
}

START_TEST(test_timeout_of_join_is_eoverflow)
{
	reset_probes();
	ax_rt *rt = test_rt(0);
	ax_res r = AX_BLOCK_ON(rt, ax_timeout_ms(100, AX_BOX(AX_JOIN(probe(10, 1, 0),
								     probe(20, 2, 0)))));
	ck_assert_int_eq(r.err, -EOVERFLOW); /* completed in time, output lost */
	ck_assert_int_eq(r.val, 0);
	ck_assert_uint_eq(ax_now(), MS(20));
	ck_assert_int_eq(probes_live, 0);
	r = AX_BLOCK_ON(rt, ax_timeout_ms(100, AX_BOX(AX_CALL(make_pair, .a = 7))));
	ck_assert_int_eq(r.err, -EOVERFLOW);
	ck_assert_int_eq(r.val, 0);
	r = AX_BLOCK_ON(rt, ax_timeout_ms(100, AX_BOX(AX_CALL(half))));
	ck_assert_int_eq(r.err, -EOVERFLOW);
	/* The timeout itself still wins over a slow child. */
	r = AX_BLOCK_ON(rt, ax_timeout_ms(1, AX_BOX(AX_CALL(make_pair, .a = 7))));
	ck_assert_int_eq(r.err, -ETIMEDOUT);
	TEST_RT_END(rt);
}
END_TEST

START_TEST(test_uncarried_in_join_select_try_join)
{
	reset_probes();
	ax_rt *rt = test_rt(0);
	ax_selected s = AX_BLOCK_ON(rt, ax_select(2, (ax_future *const[]){
		AX_BOX(AX_CALL(half)), AX_BOX(probe(10, 1, 0)) }));
	ck_assert_int_eq(s.index, 0);
	ck_assert_int_eq(s.err, -EOVERFLOW);
	ck_assert_int_eq(s.val, 0);

	ax_try_vals tv = AX_BLOCK_ON(rt, ax_try_join(2, (ax_future *const[]){
		AX_BOX(probe(1, 4, 0)), AX_BOX(AX_CALL(make_pair, .a = 1)) }));
	ck_assert_int_eq(tv.err, -EOVERFLOW);
	ck_assert_int_eq(tv.failed, 1);
	ck_assert_int_eq(tv.val[0], 4);

	/* join: every child runs to its end; the carried values stay, err
	 * says one was lost once all are done. */
	uint64_t t0 = ax_now();
	ax_vals v = AX_BLOCK_ON(rt, ax_join_all(3, (ax_future *const[]){
		AX_BOX(AX_CALL(make_pair, .a = 1)), AX_BOX(probe(20, 5, 0)),
		AX_BOX(AX_CALL(half)) }));
	ck_assert_int_eq(v.err, -EOVERFLOW);
	ck_assert_int_eq(v.n, 3);
	ck_assert_int_eq(v.val[0], 0);
	ck_assert_int_eq(v.val[1], 5);
	ck_assert_int_eq(v.val[2], 0);
	ck_assert_uint_eq(ax_now() - t0, MS(20));
	ck_assert_int_eq(probes_live, 0);
	TEST_RT_END(rt);
}
END_TEST

AX_ASYNC(join_struct_task, ax_res, ax_task *h; ax_res r;)
{
	AX_BEGIN;
	/* AX_SPAWN refuses a struct output at compile time; the run-time
	 * check stays for futures spawned without the macro's check. */
	self->h = AX__SPAWN(NULL, AX_CALL(make_pair, .a = 3), AX__SPAWN_NOCHECK);
	AX_AWAIT_TO(self->r, ax_join(self->h));
	AX_RETURN(self->r);
	AX_END;
}

START_TEST(test_join_handle_of_struct_is_eoverflow)
{
	ax_rt *rt = test_rt(0);
	ax_res r = AX_BLOCK_ON(rt, AX_CALL(join_struct_task));
	ck_assert_int_eq(r.err, -EOVERFLOW);
	ck_assert_int_eq(r.val, 0);
	TEST_RT_END(rt);
}
END_TEST

/* A detached task of any output runs to its end, its output discarded. */
static int pairs_made;

AX_ASYNC(count_pair, pair, int a;)
{
	AX_BEGIN;
	AX_AWAIT(ax_sleep_ms(5));
	pairs_made++;
	AX_RETURN(((pair){ self->a, 1 }));
	AX_END;
}

AX_ASYNC(spawn_detached_pairs, int, )
{
	AX_BEGIN;
	for (int i = 0; i < 3; i++)
		if (!AX_SPAWN_DETACHED(AX_CALL(count_pair, .a = i)))
			AX_RETURN(-1);
	AX_AWAIT(ax_sleep_ms(10));
	AX_RETURN(pairs_made);
	AX_END;
}

START_TEST(test_spawn_detached_any_output)
{
	pairs_made = 0;
	ax_rt *rt = test_rt(0);
	ck_assert_int_eq(AX_BLOCK_ON(rt, AX_CALL(spawn_detached_pairs)), 3);
	ax_rt_stats st;
	ax_rt_stats_get(rt, &st);
	ck_assert_uint_eq(st.spawned, 4); /* the root and the three */
	TEST_RT_END(rt);
}
END_TEST

/* ax_opt outputs (a stream's next, a receive, a task set's next) are
 * carried: their val, and err -ENODATA when none. */
START_TEST(test_opt_outputs_are_carried)
{
	ax_rt *rt = test_rt(0);
	ax_val items[] = { 42, 43 };
	ax_stream *st = ax_stream_from_array(items, 2);
	ax_res r = AX_BLOCK_ON(rt, AX_TIMEOUT_MS(100, ax_next(st)));
	ck_assert_int_eq(r.err, 0);
	ck_assert_int_eq(r.val, 42);
	ax_vals v = AX_BLOCK_ON(rt, AX_JOIN(ax_next(st), ax_next(st)));
	ck_assert_int_eq(v.err, 0);
	ck_assert_int_eq(v.val[0], 43);
	ck_assert_int_eq(v.val[1], 0); /* none: a join has no error per child */
	r = AX_BLOCK_ON(rt, AX_TIMEOUT_MS(100, ax_next(st)));
	ck_assert_int_eq(r.err, -ENODATA);
	ck_assert_int_eq(r.val, 0);
	ax_try_vals tv = AX_BLOCK_ON(rt, AX_TRY_JOIN(ax_sleep_ms(5), ax_next(st)));
	ck_assert_int_eq(tv.err, -ENODATA);
	ck_assert_int_eq(tv.failed, 1);
	ax_stream_free(st);

	ax_mpsc *ch = ax_mpsc_new(4);
	ck_assert_int_eq(ax_mpsc_try_send(ch, 9), 0);
	ax_selected s = AX_BLOCK_ON(rt, AX_SELECT(ax_mpsc_recv(ch), ax_sleep_ms(10)));
	ck_assert_int_eq(s.index, 0);
	ck_assert_int_eq(s.err, 0);
	ck_assert_int_eq(s.val, 9);
	ax_mpsc_close(ch);
	s = AX_BLOCK_ON(rt, AX_SELECT(ax_mpsc_recv(ch), ax_sleep_ms(10)));
	ck_assert_int_eq(s.index, 0);
	ck_assert_int_eq(s.err, -ENODATA);
	ax_mpsc_free(ch);
	TEST_RT_END(rt);
}
END_TEST

AX_ASYNC(taskset_next_twice, int, ax_taskset *ts; ax_res a; ax_res b;)
{
	AX_BEGIN;
	self->ts = ax_taskset_new();
	AX_TASKSET_OWN(self->ts);
	AX_TASKSET_SPAWN(self->ts, probe(5, 11, 0));
	AX_AWAIT_TO(self->a, AX_TIMEOUT_MS(100, ax_taskset_join_next(self->ts)));
	AX_AWAIT_TO(self->b, AX_TIMEOUT_MS(100, ax_taskset_join_next(self->ts)));
	AX_RETURN(self->a.err == 0 && self->a.val == 11 && self->b.err == -ENODATA &&
		  self->b.val == 0);
	AX_END;
}

START_TEST(test_taskset_next_is_carried)
{
	reset_probes();
	ax_rt *rt = test_rt(0);
	ck_assert_int_eq(AX_BLOCK_ON(rt, AX_CALL(taskset_next_twice)), 1);
	TEST_RT_END(rt);
}
END_TEST

/* AX_TASKSET_SPAWN refuses an output join_next cannot carry at compile
 * time; AX_TASKSET_SPAWN_DISCARD takes any output: the child is yielded
 * as some with val 0 once it finished, and one still running when the
 * set is freed is aborted like any other. */
AX_ASYNC(taskset_discard, int, ax_taskset *ts; ax_opt a; ax_opt b; ax_opt c;
	 int i;)
{
	AX_BEGIN;
	self->ts = ax_taskset_new();
	if (!AX_TASKSET_SPAWN_DISCARD(self->ts, AX_CALL(make_pair, .a = 3)) ||
	    !AX_TASKSET_SPAWN_DISCARD(self->ts, AX_JOIN(probe(10, 1, 0),
							probe(20, 2, 0))) ||
	    !AX_TASKSET_SPAWN(self->ts, probe(30, 7, 0)) ||
	    !AX_TASKSET_SPAWN_DISCARD(self->ts, AX_JOIN(probe(100, 3, 0))))
		AX_RETURN(-1);
	ck_assert_uint_eq(ax_taskset_len(self->ts), 4);
	AX_AWAIT_TO(self->a, ax_taskset_join_next(self->ts));
	AX_AWAIT_TO(self->b, ax_taskset_join_next(self->ts));
	AX_AWAIT_TO(self->c, ax_taskset_join_next(self->ts));
	ck_assert_uint_eq(ax_now(), MS(30));
	ck_assert(self->a.some && self->b.some && self->c.some);
	ck_assert_int_eq(self->a.val, 0); /* the pair, discarded */
	ck_assert_int_eq(self->b.val, 0); /* the join's ax_vals, discarded */
	ck_assert_int_eq(self->c.val, 7); /* carried */
	ck_assert_uint_eq(ax_taskset_len(self->ts), 1);
	ax_taskset_free(self->ts); /* aborts the 100 ms join */
	AX_AWAIT(ax_yield());
	AX_RETURN(probes_live);
	AX_END;
}

START_TEST(test_taskset_spawn_discard)
{
	reset_probes();
	ax_rt *rt = test_rt(0);
	ck_assert_int_eq(AX_BLOCK_ON(rt, AX_CALL(taskset_discard)), 0);
	ck_assert_int_eq(probes_dropped, 4);
	TEST_RT_END(rt);
}
END_TEST

/* join into destinations ------------------------------------------------- */

AX_ASYNC(join_into_typed, int, int a; pair p; double d; ax_res r; ax_vals v;
	 ax_unit u; int err;)
{
	AX_BEGIN;
	self->a = -1;
	AX_AWAIT_TO(self->err,
		    AX_JOIN_INTO(&self->a, AX_CALL(nap, .ms = 30), &self->p,
				 AX_CALL(make_pair, .a = 9), &self->d, AX_CALL(half),
				 &self->r, probe(10, 4, -EIO), &self->v,
				 AX_JOIN(AX_CALL(nap, .ms = 20), probe(1, 8, 0)),
				 &self->u, ax_sleep_ms(40)));
	ck_assert_int_eq(self->err, 0);
	ck_assert_uint_eq(ax_now(), MS(40)); /* the slowest, not the sum */
	ck_assert_int_eq(self->a, 30);
	ck_assert_int_eq(self->p.a, 9);
	ck_assert_int_eq(self->p.b, 2);
	ck_assert(self->d == 0.5);
	ck_assert_int_eq(self->r.val, 4);
	ck_assert_int_eq(self->r.err, -EIO);
	ck_assert_int_eq(self->v.n, 2);
	ck_assert_int_eq(self->v.val[0], 20);
	ck_assert_int_eq(self->v.val[1], 8);
	AX_RETURN(1);
	AX_END;
}

START_TEST(test_join_into_typed_outputs)
{
	reset_probes();
	ax_rt *rt = test_rt(0);
	ck_assert_int_eq(AX_BLOCK_ON(rt, AX_CALL(join_into_typed)), 1);
	ck_assert_int_eq(probes_live, 0);
	TEST_RT_END(rt);
}
END_TEST

/* Each output lands when its child finishes: a join dropped half-way has
 * written the finished children's destinations and dropped the rest. */
START_TEST(test_join_into_writes_at_completion)
{
	reset_probes();
	ax_rt *rt = test_rt(0);
	ax_res a = { -1, -1 }, b = { -1, -1 };
	ax_selected s = AX_BLOCK_ON(rt, AX_SELECT(AX_JOIN_INTO(&a, probe(10, 1, 0), &b,
							      probe(50, 2, 0)),
						 ax_sleep_ms(20)));
	ck_assert_int_eq(s.index, 1);
	ck_assert_int_eq(a.val, 1);
	ck_assert_int_eq(a.err, 0);
	ck_assert_int_eq(b.val, -1); /* dropped before it finished */
	ck_assert_int_eq(probes_live, 0);
	ck_assert_int_eq(probes_dropped, 2);
	TEST_RT_END(rt);
}
END_TEST

/* The function form has no AX_JOIN_MAX: 40 children, each into its own
 * destination, a NULL destination discarding its output. */
START_TEST(test_join_into_many)
{
	enum { N = 40 };
	reset_probes();
	ax_rt *rt = test_rt(0);
	ax_res out[N];
	ax_into pairs[N];
	for (int i = 0; i < N; i++) {
		out[i] = (ax_res){ -1, 0 };
		pairs[i] = (ax_into){ AX_BOX(probe((uint64_t)(N - i), i * 10, 0)),
				      i == 7 ? NULL : &out[i] };
	}
	ck_assert_int_eq(AX_BLOCK_ON(rt, ax_join_into(N, pairs)), 0);
	ck_assert_uint_eq(ax_now(), MS(N));
	for (int i = 0; i < N; i++)
		ck_assert_int_eq(out[i].val, i == 7 ? -1 : i * 10);
	ck_assert_int_eq(probes_live, 0);
	TEST_RT_END(rt);
}
END_TEST

START_TEST(test_join_into_bad_input)
{
	reset_probes();
	ax_rt *rt = test_rt(0);
	ax_res a = { -1, -1 };
	ax_into pairs[] = { { AX_BOX(probe(10, 1, 0)), &a }, { NULL, NULL } };
	ck_assert_int_eq(AX_BLOCK_ON(rt, ax_join_into(2, pairs)), -ENOMEM);
	ck_assert_int_eq(a.val, -1);
	ck_assert_int_eq(probes_live, 0);
	ck_assert_int_eq(AX_BLOCK_ON(rt, ax_join_into(-1, pairs)), -EINVAL);
	ck_assert_int_eq(AX_BLOCK_ON(rt, ax_join_into(0, NULL)), 0);
	/* Dropped without a poll: the children go with it. */
	ax_join_into_t j = AX_JOIN_INTO(&a, probe(10, 1, 0));
	ax_future_drop(&j.base);
	ck_assert_int_eq(probes_live, 0);
	ck_assert_int_eq(a.val, -1);
	TEST_RT_END(rt);
}
END_TEST

static Suite *combinators_suite(void)
{
	Suite *s = suite_create("combinators");
	TCase *tc = tcase_create("join");
	tcase_add_test(tc, test_join_takes_max_values_in_order);
	tcase_add_test(tc, test_join_frees_finished_child_early);
	tcase_add_test(tc, test_join_drop_frees_children);
	tcase_add_test(tc, test_join_bad_input);
	suite_add_tcase(s, tc);
	tc = tcase_create("try_join");
	tcase_add_test(tc, test_try_join_first_error_wins);
	tcase_add_test(tc, test_try_join_all_ok);
	tcase_add_test(tc, test_try_join_bad_input);
	suite_add_tcase(s, tc);
	tc = tcase_create("select");
	tcase_add_test(tc, test_select_first_wins_losers_dropped);
	tcase_add_test(tc, test_select_drops_loser_frame);
	tcase_add_test(tc, test_select_as_timeout);
	tcase_add_test(tc, test_select_tie_goes_to_lowest_index);
	tcase_add_test(tc, test_select_bad_input);
	tcase_add_test(tc, test_select_abort_drops_children);
	tcase_add_test(tc, test_losers_gone_at_ready);
	suite_add_tcase(s, tc);
	tc = tcase_create("outputs");
	tcase_add_test(tc, test_timeout_of_join_is_eoverflow);
	tcase_add_test(tc, test_uncarried_in_join_select_try_join);
	tcase_add_test(tc, test_join_handle_of_struct_is_eoverflow);
	tcase_add_test(tc, test_spawn_detached_any_output);
	tcase_add_test(tc, test_opt_outputs_are_carried);
	tcase_add_test(tc, test_taskset_next_is_carried);
	tcase_add_test(tc, test_taskset_spawn_discard);
	suite_add_tcase(s, tc);
	tc = tcase_create("join_into");
	tcase_add_test(tc, test_join_into_typed_outputs);
	tcase_add_test(tc, test_join_into_writes_at_completion);
	tcase_add_test(tc, test_join_into_many);
	tcase_add_test(tc, test_join_into_bad_input);
	suite_add_tcase(s, tc);
	return s;
}

TEST_MAIN(combinators_suite)
