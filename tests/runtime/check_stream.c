/* check_stream.c - streams: sources and the map/filter/take adapters,
 * next, for_each awaiting its futures one at a time, collect, and the
 * bounded concurrency of buffered and buffer_unordered (order kept or
 * not, never more than n futures in flight, in-flight futures dropped with
 * the stream). */
#include "../testutil.h"

#include <errno.h>

/* A work item: sleeps ms and yields val.  live counts work futures that
 * exist (created, not yet dropped); peak is the most that ever did. */
static int live, peak, dropped;

typedef struct work_t {
	ax_future base;
	ax_val out;
	ax_sleep_t sleep;
	uint64_t ms;
	ax_val val;
} work_t;

static ax_poll_t work_poll(ax_future *f, ax_cx *cx)
{
	work_t *w = (work_t *)(void *)f;
	if (w->sleep.base.vt == NULL)
		w->sleep = ax_sleep_ms(w->ms); /* the work starts when polled */
	if (ax_poll(&w->sleep.base, cx) == AX_PENDING)
		return AX_PENDING;
	w->out = w->val;
	return AX_READY;
}

static void work_drop(ax_future *f)
{
	work_t *w = (work_t *)(void *)f;
	if (w->sleep.base.vt)
		ax_future_drop(&w->sleep.base);
	live--;
	dropped++;
}

static const ax_future_vt work_vt = AX_VT_OF(work_t, "work", work_poll, work_drop, 0);

static ax_future *make_work(uint64_t ms, ax_val val)
{
	ax_future *f = AX_BOX(((work_t){ .base.vt = &work_vt, .ms = ms, .val = val }));
	if (f && ++live > peak)
		peak = live;
	return f;
}

static void reset_work(void)
{
	live = peak = dropped = 0;
}

/* map_future makers: ud points to the item time in ms. */
static ax_future *fixed_work(ax_val v, void *ud)
{
	return make_work(*(uint64_t *)ud, v);
}

/* Item v takes v ms and yields v. */
static ax_future *timed_work(ax_val v, void *ud)
{
	(void)ud;
	return make_work((uint64_t)v, v);
}

static ax_val square(ax_val v, void *ud)
{
	(void)ud;
	return v * v;
}

static bool is_odd(ax_val v, void *ud)
{
	(void)ud;
	return v & 1;
}

static bool count_to(void *ud, ax_val *item)
{
	int *n = ud;
	if (*n >= 5)
		return false;
	*item = ++*n;
	return true;
}

static bool forever(void *ud, ax_val *item)
{
	(void)ud;
	*item = 7;
	return true;
}

/* sources and simple adapters ------------------------------------------- */

START_TEST(test_collect_array)
{
	ax_rt *rt = test_rt(0);
	const ax_val in[] = { 4, -1, 9, 0 };
	ax_collected c = AX_BLOCK_ON(rt, ax_stream_collect(ax_stream_from_array(in, 4)));
	ck_assert_uint_eq(c.n, 4);
	for (size_t i = 0; i < 4; i++)
		ck_assert_int_eq(c.v[i], in[i]);
	free(c.v);
	c = AX_BLOCK_ON(rt, ax_stream_collect(ax_stream_from_array(NULL, 0)));
	ck_assert_uint_eq(c.n, 0);
	free(c.v);
	TEST_RT_END(rt);
}
END_TEST

START_TEST(test_map_filter_take)
{
	ax_rt *rt = test_rt(0);
	ax_stream *s = ax_stream_range(0, 100);
	s = ax_stream_filter(s, is_odd, NULL);
	s = ax_stream_map(s, square, NULL);
	s = ax_stream_take(s, 6);
	ax_collected c = AX_BLOCK_ON(rt, ax_stream_collect(s));
	ck_assert_uint_eq(c.n, 6);
	for (size_t i = 0; i < c.n; i++) {
		ax_val odd = 2 * (ax_val)i + 1;
		ck_assert_int_eq(c.v[i], odd * odd);
	}
	free(c.v);
	TEST_RT_END(rt);
}
END_TEST

START_TEST(test_iter_and_take_of_endless)
{
	ax_rt *rt = test_rt(0);
	int n = 0;
	ax_collected c = AX_BLOCK_ON(rt, ax_stream_collect(ax_stream_from_iter(count_to, &n)));
	ck_assert_uint_eq(c.n, 5);
	for (size_t i = 0; i < c.n; i++)
		ck_assert_int_eq(c.v[i], (ax_val)i + 1);
	free(c.v);
	/* take ends an endless stream without polling it past n items. */
	c = AX_BLOCK_ON(rt, ax_stream_collect(
				    ax_stream_take(ax_stream_from_iter(forever, NULL), 3)));
	ck_assert_uint_eq(c.n, 3);
	ck_assert_int_eq(c.v[2], 7);
	free(c.v);
	TEST_RT_END(rt);
}
END_TEST

/* while let Some(v) = s.next().await { sum += v } */
AX_ASYNC(sum_next, ax_val, ax_stream *s; ax_opt o;)
{
	AX_BEGIN;
	for (;;) {
		AX_AWAIT_TO(self->o, ax_next(self->s));
		if (!self->o.some)
			break;
		self->out += self->o.val;
	}
	/* A finished stream keeps reporting its end. */
	AX_AWAIT_TO(self->o, ax_next(self->s));
	ck_assert(!self->o.some);
	ax_stream_free(self->s);
	AX_EXIT;
}

START_TEST(test_next)
{
	ax_rt *rt = test_rt(0);
	ax_val sum = AX_BLOCK_ON(rt, AX_CALL(sum_next, .s = ax_stream_range(1, 11)));
	ck_assert_int_eq(sum, 10 * 11 / 2);
	/* next over buffered futures waits for them. */
	uint64_t ms = 25;
	sum = AX_BLOCK_ON(rt, AX_CALL(sum_next,
				      .s = ax_stream_buffered(
					      ax_stream_map_future(ax_stream_range(1, 5),
								   fixed_work, &ms),
					      2)));
	ck_assert_int_eq(sum, 1 + 2 + 3 + 4);
	ck_assert_uint_eq(ax_now(), MS(2 * 25)); /* 4 items, 2 at a time */
	TEST_RT_END(rt);
}
END_TEST

START_TEST(test_null_streams)
{
	ax_rt *rt = test_rt(0);
	ck_assert_ptr_null(ax_stream_map(NULL, square, NULL));
	ck_assert_ptr_null(ax_stream_buffered(NULL, 4));
	ax_stream_free(NULL);
	ax_collected c = AX_BLOCK_ON(rt, ax_stream_collect(NULL));
	ck_assert_ptr_null(c.v);
	ck_assert_uint_eq(c.n, 0);
	ck_assert_uint_eq(AX_BLOCK_ON(rt, ax_stream_for_each(NULL, NULL, NULL)), 0);
	TEST_RT_END(rt);
}
END_TEST

/* for_each --------------------------------------------------------------- */

static ax_val seen[16];
static size_t nseen;

static ax_future *visit(ax_val v, void *ud)
{
	seen[nseen++] = v;
	/* Work is created only after the previous item's work finished. */
	ck_assert_int_eq(live, 0);
	return make_work(*(uint64_t *)ud, v);
}

START_TEST(test_for_each_awaits_sequentially)
{
	reset_work();
	nseen = 0;
	ax_rt *rt = test_rt(0);
	uint64_t ms = 10;
	size_t n = AX_BLOCK_ON(rt, ax_stream_for_each(ax_stream_range(0, 5), visit, &ms));
	ck_assert_uint_eq(n, 5);
	ck_assert_uint_eq(ax_now(), MS(5 * 10)); /* one after another */
	ck_assert_int_eq(peak, 1);
	for (size_t i = 0; i < 5; i++)
		ck_assert_int_eq(seen[i], (ax_val)i);
	TEST_RT_END(rt);
}
END_TEST

static ax_future *tally(ax_val v, void *ud)
{
	*(ax_val *)ud += v;
	return NULL; /* nothing to await */
}

START_TEST(test_for_each_plain)
{
	ax_rt *rt = test_rt(0);
	ax_val sum = 0;
	size_t n = AX_BLOCK_ON(rt, ax_stream_for_each(ax_stream_range(0, 1000), tally, &sum));
	ck_assert_uint_eq(n, 1000);
	ck_assert_int_eq(sum, 999 * 1000 / 2);
	ck_assert_uint_eq(ax_now(), 0);
	TEST_RT_END(rt);
}
END_TEST

/* buffered / buffer_unordered -------------------------------------------- */

START_TEST(test_buffered_keeps_order)
{
	reset_work();
	ax_rt *rt = test_rt(0);
	/* Later items finish first: 50, 40, 30, 20, 10 ms. */
	const ax_val ms[] = { 50, 40, 30, 20, 10 };
	ax_stream *s = ax_stream_buffered(
		ax_stream_map_future(ax_stream_from_array(ms, 5), timed_work, NULL), 5);
	ax_collected c = AX_BLOCK_ON(rt, ax_stream_collect(s));
	ck_assert_uint_eq(c.n, 5);
	for (size_t i = 0; i < 5; i++)
		ck_assert_int_eq(c.v[i], ms[i]);
	free(c.v);
	ck_assert_uint_eq(ax_now(), MS(50)); /* all ran at once */
	ck_assert_int_eq(peak, 5);
	ck_assert_int_eq(live, 0);
	TEST_RT_END(rt);
}
END_TEST

START_TEST(test_buffered_bound)
{
	reset_work();
	ax_rt *rt = test_rt(0);
	uint64_t ms = 10;
	ax_stream *s = ax_stream_buffered(
		ax_stream_map_future(ax_stream_range(0, 100), fixed_work, &ms), 4);
	ax_collected c = AX_BLOCK_ON(rt, ax_stream_collect(s));
	ck_assert_uint_eq(c.n, 100);
	for (size_t i = 0; i < c.n; i++)
		ck_assert_int_eq(c.v[i], (ax_val)i);
	free(c.v);
	ck_assert_int_eq(peak, 4);
	ck_assert_uint_eq(ax_now(), MS(100 / 4 * 10));
	TEST_RT_END(rt);
}
END_TEST

START_TEST(test_buffer_unordered_completion_order)
{
	reset_work();
	ax_rt *rt = test_rt(0);
	const ax_val ms[] = { 30, 10, 20 };
	ax_stream *s = ax_stream_buffer_unordered(
		ax_stream_map_future(ax_stream_from_array(ms, 3), timed_work, NULL), 3);
	ax_collected c = AX_BLOCK_ON(rt, ax_stream_collect(s));
	ck_assert_uint_eq(c.n, 3);
	ck_assert_int_eq(c.v[0], 10);
	ck_assert_int_eq(c.v[1], 20);
	ck_assert_int_eq(c.v[2], 30);
	free(c.v);
	ck_assert_uint_eq(ax_now(), MS(30));
	TEST_RT_END(rt);
}
END_TEST

/* 1000 items of 5 ms, 10 at a time: 100 rounds, never more than 10 live. */
START_TEST(test_buffer_unordered_bound)
{
	reset_work();
	ax_rt *rt = test_rt(0);
	uint64_t ms = 5;
	ax_val sum = 0;
	ax_stream *s = ax_stream_buffer_unordered(
		ax_stream_map_future(ax_stream_range(0, 1000), fixed_work, &ms), 10);
	size_t n = AX_BLOCK_ON(rt, ax_stream_for_each(s, tally, &sum));
	ck_assert_uint_eq(n, 1000);
	ck_assert_int_eq(sum, 999 * 1000 / 2); /* every item exactly once */
	ck_assert_int_eq(peak, 10);
	ck_assert_int_eq(live, 0);
	ck_assert_uint_eq(ax_now(), MS(100 * 5));
	TEST_RT_END(rt);
}
END_TEST

/* Dropping the consumer drops the adapter, its inner stream and every
 * future in flight. */
START_TEST(test_drop_in_flight)
{
	reset_work();
	ax_rt *rt = test_rt(0);
	uint64_t ms = 10;
	ax_stream *s = ax_stream_buffer_unordered(
		ax_stream_map_future(ax_stream_range(0, 100), fixed_work, &ms), 4);
	ax_res r = AX_BLOCK_ON(rt, ax_timeout_ms(25, AX_BOX(ax_stream_collect(s))));
	ck_assert_int_eq(r.err, -ETIMEDOUT);
	ck_assert_int_eq(live, 0);
	ck_assert_int_eq(dropped, 12); /* 8 finished, 4 cancelled at 25 ms */

	reset_work();
	s = ax_stream_buffered(ax_stream_map_future(ax_stream_range(0, 100), fixed_work, &ms), 3);
	r = AX_BLOCK_ON(rt, ax_timeout_ms(15, AX_BOX(ax_stream_collect(s))));
	ck_assert_int_eq(r.err, -ETIMEDOUT);
	ck_assert_int_eq(live, 0);
	ck_assert_int_eq(dropped, 6);
	TEST_RT_END(rt);
}
END_TEST

/* An item whose future could not be made yields -ENOMEM in its place. */
static ax_future *odd_fails(ax_val v, void *ud)
{
	return (v & 1) ? NULL : fixed_work(v, ud);
}

START_TEST(test_buffered_null_future)
{
	reset_work();
	ax_rt *rt = test_rt(0);
	uint64_t ms = 10;
	ax_collected c = AX_BLOCK_ON(rt, ax_stream_collect(ax_stream_buffered(
		ax_stream_map_future(ax_stream_range(0, 6), odd_fails, &ms), 2)));
	ck_assert_uint_eq(c.n, 6);
	for (size_t i = 0; i < c.n; i++)
		ck_assert_int_eq(c.v[i], (i & 1) ? -ENOMEM : (ax_val)i);
	free(c.v);
	c = AX_BLOCK_ON(rt, ax_stream_collect(ax_stream_buffer_unordered(
		ax_stream_map_future(ax_stream_range(0, 2), odd_fails, &ms), 2)));
	ck_assert_uint_eq(c.n, 2);
	ck_assert_int_eq(c.v[0], -ENOMEM); /* finished at once, so first */
	ck_assert_int_eq(c.v[1], 0);
	free(c.v);
	ck_assert_int_eq(live, 0);
	TEST_RT_END(rt);
}
END_TEST

/* map_call ---------------------------------------------------------------- */

AX_ASYNC(fetch, int, int id; int calls;)
{
	AX_BEGIN;
	ck_assert_int_eq(self->calls, 0); /* the rest of the frame is zero */
	AX_AWAIT(ax_sleep_ms((uint64_t)(10 * self->id)));
	AX_RETURN(self->id * 100);
	AX_END;
}

AX_ASYNC(neg, int8_t, int8_t b;)
{
	AX_BEGIN;
	AX_RETURN(self->b);
	AX_END;
}

AX_ASYNC(flip, bool, bool on;)
{
	AX_BEGIN;
	AX_RETURN(!self->on);
	AX_END;
}

AX_ASYNC(deref, ax_res, const ax_val *p;)
{
	AX_BEGIN;
	AX_RETURN(((ax_res){ .val = *self->p, .err = self->p ? 0 : -EINVAL }));
	AX_END;
}

/* Each item becomes a call of an async function with the item in the
 * named field, without a maker function: completion order, the bound and
 * virtual time as with map_future. */
START_TEST(test_map_call)
{
	ax_rt *rt = test_rt(0);
	const ax_val ids[] = { 3, 1, 2 };
	ax_collected c = AX_BLOCK_ON(rt, ax_stream_collect(ax_stream_buffer_unordered(
		ax_stream_map_call(ax_stream_from_array(ids, 3), fetch, id), 2)));
	ck_assert_int_eq(c.err, 0);
	ck_assert_uint_eq(c.n, 3);
	ck_assert_int_eq(c.v[0], 100); /* id 1 at 10 ms */
	ck_assert_int_eq(c.v[1], 300); /* id 3 at 30 ms */
	ck_assert_int_eq(c.v[2], 200); /* id 2 at 10 + 20 ms */
	ck_assert_uint_eq(ax_now(), MS(30));
	free(c.v);

	/* Each field type gets the item converted to it. */
	const ax_val b[] = { -3, 200 };
	c = AX_BLOCK_ON(rt, ax_stream_collect(ax_stream_buffered(
		ax_stream_map_call(ax_stream_from_array(b, 2), neg, b), 2)));
	ck_assert_uint_eq(c.n, 2);
	ck_assert_int_eq(c.v[0], -3);
	ck_assert_int_eq(c.v[1], (int8_t)200);
	free(c.v);
	const ax_val on[] = { 0, 5 };
	c = AX_BLOCK_ON(rt, ax_stream_collect(ax_stream_buffered(
		ax_stream_map_call(ax_stream_from_array(on, 2), flip, on), 2)));
	ck_assert_uint_eq(c.n, 2);
	ck_assert_int_eq(c.v[0], 1);
	ck_assert_int_eq(c.v[1], 0);
	free(c.v);
	static const ax_val x = 42;
	const ax_val ptrs[] = { (ax_val)(intptr_t)&x };
	c = AX_BLOCK_ON(rt, ax_stream_collect(ax_stream_buffered(
		ax_stream_map_call(ax_stream_from_array(ptrs, 1), deref, p), 1)));
	ck_assert_uint_eq(c.n, 1);
	ck_assert_int_eq(c.v[0], 42);
	free(c.v);
	ck_assert_ptr_null(ax_stream_map_call(NULL, fetch, id));
	TEST_RT_END(rt);
}
END_TEST

/* Outputs a stream cannot carry end it with -EOVERFLOW instead of
 * yielding 0: in a collect's err, in ax_stream_error after ax_next. */
typedef struct pair {
	int a, b;
} pair;

AX_ASYNC(make_pair, pair, int a;)
{
	AX_BEGIN;
	AX_AWAIT(ax_sleep_ms((uint64_t)self->a));
	AX_RETURN(((pair){ self->a, 2 }));
	AX_END;
}

static ax_future *pair_or_work(ax_val v, void *ud)
{
	(void)ud;
	return v == 20 ? AX_BOX(AX_CALL(make_pair, .a = (int)v)) : make_work((uint64_t)v, v);
}

AX_ASYNC(next_all, int, ax_stream *s; ax_opt o; int n;)
{
	AX_BEGIN;
	for (;;) {
		AX_AWAIT_TO(self->o, ax_next(self->s));
		if (!self->o.some)
			break;
		self->n++;
	}
	AX_RETURN(ax_stream_error(self->s) == -EOVERFLOW ? self->n : -1);
	AX_END;
}

START_TEST(test_uncarried_item_ends_stream)
{
	reset_work();
	ax_rt *rt = test_rt(0);
	const ax_val ms[] = { 10, 20, 30, 40 };
	ax_collected c = AX_BLOCK_ON(rt, ax_stream_collect(ax_stream_buffer_unordered(
		ax_stream_map_future(ax_stream_from_array(ms, 4), pair_or_work, NULL), 3)));
	ck_assert_int_eq(c.err, -EOVERFLOW);
	ck_assert_uint_eq(c.n, 1); /* the item before it */
	ck_assert_int_eq(c.v[0], 10);
	free(c.v);
	ck_assert_uint_eq(ax_now(), MS(20)); /* ended there */
	ck_assert_int_eq(live, 0);	      /* those in flight were dropped */
	ck_assert_int_eq(dropped, 3);	      /* 10 finished; 30, 40 cancelled */

	/* ordered, behind a take and a map: the error still reaches the end */
	ax_stream *s = ax_stream_take(ax_stream_buffered(
		ax_stream_map_future(ax_stream_from_array(ms, 4), pair_or_work, NULL), 2), 10);
	ck_assert_int_eq(AX_BLOCK_ON(rt, AX_CALL(next_all, .s = s)), 1);
	ax_stream_free(s);

	/* without a lost output, no error */
	s = ax_stream_buffered(ax_stream_map_future(ax_stream_range(1, 3), timed_work, NULL), 2);
	c = AX_BLOCK_ON(rt, ax_stream_collect(s));
	ck_assert_int_eq(c.err, 0);
	ck_assert_uint_eq(c.n, 2);
	free(c.v);
	ck_assert_int_eq(ax_stream_error(NULL), 0);
	ck_assert_int_eq(live, 0);
	TEST_RT_END(rt);
}
END_TEST

/* An ax_opt output is carried as its val (it was 0). */
AX_ASYNC(some_of, ax_opt, int v;)
{
	AX_BEGIN;
	AX_RETURN(((ax_opt){ .val = self->v, .some = true }));
	AX_END;
}

START_TEST(test_opt_items_are_carried)
{
	ax_rt *rt = test_rt(0);
	const ax_val v[] = { 5, 6 };
	ax_collected c = AX_BLOCK_ON(rt, ax_stream_collect(ax_stream_buffered(
		ax_stream_map_call(ax_stream_from_array(v, 2), some_of, v), 2)));
	ck_assert_int_eq(c.err, 0);
	ck_assert_uint_eq(c.n, 2);
	ck_assert_int_eq(c.v[0], 5);
	ck_assert_int_eq(c.v[1], 6);
	free(c.v);
	TEST_RT_END(rt);
}
END_TEST

static Suite *stream_suite(void)
{
	Suite *s = suite_create("stream");
	TCase *tc = tcase_create("adapters");
	tcase_add_test(tc, test_collect_array);
	tcase_add_test(tc, test_map_filter_take);
	tcase_add_test(tc, test_iter_and_take_of_endless);
	tcase_add_test(tc, test_next);
	tcase_add_test(tc, test_null_streams);
	suite_add_tcase(s, tc);
	tc = tcase_create("for_each");
	tcase_add_test(tc, test_for_each_awaits_sequentially);
	tcase_add_test(tc, test_for_each_plain);
	suite_add_tcase(s, tc);
	tc = tcase_create("buffered");
	tcase_add_test(tc, test_buffered_keeps_order);
	tcase_add_test(tc, test_buffered_bound);
	tcase_add_test(tc, test_buffer_unordered_completion_order);
	tcase_add_test(tc, test_buffer_unordered_bound);
	tcase_add_test(tc, test_drop_in_flight);
	tcase_add_test(tc, test_buffered_null_future);
	suite_add_tcase(s, tc);
	tc = tcase_create("map_call");
	tcase_add_test(tc, test_map_call);
	tcase_add_test(tc, test_uncarried_item_ends_stream);
	tcase_add_test(tc, test_opt_items_are_carried);
	suite_add_tcase(s, tc);
	return s;
}

TEST_MAIN(stream_suite)
