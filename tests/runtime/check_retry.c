/* check_retry.c - retry with exponential backoff: the delay schedule, the
 * jitter bounds and its seeded determinism, and in virtual time the exact
 * total of attempts plus backoffs, the attempt limit and the deadline. */
#include "../testutil.h"

#include <errno.h>

/* One attempt: takes ms, then fails with -EAGAIN unless it is attempt
 * number ok_at or later. */
AX_ASYNC(attempt_fn, ax_res, int n; int ok_at; uint64_t ms;)
{
	AX_BEGIN;
	AX_AWAIT(ax_sleep_ms(self->ms));
	if (self->ok_at && self->n >= self->ok_at)
		AX_RETURN(((ax_res){ .val = self->n * 100 }));
	AX_RETURN(((ax_res){ .err = -EAGAIN }));
	AX_END;
}

typedef struct plan {
	int ok_at;	  /* first attempt that succeeds; 0: none */
	uint64_t ms;	  /* how long each attempt takes */
	int attempts;	  /* attempts made so far */
	uint64_t at[16];  /* when each attempt started, ns */
} plan;

static ax_future *make_attempt(int attempt, void *ud)
{
	plan *p = ud;
	ck_assert_int_eq(attempt, p->attempts + 1);
	if (p->attempts < 16)
		p->at[p->attempts] = ax_now();
	p->attempts++;
	return AX_BOX(AX_CALL(attempt_fn, .n = attempt, .ok_at = p->ok_at, .ms = p->ms));
}

/* The schedule the header specifies, written independently. */
static uint64_t expect_delay(uint64_t base, uint64_t max, int attempt)
{
	uint64_t d = base;
	for (int i = 1; i < attempt && d < max; i++)
		d *= 2;
	return d < max ? d : max;
}

START_TEST(test_delay_schedule)
{
	ax_retry_opts o = { .base_ms = 100, .max_ms = 1000 };
	for (int a = 1; a <= 70; a++)
		ck_assert_uint_eq(ax_retry_delay_ms(&o, a, NULL), expect_delay(100, 1000, a));
	ck_assert_uint_eq(ax_retry_delay_ms(&o, 1, NULL), 100);
	ck_assert_uint_eq(ax_retry_delay_ms(&o, 4, NULL), 800);
	ck_assert_uint_eq(ax_retry_delay_ms(&o, 5, NULL), 1000);
	/* No cap: doubling saturates instead of wrapping. */
	ax_retry_opts big = { .base_ms = 3 };
	ck_assert_uint_eq(ax_retry_delay_ms(&big, 3, NULL), 12);
	ck_assert_uint_eq(ax_retry_delay_ms(&big, 200, NULL), UINT64_MAX);
}
END_TEST

START_TEST(test_jitter_bounds_and_determinism)
{
	ax_retry_opts o = { .base_ms = 100, .max_ms = 5000, .jitter = true };
	uint64_t a = 42, b = 42, c = 43;
	int differs = 0, below_full = 0;
	for (int i = 0; i < 1000; i++) {
		int attempt = 1 + i % 8;
		uint64_t d = expect_delay(100, 5000, attempt);
		uint64_t x = ax_retry_delay_ms(&o, attempt, &a);
		uint64_t y = ax_retry_delay_ms(&o, attempt, &b);
		uint64_t z = ax_retry_delay_ms(&o, attempt, &c);
		ck_assert_uint_ge(x, d / 2);
		ck_assert_uint_le(x, d);
		ck_assert_uint_eq(x, y); /* same seed, same jitter */
		differs += x != z;
		below_full += x < d;
	}
	ck_assert_int_gt(differs, 900);
	ck_assert_int_gt(below_full, 900); /* it really is jittered */
}
END_TEST

/* Fails twice, then succeeds: total = attempts + backoffs. */
START_TEST(test_retry_until_success)
{
	ax_rt *rt = test_rt(0);
	plan p = { .ok_at = 3, .ms = 10 };
	ax_retry_opts o = { .max_attempts = 5, .base_ms = 100, .max_ms = 1000 };
	ax_res r = AX_BLOCK_ON(rt, ax_retry(make_attempt, &p, o));
	ck_assert_int_eq(r.err, 0);
	ck_assert_int_eq(r.val, 300);
	ck_assert_int_eq(p.attempts, 3);
	ck_assert_uint_eq(ax_now(), MS(3 * 10 + 100 + 200));
	ck_assert_uint_eq(p.at[1], MS(10 + 100));
	ck_assert_uint_eq(p.at[2], MS(10 + 100 + 10 + 200));
	TEST_RT_END(rt);
}
END_TEST

START_TEST(test_retry_max_attempts)
{
	ax_rt *rt = test_rt(0);
	plan p = { .ms = 10 };
	ax_retry_opts o = { .max_attempts = 4, .base_ms = 50, .max_ms = 120 };
	ax_res r = AX_BLOCK_ON(rt, ax_retry(make_attempt, &p, o));
	ck_assert_int_eq(r.err, -EAGAIN); /* the last attempt's result */
	ck_assert_int_eq(p.attempts, 4);
	/* Backoffs 50, 100, then capped at 120; none after the last. */
	ck_assert_uint_eq(ax_now(), MS(4 * 10 + 50 + 100 + 120));
	TEST_RT_END(rt);
}
END_TEST

/* With a deadline of 500 ms: attempt 1 at 0, 2 at 110, 3 at 320; a 4th
 * would start at 730 > 500, so it stops at 330 with -ETIMEDOUT. */
START_TEST(test_retry_deadline)
{
	ax_rt *rt = test_rt(0);
	plan p = { .ms = 10 };
	ax_retry_opts o = { .base_ms = 100, .max_ms = 10000, .deadline_ms = 500 };
	ax_res r = AX_BLOCK_ON(rt, ax_retry(make_attempt, &p, o));
	ck_assert_int_eq(r.err, -ETIMEDOUT);
	ck_assert_int_eq(p.attempts, 3);
	ck_assert_uint_eq(ax_now(), MS(10 + 100 + 10 + 200 + 10));
	TEST_RT_END(rt);
}
END_TEST

/* The total time of a jittered run with a runtime seed. */
static uint64_t jittered_run(uint64_t seed, plan *p)
{
	ax_rt *rt = test_rt(seed);
	*p = (plan){ .ok_at = 5, .ms = 10 };
	ax_retry_opts o = { .max_attempts = 5, .base_ms = 100, .max_ms = 1000,
			    .jitter = true };
	ax_res r = AX_BLOCK_ON(rt, ax_retry(make_attempt, p, o));
	ck_assert_int_eq(r.err, 0);
	uint64_t t = ax_now();
	TEST_RT_END(rt);
	return t;
}

START_TEST(test_retry_jitter_seeded)
{
	plan p1, p2, p3;
	uint64_t t1 = jittered_run(7, &p1);
	uint64_t t2 = jittered_run(7, &p2);
	uint64_t t3 = jittered_run(8, &p3);
	ck_assert_uint_eq(t1, t2);
	for (int i = 0; i < 5; i++)
		ck_assert_uint_eq(p1.at[i], p2.at[i]);
	ck_assert_uint_ne(t1, t3);
	/* Each backoff lies in [d/2, d]. */
	for (int i = 1; i < 5; i++) {
		uint64_t gap = p1.at[i] - p1.at[i - 1] - MS(10);
		uint64_t d = MS(expect_delay(100, 1000, i));
		ck_assert_uint_ge(gap, d / 2);
		ck_assert_uint_le(gap, d);
	}
}
END_TEST

/* Two retries in one runtime draw different jitter. */
START_TEST(test_retry_jitter_per_future)
{
	ax_rt *rt = test_rt(99);
	plan a = { .ms = 1 }, b = { .ms = 1 };
	ax_retry_opts o = { .max_attempts = 4, .base_ms = 1000, .max_ms = 8000,
			    .jitter = true };
	ax_vals v = AX_BLOCK_ON(rt, AX_JOIN(ax_retry(make_attempt, &a, o),
					    ax_retry(make_attempt, &b, o)));
	ck_assert_int_eq(v.err, 0);
	ck_assert_int_eq(a.attempts, 4);
	ck_assert_int_eq(b.attempts, 4);
	int same = 0;
	for (int i = 1; i < 4; i++)
		same += a.at[i] == b.at[i];
	ck_assert_int_lt(same, 3);
	TEST_RT_END(rt);
}
END_TEST

static ax_future *make_none(int attempt, void *ud)
{
	(void)attempt;
	(void)ud;
	return NULL;
}

START_TEST(test_retry_make_fails)
{
	ax_rt *rt = test_rt(0);
	ax_retry_opts o = { .max_attempts = 3, .base_ms = 10 };
	ax_res r = AX_BLOCK_ON(rt, ax_retry(make_none, NULL, o));
	ck_assert_int_eq(r.err, -ENOMEM);
	TEST_RT_END(rt);
}
END_TEST

/* Dropping a retry while it sleeps cancels its timer. */
START_TEST(test_retry_dropped_while_sleeping)
{
	ax_rt *rt = test_rt(0);
	plan p = { .ms = 10 };
	ax_retry_opts o = { .max_attempts = 10, .base_ms = 100 };
	ax_res r = AX_BLOCK_ON(rt, AX_TIMEOUT_MS(50, ax_retry(make_attempt, &p, o)));
	ck_assert_int_eq(r.err, -ETIMEDOUT);
	ck_assert_int_eq(p.attempts, 1);
	ck_assert_uint_eq(ax_now(), MS(50));
	TEST_RT_END(rt); /* asserts that no timer is left */
}
END_TEST

static Suite *retry_suite(void)
{
	Suite *s = suite_create("retry");
	TCase *tc = tcase_create("delay");
	tcase_add_test(tc, test_delay_schedule);
	tcase_add_test(tc, test_jitter_bounds_and_determinism);
	suite_add_tcase(s, tc);
	tc = tcase_create("retry");
	tcase_add_test(tc, test_retry_until_success);
	tcase_add_test(tc, test_retry_max_attempts);
	tcase_add_test(tc, test_retry_deadline);
	tcase_add_test(tc, test_retry_jitter_seeded);
	tcase_add_test(tc, test_retry_jitter_per_future);
	tcase_add_test(tc, test_retry_make_fails);
	tcase_add_test(tc, test_retry_dropped_while_sleeping);
	suite_add_tcase(s, tc);
	return s;
}

TEST_MAIN(retry_suite)
