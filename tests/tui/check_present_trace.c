/* check_present_trace.c - presenter mode's model and screen on real
 * recorded traces: lesson 4's starter and solution and lesson 15's
 * starter run through the lesson engine with the trace on (the probe's
 * ASYNCLAB_TRACE=1), then every step rebuilt, described and drawn, and
 * the states that tell each lesson's story asserted: the starter's
 * fetches one after the other, the solution's three at once, lesson 15's
 * lock held across the await with the next request blocked on it. */
#include "config.h"

#include "../../tui/present.h"
#include "../../lessons/engine.h"
#include "../testutil.h"

#include <string.h>

static axl_result *run(const char *lesson, const char *file)
{
	char dir[2048], path[4096];
	snprintf(dir, sizeof dir, "%s/%s", AXL_TEST_LESSONS, lesson);
	snprintf(path, sizeof path, "%s/%s", dir, file);
	axl_lesson *l = NULL;
	axl_diags d = { 0 };
	ck_assert_int_eq(axl_lesson_load(dir, &l, &d), 0);
	axl_diags_free(&d);
	axl_result *res = NULL;
	ck_assert_int_eq(axl_run(l, &(axl_run_opts){ .file = path, .trace = true }, &res), 0);
	ck_assert_ptr_nonnull(res);
	ck_assert_ptr_nonnull(res->report);
	ck_assert_msg(res->report->trace.on && res->report->trace.nevents > 10,
		      "%s %s: no trace (%zu events)", lesson, file, res->report->trace.nevents);
	ck_assert_uint_eq(res->report->trace.dropped, 0);
	res->lesson = NULL; /* the lesson is freed here; the report is what is used */
	axl_lesson_free(l);
	return res;
}

/* Every step rebuilds, is described in words and drawn; the clock and
 * the output never go back. */
static void walk(const axc_report *r)
{
	uint64_t now = 0, out = 0;
	pres_src cache = { 0 };
	for (size_t k = 0; k < r->trace.nevents; k++) {
		pres_state s;
		ck_assert_int_eq(pres_state_at(r, k, &s), 0);
		ck_assert_uint_ge(s.now, now);
		ck_assert_uint_ge(s.out_len, out);
		now = s.now;
		out = s.out_len;
		char buf[256] = "";
		pres_describe(r, k, buf, sizeof buf);
		ck_assert_msg(buf[0], "step %zu (%s) has no words", k,
			      axc_ev_kind_name(r->trace.events[k].kind));
		if (k % 7 == 0 || k + 1 == r->trace.nevents) {
			md_doc doc = { 0 };
			pres_view_opts vo = { .cols = 100, .rows = 40, .finding = (size_t)-1 };
			ck_assert_int_eq(pres_view(r, &s, &vo, &cache, &doc), 0);
			md_free(&doc);
		}
		pres_state_free(&s);
	}
	pres_src_free(&cache);
	ck_assert_uint_le(out, r->out_len);
}

/* The most tasks waiting on a fetch at one step. */
static size_t most_fetching(const axc_report *r)
{
	size_t most = 0;
	for (size_t k = 0; k < r->trace.nevents; k++) {
		pres_state s;
		ck_assert_int_eq(pres_state_at(r, k, &s), 0);
		size_t timers = s.ntimers;
		if (timers > most)
			most = timers;
		pres_state_free(&s);
	}
	return most;
}

START_TEST(join_starter_one_fetch_at_a_time)
{
	axl_result *res = run("04-join", "starter.c");
	const axc_report *r = res->report;
	walk(r);
	/* Awaited one after the other: never two fetches alive, never two
	 * timers armed. */
	ck_assert_uint_ge(axc_trace_polls(r, "fetch"), 6);
	ck_assert_uint_eq(axc_trace_peak_alive(r, "fetch"), 1);
	ck_assert_uint_eq(most_fetching(r), 1);
	/* At the end every task is done and the whole output was written. */
	pres_state s;
	ck_assert_int_eq(pres_state_at(r, r->trace.nevents - 1, &s), 0);
	for (size_t i = 0; i < s.ntasks; i++)
		ck_assert_int_eq(s.tasks[i].state, PRES_DONE);
	pres_state_free(&s);
	axl_result_free(res);
}
END_TEST

START_TEST(join_solution_three_at_once)
{
	axl_result *res = run("04-join", "solution.c");
	const axc_report *r = res->report;
	walk(r);
	ck_assert_uint_eq(axc_trace_peak_alive(r, "fetch"), 3);
	ck_assert(axc_trace_overlapped(r, "fetch", "fetch"));
	ck_assert_uint_eq(most_fetching(r), 3);
	/* Some step shows a task waiting on the join with three timers
	 * armed for it. */
	bool seen = false;
	for (size_t k = 0; k < r->trace.nevents && !seen; k++) {
		pres_state s;
		ck_assert_int_eq(pres_state_at(r, k, &s), 0);
		for (size_t i = 0; i < s.ntasks; i++)
			if (s.tasks[i].state == PRES_WAITING && s.tasks[i].wait_on &&
			    !strcmp(s.tasks[i].wait_on, "join_all") && s.ntimers == 3)
				seen = true;
		pres_state_free(&s);
	}
	ck_assert(seen);
	axl_result_free(res);
}
END_TEST

START_TEST(lock_across_await_starter_deadlock)
{
	axl_result *res = run("15-lock-across-await", "starter.c");
	const axc_report *r = res->report;
	ck_assert_int_eq(r->outcome.end, AXC_END_STOPPED);
	walk(r);
	ck_assert(axc_trace_lock_over_await(r, 1));
	ck_assert_int_eq(r->trace.events[r->trace.nevents - 1].kind, AXC_EV_DEADLOCK);
	/* At the end: a blocking lock held by one request, which waits at an
	 * await, and the next request blocked on it. */
	pres_state s;
	ck_assert_int_eq(pres_state_at(r, r->trace.nevents - 1, &s), 0);
	ck_assert(s.deadlock);
	ck_assert_uint_ge(s.nlocks, 1);
	const pres_lock *lk = NULL;
	for (size_t i = 0; i < s.nlocks; i++)
		if (s.locks[i].kind == 1 && s.locks[i].holder)
			lk = &s.locks[i];
	ck_assert_ptr_nonnull(lk);
	ck_assert_uint_eq(lk->nwaiters, 1);
	const pres_task *holder = pres_task_of(&s, lk->holder);
	const pres_task *waiter = pres_task_of(&s, lk->waiters[0]);
	ck_assert_int_eq(holder->state, PRES_WAITING);
	ck_assert_int_eq(waiter->state, PRES_BLOCKED);
	ck_assert_uint_eq(waiter->blocked_on, lk->id);
	char buf[256];
	pres_describe(r, r->trace.nevents - 2, buf, sizeof buf);
	ck_assert_msg(strstr(buf, "blocking lock"), "%s", buf);
	pres_state_free(&s);
	axl_result_free(res);
}
END_TEST

static Suite *present_trace_suite(void)
{
	Suite *s = suite_create("present_trace");
	TCase *tc = tcase_create("recorded");
	tcase_set_timeout(tc, 180);
	tcase_add_test(tc, join_starter_one_fetch_at_a_time);
	tcase_add_test(tc, join_solution_three_at_once);
	tcase_add_test(tc, lock_across_await_starter_deadlock);
	suite_add_tcase(s, tc);
	return s;
}

TEST_MAIN(present_trace_suite)
