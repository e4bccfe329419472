/* check_report_trace.c - the scheduler trace in the typed report: trace
 * events from a canned probe stream become typed events (times from the
 * start of the run, names as written), survive the JSON form, and the
 * questions over them (future lives, polls, spawns from a function,
 * overlaps, peak alive, early drops, aborts, wakes from elsewhere, a lock
 * over an await) answer from the order of events. */
#include "config.h"

#include "inspect_testutil.h"

#include "../testutil.h"

#define TR(fields) "{\"ev\":\"tr\"," fields "}\n"

/* main_async spawns a worker and joins two fetches: both alive at once,
 * the first completes, the second is dropped unfinished (a select's loser);
 * a stream is read three times; the worker is aborted; the main task's
 * waker is stored and a timer wakes it; a blocking lock is held across a
 * pending poll. */
static const char trace_stream[] =
	"{\"ev\":\"hello\",\"v\":1,\"clock\":\"real\",\"t0\":1000,\"trace\":true}\n"
	TR("\"k\":\"rt_start\",\"t\":1000,\"fl\":0")
	"{\"ev\":\"task\",\"id\":1,\"name\":\"main\",\"future\":\"main_async\",\"parent\":0,\"t\":1000}\n"
	TR("\"k\":\"spawn\",\"t\":1000,\"task\":1,\"f\":1,\"name\":\"main_async\"")
	TR("\"k\":\"ready\",\"t\":1000,\"task\":1")
	TR("\"k\":\"poll\",\"t\":1010,\"task\":1")
	"{\"ev\":\"task\",\"id\":2,\"future\":\"worker\",\"parent\":1,\"func\":\"main_async__body\",\"t\":1020}\n"
	TR("\"k\":\"spawn\",\"t\":1020,\"task\":2,\"by\":1,\"f\":2,\"name\":\"worker\",\"file\":\"a.c\",\"line\":9,\"func\":\"main_async__body\"")
	TR("\"k\":\"future_create\",\"t\":1030,\"task\":1,\"f\":3,\"name\":\"fetch\",\"file\":\"a.c\",\"line\":11")
	TR("\"k\":\"future_create\",\"t\":1030,\"task\":1,\"f\":4,\"name\":\"fetch\",\"file\":\"a.c\",\"line\":11")
	TR("\"k\":\"future_poll\",\"t\":1040,\"task\":1,\"f\":3,\"p\":5,\"r\":0,\"fl\":1,\"name\":\"fetch\"")
	TR("\"k\":\"future_poll\",\"t\":1040,\"task\":1,\"f\":4,\"p\":5,\"r\":0,\"fl\":1,\"name\":\"fetch\"")
	TR("\"k\":\"stream_next\",\"t\":1041,\"task\":1,\"obj\":1,\"r\":1,\"name\":\"ticks\"")
	TR("\"k\":\"stream_next\",\"t\":1042,\"task\":1,\"obj\":1,\"r\":1,\"name\":\"ticks\"")
	TR("\"k\":\"stream_next\",\"t\":1043,\"task\":1,\"obj\":1,\"r\":2,\"name\":\"ticks\"")
	TR("\"k\":\"lock_acquire\",\"t\":1044,\"task\":1,\"obj\":1,\"lk\":1,\"file\":\"a.c\",\"line\":12")
	TR("\"k\":\"waker_clone\",\"t\":1045,\"task\":1,\"by\":1,\"f\":6,\"name\":\"sleep\"")
	TR("\"k\":\"timer_arm\",\"t\":1045,\"task\":1,\"obj\":1,\"d\":5001000")
	TR("\"k\":\"poll_end\",\"t\":1050,\"task\":1,\"r\":0,\"f\":6,\"name\":\"sleep\",\"file\":\"a.c\",\"line\":13,\"out\":6")
	TR("\"k\":\"cancel\",\"t\":1060,\"task\":2,\"by\":1")
	TR("\"k\":\"exit\",\"t\":1070,\"task\":2,\"fl\":1")
	"{\"ev\":\"exit\",\"id\":2,\"aborted\":true,\"t\":1070}\n"
	TR("\"k\":\"clock\",\"t\":5001000,\"d\":5001000")
	TR("\"k\":\"timer_fire\",\"t\":5001000,\"task\":1,\"obj\":1")
	TR("\"k\":\"wake\",\"t\":5001000,\"task\":1,\"src\":3")
	TR("\"k\":\"lock_release\",\"t\":5001010,\"task\":1,\"obj\":1,\"lk\":1")
	TR("\"k\":\"future_poll\",\"t\":5001020,\"task\":1,\"f\":3,\"p\":5,\"r\":1,\"name\":\"fetch\"")
	TR("\"k\":\"future_drop\",\"t\":5001030,\"task\":1,\"f\":3,\"fl\":1,\"name\":\"fetch\"")
	TR("\"k\":\"future_drop\",\"t\":5001030,\"task\":1,\"f\":4,\"fl\":0,\"name\":\"fetch\"")
	TR("\"k\":\"poll_end\",\"t\":5001040,\"task\":1,\"r\":1")
	TR("\"k\":\"exit\",\"t\":5001040,\"task\":1")
	"{\"ev\":\"exit\",\"id\":1,\"aborted\":false,\"t\":5001040}\n"
	TR("\"k\":\"no_such_kind\",\"t\":5001050")
	"{\"ev\":\"bye\"}\n";

static axc_report *traced(void)
{
	static const char *files[] = { "a.c" };
	axc_opts o;
	axc_opts_init(&o);
	o.files = files;
	o.nfiles = 1;
	axc__result r = { 0 };
	axc__ev_init(&r.ev);
	/* Awkward chunks, as the pipe delivers them. */
	for (size_t i = 0, n = strlen(trace_stream); i < n; i += 7)
		axc__ev_feed(&r.ev, trace_stream + i, n - i < 7 ? n - i : 7);
	axc__ev_finish(&r.ev);
	r.out = strdup("ready\n");
	r.out_len = 6;
	r.err = strdup("");
	axc__inputs in = { .program = "a.c", .res = &r, .probe = "/x/probe.so" };
	axc_report *rep = axc__report_make(&o, &in);
	axc__result_free(&r);
	ck_assert_ptr_nonnull(rep);
	assert_report_schema(rep);
	return rep;
}

START_TEST(test_events_typed)
{
	axc_report *r = traced();
	ck_assert(r->trace.on);
	/* Every tr line but the unknown kind, which counts as a bad line. */
	ck_assert_uint_eq(r->trace.nevents, 27);
	ck_assert_uint_eq(r->stats.bad_event_lines, 1);
	const axc_event *e = r->trace.events;
	ck_assert_int_eq(e[0].kind, AXC_EV_RT_START);
	ck_assert_int_eq(e[1].kind, AXC_EV_SPAWN);
	ck_assert_uint_eq(e[1].t, 0); /* from the start of the run (t0 1000) */
	ck_assert_int_eq(e[4].kind, AXC_EV_SPAWN);
	ck_assert_int_eq(e[4].by, 1);
	ck_assert_str_eq(e[4].func, "main_async"); /* as written, no __body */
	ck_assert_str_eq(e[4].file, "a.c");
	ck_assert_int_eq(e[4].line, 9);
	ck_assert_int_eq(e[7].kind, AXC_EV_FUTURE_POLL);
	ck_assert(e[7].flag);
	ck_assert_uint_eq(e[7].parent, 5);
	ck_assert_int_eq(e[14].kind, AXC_EV_TIMER_ARM);
	ck_assert_uint_eq(e[14].deadline, 5000000);
	ck_assert_int_eq(e[15].kind, AXC_EV_POLL_END);
	ck_assert_int_eq(e[15].result, AXC_POLL_PENDING);
	ck_assert_uint_eq(e[15].out_len, 6);
	ck_assert_str_eq(e[15].name, "sleep");
	ck_assert_int_eq(e[20].kind, AXC_EV_WAKE);
	ck_assert_int_eq(e[20].source, AXC_WAKE_TIMER);
	/* The task table gets the spawning function too. */
	ck_assert_str_eq(axc_report_task(r, 2)->spawn_func, "main_async");
	axc_report_free(r);
}
END_TEST

START_TEST(test_future_lives)
{
	axc_report *r = traced();
	size_t n;
	const axc_future_life *l = axc_trace_futures(r, &n);
	ck_assert_uint_eq(n, 2);
	ck_assert_uint_eq(l[0].id, 3);
	ck_assert_str_eq(l[0].name, "fetch");
	ck_assert_str_eq(l[0].file, "a.c");
	ck_assert_int_eq(l[0].line, 11);
	ck_assert_uint_eq(l[0].parent, 5);
	ck_assert_uint_eq(l[0].polls, 2);
	ck_assert(l[0].completed && l[0].dropped);
	ck_assert_uint_eq(l[1].polls, 1);
	ck_assert(!l[1].completed && l[1].dropped);
	ck_assert_uint_lt(l[0].first, l[1].last);
	ck_assert_uint_eq(l[0].t1, 5000030);
	/* The same array again (computed once). */
	size_t n2;
	ck_assert_ptr_eq(axc_trace_futures(r, &n2), l);
	axc_report_free(r);
}
END_TEST

START_TEST(test_questions)
{
	axc_report *r = traced();
	ck_assert_uint_eq(axc_trace_polls(r, "fetch"), 3);
	ck_assert_uint_eq(axc_trace_polls(r, "nope"), 0);
	ck_assert_uint_eq(axc_trace_stream_nexts(r, "ticks"), 3);
	ck_assert_uint_eq(axc_trace_spawns_from(r, "main_async"), 1);
	ck_assert_uint_eq(axc_trace_spawns_from(r, "worker"), 0);
	ck_assert(axc_trace_overlapped(r, "fetch", "fetch"));
	ck_assert(!axc_trace_overlapped(r, "fetch", "sleep"));
	ck_assert_uint_eq(axc_trace_peak_alive(r, "fetch"), 2);
	ck_assert_uint_eq(axc_trace_dropped_early(r, "fetch"), 1);
	ck_assert_uint_eq(axc_trace_aborted(r, "worker"), 1);
	ck_assert_uint_eq(axc_trace_aborted(r, "main_async"), 0);
	ck_assert_uint_eq(axc_trace_woken_elsewhere(r, "main_async"), 1);
	ck_assert(axc_trace_lock_over_await(r, 1));
	ck_assert(axc_trace_lock_over_await(r, -1));
	ck_assert(!axc_trace_lock_over_await(r, 0));
	axc_report_free(r);
}
END_TEST

/* A run without a trace answers nothing, and says it was not traced. */
START_TEST(test_untraced)
{
	axc_opts o;
	axc_opts_init(&o);
	axc__result res = { 0 };
	axc__ev_init(&res.ev);
	const char *s = "{\"ev\":\"hello\",\"v\":1,\"clock\":\"virtual\"}\n";
	axc__ev_feed(&res.ev, s, strlen(s));
	res.out = strdup("");
	res.err = strdup("");
	axc__inputs in = { .program = "a.c", .res = &res };
	axc_report *r = axc__report_make(&o, &in);
	axc__result_free(&res);
	ck_assert(!r->trace.on);
	size_t n;
	axc_trace_futures(r, &n);
	ck_assert_uint_eq(n, 0);
	ck_assert_uint_eq(axc_trace_polls(r, NULL), 0);
	ck_assert(!axc_trace_overlapped(r, NULL, NULL));
	ck_assert_uint_eq(axc_trace_peak_alive(r, NULL), 0);
	axc_report_free(r);
}
END_TEST

static Suite *report_trace_suite(void)
{
	Suite *s = suite_create("report_trace");
	TCase *tc = tcase_create("trace");
	tcase_add_test(tc, test_events_typed);
	tcase_add_test(tc, test_future_lives);
	tcase_add_test(tc, test_questions);
	tcase_add_test(tc, test_untraced);
	suite_add_tcase(s, tc);
	return s;
}

TEST_MAIN(report_trace_suite)
