/* check_time.c - the clocks and timers: join of sleeps takes the maximum,
 * virtual time moves only when every task is idle, timeout and interval,
 * and a dropped sleep leaves no timer behind. */
#include "../testutil.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

AX_ASYNC(nap, int, int ms;)
{
	AX_BEGIN;
	AX_AWAIT(ax_sleep_ms((uint64_t)self->ms));
	AX_RETURN(self->ms);
	AX_END;
}

AX_ASYNC(three_naps, uint64_t, ax_task *h[3]; int i;)
{
	AX_BEGIN;
	for (self->i = 0; self->i < 3; self->i++)
		self->h[self->i] = AX_SPAWN(AX_CALL(nap, .ms = 100 * (self->i + 1)));
	for (self->i = 0; self->i < 3; self->i++)
		AX_AWAIT(ax_join(self->h[self->i]));
	AX_RETURN(ax_now());
	AX_END;
}

START_TEST(test_concurrent_sleeps_take_max)
{
	ax_rt *rt = test_rt(0);
	uint64_t t = AX_BLOCK_ON(rt, AX_CALL(three_naps));
	ck_assert_uint_eq(t, MS(300));
	TEST_RT_END(rt);
}
END_TEST

AX_ASYNC(seq_naps, uint64_t, int i;)
{
	AX_BEGIN;
	for (self->i = 1; self->i <= 3; self->i++)
		AX_AWAIT(AX_CALL(nap, .ms = 100 * self->i));
	AX_RETURN(ax_now());
	AX_END;
}

START_TEST(test_sequential_sleeps_take_sum)
{
	ax_rt *rt = test_rt(0);
	uint64_t t = AX_BLOCK_ON(rt, AX_CALL(seq_naps));
	ck_assert_uint_eq(t, MS(600));
	TEST_RT_END(rt);
}
END_TEST

/* Virtual time stands still while any task is runnable. */
AX_ASYNC(busy, uint64_t, int i;)
{
	AX_BEGIN;
	for (self->i = 0; self->i < 1000; self->i++)
		AX_AWAIT(ax_yield());
	AX_RETURN(ax_now());
	AX_END;
}

AX_ASYNC(busy_and_sleeper, uint64_t, ax_task *b; ax_task *s; ax_res rb;)
{
	AX_BEGIN;
	self->s = AX_SPAWN(AX_CALL(nap, .ms = 5));
	self->b = AX_SPAWN(AX_CALL(busy));
	AX_AWAIT_TO(self->rb, ax_join(self->b));
	AX_AWAIT(ax_join(self->s));
	ck_assert_uint_eq(ax_now(), MS(5));
	AX_RETURN((uint64_t)self->rb.val);
	AX_END;
}

START_TEST(test_virtual_time_only_when_idle)
{
	ax_rt *rt = test_rt(0);
	uint64_t t = AX_BLOCK_ON(rt, AX_CALL(busy_and_sleeper));
	ck_assert_uint_eq(t, 0); /* 1000 yields happened at time 0 */
	TEST_RT_END(rt);
}
END_TEST

AX_ASYNC(timeouts, int, ax_res a; ax_res b;)
{
	AX_BEGIN;
	AX_AWAIT_TO(self->a, AX_TIMEOUT_MS(50, AX_CALL(nap, .ms = 200)));
	ck_assert_int_eq(self->a.err, -ETIMEDOUT);
	ck_assert_uint_eq(ax_now(), MS(50));
	AX_AWAIT_TO(self->b, AX_TIMEOUT_MS(50, AX_CALL(nap, .ms = 20)));
	ck_assert_int_eq(self->b.err, 0);
	ck_assert_int_eq(self->b.val, 20);
	ck_assert_uint_eq(ax_now(), MS(70));
	AX_RETURN(1);
	AX_END;
}

START_TEST(test_timeout)
{
	ax_rt *rt = test_rt(0);
	ck_assert_int_eq(AX_BLOCK_ON(rt, AX_CALL(timeouts)), 1);
	TEST_RT_END(rt);
}
END_TEST

AX_ASYNC(ticker, uint64_t, ax_interval *iv; uint64_t n; int i;)
{
	AX_BEGIN;
	self->iv = ax_interval_new(10);
	for (self->i = 0; self->i < 4; self->i++)
		AX_AWAIT_TO(self->n, ax_interval_tick(self->iv));
	ax_interval_free(self->iv);
	ck_assert_uint_eq(self->n, 4);
	AX_RETURN(ax_now());
	AX_END;
}

START_TEST(test_interval)
{
	ax_rt *rt = test_rt(0);
	/* Ticks at 0, 10, 20, 30 ms. */
	ck_assert_uint_eq(AX_BLOCK_ON(rt, AX_CALL(ticker)), MS(30));
	TEST_RT_END(rt);
}
END_TEST

START_TEST(test_real_clock_sleep)
{
	ax_rt *rt = ax_rt_new(&(ax_rt_opts){ .clock = AX_CLOCK_REAL });
	uint64_t t0 = ax_now();
	AX_BLOCK_ON(rt, AX_CALL(nap, .ms = 30));
	uint64_t dt = ax_now() - t0;
	ck_assert_uint_ge(dt, MS(30));
	TEST_RT_END(rt);
}
END_TEST

/* When process pid started, in ns of CLOCK_BOOTTIME (the clock the
 * kernel's start times count in), or 0 when it cannot be read. */
static uint64_t proc_start_ns(pid_t pid)
{
	char path[64], buf[1024];
	snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
	FILE *f = fopen(path, "r");
	if (!f)
		return 0;
	size_t n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = 0;
	const char *p = strrchr(buf, ')');
	/* Field 22, starttime, counted from field 3 after the command. */
	for (int field = 2; p && field < 22; field++)
		p = strchr(p + 1, ' ');
	if (!p)
		return 0;
	unsigned long long ticks = strtoull(p + 1, NULL, 10);
	return ticks * (1000000000ull / (uint64_t)sysconf(_SC_CLK_TCK));
}

AX_ASYNC(read_now, uint64_t, int unused;)
{
	AX_BEGIN;
	AX_RETURN(ax_now());
	AX_END;
}

static uint64_t boot_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_BOOTTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* On the real clock, ax_now counts from the program's start: the clock's
 * zero lies after the start of the process that launched the program
 * (the test itself when it forks), and before the runtime was made. */
START_TEST(test_real_clock_counts_from_program_start)
{
	uint64_t before_rt = boot_ns();
	usleep(20000);
	ax_rt *rt = ax_rt_new(&(ax_rt_opts){ .clock = AX_CLOCK_REAL });
	uint64_t now = AX_BLOCK_ON(rt, AX_CALL(read_now));
	uint64_t zero = boot_ns() - now; /* the clock's zero, in boot time */
	uint64_t parent = proc_start_ns(getppid());
	ck_assert_msg(parent, "cannot read /proc/%d/stat", (int)getppid());
	uint64_t tick = 1000000000ull / (uint64_t)sysconf(_SC_CLK_TCK);
	ck_assert_msg(zero + 2 * tick >= parent,
		      "ax_now() = %llu ms: the clock started %llu ms before the "
		      "program's launcher did",
		      (unsigned long long)(now / 1000000),
		      (unsigned long long)((parent - zero) / 1000000));
	ck_assert_msg(zero <= before_rt,
		      "ax_now() = %llu ns: the clock started with the runtime, "
		      "not with the program",
		      (unsigned long long)now);
	ck_assert_uint_gt(now, 0);
	TEST_RT_END(rt);
}
END_TEST

static Suite *time_suite(void)
{
	Suite *s = suite_create("time");
	TCase *tc = tcase_create("timers");
	tcase_add_test(tc, test_concurrent_sleeps_take_max);
	tcase_add_test(tc, test_sequential_sleeps_take_sum);
	tcase_add_test(tc, test_virtual_time_only_when_idle);
	tcase_add_test(tc, test_timeout);
	tcase_add_test(tc, test_interval);
	tcase_add_test(tc, test_real_clock_sleep);
	tcase_add_test(tc, test_real_clock_counts_from_program_start);
	suite_add_tcase(s, tc);
	return s;
}

TEST_MAIN(time_suite)
