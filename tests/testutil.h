/* testutil.h - shared helpers for the Check suites: a main() that runs one
 * suite in fork mode, and runtime set-up/tear-down that asserts nothing
 * was left behind. */
#ifndef ASYNCLAB_TESTUTIL_H
#define ASYNCLAB_TESTUTIL_H

#include <asynclab.h>
#include <asynclab/future.h>
#include <check.h>
#include <stdlib.h>

/* The worker threads the suites' runtimes get: AX_TEST_WORKERS (the
 * check target runs the suites with 1 and with 2), else 1. */
static inline int test_workers(void)
{
	const char *s = getenv("AX_TEST_WORKERS");
	return s && *s ? atoi(s) : 1;
}

/* A virtual-clock runtime with the given seed. */
static inline ax_rt *test_rt(uint64_t seed)
{
	ax_rt_opts o = { .clock = AX_CLOCK_VIRTUAL, .seed = seed, .workers = test_workers() };
	ax_rt *rt = ax_rt_new(&o);
	ck_assert_ptr_nonnull(rt);
	return rt;
}

/* End rt and assert that no task, timer, descriptor wait or boxed future
 * survived. */
#define TEST_RT_END(rt)                                                      \
	do {                                                                 \
		ax_rt_stats st__;                                            \
		ax_rt_stats_get((rt), &st__);                                \
		ck_assert_uint_eq(st__.timers, 0);                           \
		ck_assert_uint_eq(st__.io_waiters, 0);                       \
		ck_assert_int_eq(ax_rt_free(rt), 0);                         \
		ck_assert_uint_eq(ax_rt_stats_boxed(), 0);                   \
	} while (0)

/* The same after checking that every task was freed: a waker a primitive
 * forgot to release keeps its task alive. */
#define TEST_RT_END_FREED(rt)                                                \
	do {                                                                 \
		ax_rt_stats s__;                                             \
		ax_rt_stats_get((rt), &s__);                                 \
		ck_assert_uint_eq(s__.live_tasks, 0);                        \
		TEST_RT_END(rt);                                             \
	} while (0)

static inline uint64_t ax_rt_stats_boxed(void)
{
	ax_rt *tmp = ax_rt_current();
	ax_rt_stats st;
	if (tmp) {
		ax_rt_stats_get(tmp, &st);
		return st.boxed_futures;
	}
	tmp = ax_rt_new(NULL);
	ax_rt_stats_get(tmp, &st);
	ax_rt_free(tmp);
	return st.boxed_futures;
}

#define MS(x) ((uint64_t)(x) * 1000000ull)

#define TEST_MAIN(suite_fn)                                                  \
	int main(void)                                                       \
	{                                                                    \
		SRunner *sr = srunner_create(suite_fn());                    \
		srunner_run_all(sr, CK_NORMAL);                              \
		int failed = srunner_ntests_failed(sr);                      \
		srunner_free(sr);                                            \
		return failed ? EXIT_FAILURE : EXIT_SUCCESS;                 \
	}

#endif
