/* check_inspect_report.c - the inspector from event stream to output:
 * canned probe streams are read (in awkward chunks), turned into run
 * reports that must match docs/report-schema.json, and rendered as text,
 * JSON lines and SARIF; plus the id table, verdicts and symbolisation. */
#include "config.h"

#include "inspect_testutil.h"

#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <unistd.h>

#include "../testutil.h"

static const char stream[] =
	"{\"ev\":\"hello\",\"v\":1,\"pid\":123,\"clock\":\"virtual\",\"exe\":\"/abs/prog\"}\n"
	"{\"ev\":\"task\",\"id\":1,\"name\":\"main\",\"future\":\"main_async\",\"parent\":0,\"file\":\"a.c\",\"line\":40,\"t\":0}\n"
	"{\"ev\":\"task\",\"id\":3,\"name\":\"worker\",\"future\":\"fetch\",\"parent\":1,\"file\":\"a.c\",\"line\":12,\"t\":0}\n"
	"{\"ev\":\"span\",\"task\":3,\"kind\":\"poll\",\"t0\":0,\"t1\":100000000,\"real_ns\":1234}\n"
	"{\"ev\":\"span\",\"task\":3,\"kind\":\"stall\",\"t0\":0,\"t1\":100000000}\n"
	"{\"ev\":\"finding\",\"id\":\"blocking-call\",\"message\":\"blocking call sleep() inside a poll\",\"task\":3,"
	"\"loc\":{\"file\":\"a.c\",\"line\":20,\"func\":\"fetch\"},"
	"\"notes\":[{\"message\":\"lock taken here\",\"loc\":{\"file\":\"a.c\",\"line\":15}}]}\n"
	"{\"ev\":\"finding\",\"id\":\"blocking-call\",\"message\":\"blocking call sleep() inside a poll\",\"task\":3,"
	"\"loc\":{\"file\":\"a.c\",\"line\":20,\"func\":\"fetch\"}}\n"
	"{\"ev\":\"finding\",\"id\":\"lock-across-await\",\"message\":\"lock held across an await\",\"task\":3,"
	"\"loc\":{\"file\":\"a.c\",\"line\":15,\"func\":\"fetch\"}}\n"
	"this is not json\n"
	"{\"ev\":\"exit\",\"id\":3,\"aborted\":false,\"t\":300000000}\n"
	"{\"ev\":\"stats\",\"peak_live_tasks\":2,\"spawned\":2,\"polls\":5,\"virtual_ns\":300000000,\"wall_ns\":1000}\n"
	"{\"ev\":\"bye\"}";	/* no final newline: finish() must still read it */

struct canned {
	const char *events;
	bool timed_out, crashed;
	const char *limit;
	const char *out;
	size_t out_len;
};

static json_t *report_of(const axc_opts *o, const struct canned *c)
{
	axc__result r = { 0 };
	axc__ev_init(&r.ev);
	/* Chunks of 1..13 bytes, so lines arrive split everywhere. */
	const char *p = c->events;
	size_t left = strlen(p), k = 1;
	while (left) {
		size_t n = k < left ? k : left;
		axc__ev_feed(&r.ev, p, n);
		p += n;
		left -= n;
		k = k % 13 + 1;
	}
	axc__ev_finish(&r.ev);
	r.out = malloc(c->out_len + 1);
	memcpy(r.out, c->out ? c->out : "", c->out_len);
	r.out[c->out_len] = '\0';
	r.out_len = c->out_len;
	r.err = strdup("");
	r.timed_out = c->timed_out;
	r.limit = c->timed_out ? "time" : c->limit;
	r.killed = c->timed_out;
	r.status = c->timed_out || c->crashed ? -1 : 0;
	r.sig = c->timed_out ? SIGKILL : c->crashed ? SIGSEGV : 0;
	axc__inputs in = { .program = "a.c", .res = &r, .probe = "/x/probe.so" };
	json_t *rep = axc__report_make(o, &in);
	axc__result_free(&r);
	ck_assert_ptr_nonnull(rep);
	assert_report_schema(rep);
	return rep;
}

static axc_opts opts(void)
{
	static const char *files[] = { "a.c" };
	axc_opts o;
	axc_opts_init(&o);
	o.files = files;
	o.nfiles = 1;
	o.time_ms = 2000;
	return o;
}

START_TEST(test_ids_table)
{
	/* The contract of the finding ids and the lessons that fix them. */
	static const char *pairs[][2] = {
		{ "blocking-call", "blocking" }, { "stalled-poll", "blocking" },
		{ "lock-across-await", "lock-across-await" }, { "unbounded-spawn", "unbounded-spawn" },
		{ "lost-waker", "manual-future" }, { "busy-wake", "manual-future" },
		{ "never-polled", "await" }, { "leaked-task", "spawn" },
		{ "ignored-cancel", "cancel-token" }, { "moved-future", "pin" },
	};
	for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++) {
		int ix = axc_id_lookup(pairs[i][0]);
		ck_assert_int_ge(ix, 0);
		ck_assert_str_eq(axc_id_lesson(ix), pairs[i][1]);
		ck_assert_ptr_nonnull(axc_id_fix(ix));
	}
	ck_assert_int_eq(axc_id_lookup("blocking"), -1);
	unsigned mask = 0;
	const char *bad = NULL;
	ck_assert_int_eq(axc_ids_parse("busy-wake,pin-it", &mask, &bad), -EINVAL);
	ck_assert_str_eq(bad, "pin-it");
	ck_assert_int_eq(axc_ids_parse("busy-wake,lost-waker", &mask, &bad), 0);
	ck_assert_uint_eq(mask, (1u << AXC_BUSY_WAKE) | (1u << AXC_LOST_WAKER));
}
END_TEST

START_TEST(test_events_in_chunks)
{
	axc_opts o = opts();
	struct canned c = { .events = stream };
	json_t *rep = report_of(&o, &c);
	json_t *tasks = json_object_get(rep, "tasks");
	ck_assert_uint_eq(json_array_size(tasks), 2);
	ck_assert_str_eq(axc__jstr(json_array_get(tasks, 0), "state"), "pending");
	ck_assert(json_is_null(json_object_get(json_array_get(tasks, 0), "exit_ns")));
	ck_assert_str_eq(axc__jstr(json_array_get(tasks, 1), "state"), "done");
	ck_assert_int_eq(axc__jint(json_array_get(tasks, 1), "exit_ns", 0), 300000000);
	ck_assert_str_eq(axc__jstr(json_array_get(tasks, 1), "future"), "fetch");
	ck_assert_uint_eq(json_array_size(json_object_get(rep, "timeline")), 2);
	json_t *st = json_object_get(rep, "stats");
	ck_assert_int_eq(axc__jint(st, "bad_event_lines", 0), 1);
	ck_assert_int_eq(axc__jint(st, "tasks_spawned", 0), 2);
	ck_assert_int_eq(axc__jint(st, "polls", 0), 5);
	ck_assert_int_eq(axc__jint(st, "virtual_ns", 0), 300000000);
	ck_assert_str_eq(axc__jstr(st, "clock"), "virtual");
	json_decref(rep);
}
END_TEST

START_TEST(test_findings_located_and_merged)
{
	axc_opts o = opts();
	struct canned c = { .events = stream };
	json_t *rep = report_of(&o, &c);
	json_t *fs = json_object_get(rep, "findings");
	ck_assert_uint_eq(json_array_size(fs), 2);
	json_t *f = json_array_get(fs, 0);
	ck_assert_str_eq(axc__jstr(f, "id"), "blocking-call");
	ck_assert_str_eq(axc__jstr(f, "file"), "a.c");
	ck_assert_int_eq(axc__jint(f, "line", 0), 20);
	ck_assert_str_eq(axc__jstr(f, "function"), "fetch");
	ck_assert_int_eq(axc__jint(f, "count", 0), 2);
	ck_assert_str_eq(axc__jstr(f, "lesson"), "blocking");
	ck_assert_str_eq(axc__jstr(f, "fix"), axc_id_fix(AXC_BLOCKING_CALL));
	json_t *t = json_object_get(f, "task");
	ck_assert_int_eq(axc__jint(t, "id", 0), 3);
	ck_assert_str_eq(axc__jstr(t, "name"), "worker");
	ck_assert_str_eq(axc__jstr(t, "spawn_file"), "a.c");
	ck_assert_int_eq(axc__jint(t, "spawn_line", 0), 12);
	json_t *n = json_array_get(json_object_get(f, "notes"), 0);
	ck_assert_str_eq(axc__jstr(n, "message"), "lock taken here");
	ck_assert_int_eq(axc__jint(n, "line", 0), 15);
	ck_assert_str_eq(axc__jstr(json_array_get(fs, 1), "lesson"), "lock-across-await");
	ck_assert_int_eq(axc_verdict(rep), 1);
	json_decref(rep);
}
END_TEST

START_TEST(test_only_and_allow)
{
	axc_opts o = opts();
	struct canned c = { .events = stream };
	o.allow = 1u << AXC_LOCK_ACROSS_AWAIT;
	json_t *rep = report_of(&o, &c);
	ck_assert_uint_eq(json_array_size(json_object_get(rep, "findings")), 1);
	ck_assert_str_eq(axc__jstr(json_array_get(json_object_get(rep, "findings"), 0), "id"),
			 "blocking-call");
	json_decref(rep);
	o.allow = 0;
	o.only = 1u << AXC_LOCK_ACROSS_AWAIT;
	rep = report_of(&o, &c);
	ck_assert_uint_eq(json_array_size(json_object_get(rep, "findings")), 1);
	ck_assert_str_eq(axc__jstr(json_array_get(json_object_get(rep, "findings"), 0), "id"),
			 "lock-across-await");
	json_decref(rep);
	o.only = 1u << AXC_MOVED_FUTURE;
	rep = report_of(&o, &c);
	ck_assert_uint_eq(json_array_size(json_object_get(rep, "findings")), 0);
	ck_assert_int_eq(axc_verdict(rep), 0);
	json_decref(rep);
}
END_TEST

START_TEST(test_timeout_pending_tasks_become_leaked_task)
{
	axc_opts o = opts();
	struct canned c = {
		.events = "{\"ev\":\"hello\",\"v\":1,\"clock\":\"real\"}\n"
			  "{\"ev\":\"task\",\"id\":1,\"name\":\"main\",\"parent\":0,\"file\":\"a.c\",\"line\":40,\"t\":0}\n"
			  "{\"ev\":\"task\",\"id\":2,\"name\":\"waiter\",\"parent\":1,\"file\":\"a.c\",\"line\":31,\"t\":5}\n",
		.timed_out = true,
	};
	json_t *rep = report_of(&o, &c);
	json_t *fs = json_object_get(rep, "findings");
	ck_assert_uint_eq(json_array_size(fs), 1);
	json_t *f = json_array_get(fs, 0);
	ck_assert_str_eq(axc__jstr(f, "id"), "leaked-task");
	ck_assert_int_eq(axc__jint(f, "line", 0), 31);
	ck_assert(json_is_true(json_object_get(f, "synthesised")));
	ck_assert_ptr_nonnull(strstr(axc__jstr(f, "message"), "time limit"));
	ck_assert_str_eq(axc__jstr(json_object_get(f, "task"), "name"), "waiter");
	ck_assert(json_is_true(json_object_get(json_object_get(rep, "exit"), "timed_out")));
	ck_assert_str_eq(axc__jstr(json_object_get(rep, "exit"), "limit"), "time");
	ck_assert(json_is_null(json_object_get(rep, "crash"))); /* our SIGKILL is no crash */
	ck_assert_int_eq(axc_verdict(rep), 1);
	json_decref(rep);
}
END_TEST

START_TEST(test_timeout_without_events_is_stalled_poll)
{
	axc_opts o = opts();
	struct canned c = { .events = "", .timed_out = true };
	json_t *rep = report_of(&o, &c);
	json_t *f = json_array_get(json_object_get(rep, "findings"), 0);
	ck_assert_ptr_nonnull(f);
	ck_assert_str_eq(axc__jstr(f, "id"), "stalled-poll");
	ck_assert_str_eq(axc__jstr(f, "file"), "a.c");
	ck_assert_int_eq(axc_verdict(rep), 1);
	json_decref(rep);
}
END_TEST

START_TEST(test_timeout_explained_by_probe_not_synthesised)
{
	axc_opts o = opts();
	struct canned c = {
		.events = "{\"ev\":\"finding\",\"id\":\"stalled-poll\",\"message\":\"poll ran 2 s\",\"task\":1,"
			  "\"loc\":{\"file\":\"a.c\",\"line\":9}}\n",
		.timed_out = true,
	};
	json_t *rep = report_of(&o, &c);
	ck_assert_uint_eq(json_array_size(json_object_get(rep, "findings")), 1);
	ck_assert_ptr_null(json_object_get(json_array_get(json_object_get(rep, "findings"), 0),
					   "synthesised"));
	json_decref(rep);
}
END_TEST

START_TEST(test_verdicts)
{
	axc_opts o = opts();
	struct canned clean = { .events = "{\"ev\":\"hello\",\"v\":1}\n" };
	json_t *rep = report_of(&o, &clean);
	ck_assert_int_eq(axc_verdict(rep), 0);
	json_decref(rep);
	struct canned crash = { .events = "", .crashed = true };
	rep = report_of(&o, &crash);
	ck_assert_int_eq(axc_verdict(rep), 2);
	ck_assert_str_eq(axc__jstr(json_object_get(rep, "crash"), "signal"), "SIGSEGV");
	ck_assert_ptr_nonnull(axc__jstr(json_object_get(rep, "crash"), "note"));
	json_decref(rep);
	struct canned mem = { .events = "", .crashed = true, .limit = "memory" };
	rep = report_of(&o, &mem);
	ck_assert_int_eq(axc_verdict(rep), 2);
	json_decref(rep);
	/* A failed build. */
	char cmd[] = "cc a.c", out[] = "a.c:1:1: error: x\n";
	axc__build b = { .ok = false, .command = cmd, .output = out };
	axc__inputs in = { .program = "a.c", .build = &b };
	rep = axc__report_make(&o, &in);
	assert_report_schema(rep);
	ck_assert_int_eq(axc_verdict(rep), 2);
	char *text = render(axc_render_text, rep);
	ck_assert_ptr_nonnull(strstr(text, "a.c:1:1: error: x\n"));
	free(text);
	json_decref(rep);
}
END_TEST

START_TEST(test_binary_output_stays_valid_json)
{
	axc_opts o = opts();
	struct canned c = { .events = "", .out = "ok \xff\xfe end\0x", .out_len = 11 };
	json_t *rep = report_of(&o, &c);
	const char *s = axc__jstr(rep, "stdout");
	ck_assert_ptr_nonnull(s);
	ck_assert_str_eq(s, "ok \xef\xbf\xbd\xef\xbf\xbd end\xef\xbf\xbdx");
	char *dump = json_dumps(rep, 0);
	json_t *back = json_loads(dump, 0, NULL);
	ck_assert_ptr_nonnull(back);
	json_decref(back);
	free(dump);
	json_decref(rep);
}
END_TEST

START_TEST(test_render_text)
{
	axc_opts o = opts();
	struct canned c = { .events = stream };
	json_t *rep = report_of(&o, &c);
	char *t = render(axc_render_text, rep);
	ck_assert_msg(strstr(t, "a.c:20:1: warning: blocking call sleep() inside a poll (2 times) [blocking-call]\n"),
		      "%s", t);
	ck_assert_msg(strstr(t, "a.c:12:1: note: in task 3 'worker', spawned here\n"), "%s", t);
	ck_assert_msg(strstr(t, "a.c:15:1: note: lock taken here\n"), "%s", t);
	ck_assert_msg(strstr(t, "a.c:20:1: note: fix: "), "%s", t);
	ck_assert_msg(strstr(t, "(lesson: blocking)"), "%s", t);
	ck_assert_msg(strstr(t, "a.c:15:1: warning: lock held across an await [lock-across-await]\n"), "%s", t);
	ck_assert_msg(strstr(t, "asynclab check: a.c: 2 findings"), "%s", t);
	free(t);
	json_decref(rep);
}
END_TEST

START_TEST(test_render_json_lines)
{
	axc_opts o = opts();
	struct canned c = { .events = stream };
	json_t *rep = report_of(&o, &c);
	char *t = render(axc_render_json, rep), *save = NULL;
	int lines = 0;
	for (char *l = strtok_r(t, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		json_t *f = json_loads(l, 0, NULL);
		ck_assert_msg(json_is_object(f), "not a JSON object: %s", l);
		ck_assert_ptr_nonnull(axc__jstr(f, "id"));
		ck_assert_ptr_nonnull(axc__jstr(f, "message"));
		ck_assert_ptr_nonnull(axc__jstr(f, "file"));
		ck_assert(json_is_integer(json_object_get(f, "line")));
		ck_assert(json_is_object(json_object_get(f, "task")));
		json_decref(f);
		lines++;
	}
	ck_assert_int_eq(lines, 2);
	free(t);
	json_decref(rep);
}
END_TEST

START_TEST(test_render_sarif)
{
	axc_opts o = opts();
	struct canned c = { .events = stream };
	json_t *rep = report_of(&o, &c);
	char *t = render(axc_render_sarif, rep);
	json_t *s = json_loads(t, 0, NULL);
	ck_assert_ptr_nonnull(s);
	ck_assert_str_eq(axc__jstr(s, "version"), "2.1.0");
	ck_assert_ptr_nonnull(strstr(axc__jstr(s, "$schema"), "sarif-2.1.0"));
	json_t *run = json_array_get(json_object_get(s, "runs"), 0);
	json_t *driver = json_object_get(json_object_get(run, "tool"), "driver");
	ck_assert_str_eq(axc__jstr(driver, "name"), "asynclab-check");
	json_t *rules = json_object_get(driver, "rules");
	ck_assert_uint_eq(json_array_size(rules), AXC_ID_COUNT);
	json_t *res = json_object_get(run, "results");
	ck_assert_uint_eq(json_array_size(res), 2);
	json_t *r0 = json_array_get(res, 0);
	ck_assert_str_eq(axc__jstr(r0, "ruleId"), "blocking-call");
	ck_assert_str_eq(axc__jstr(r0, "level"), "warning");
	ck_assert_ptr_nonnull(axc__jstr(json_object_get(r0, "message"), "text"));
	/* ruleIndex points at the rule with the same id. */
	json_int_t ri = axc__jint(r0, "ruleIndex", -1);
	ck_assert_str_eq(axc__jstr(json_array_get(rules, (size_t)ri), "id"), "blocking-call");
	json_t *pl = json_object_get(json_array_get(json_object_get(r0, "locations"), 0), "physicalLocation");
	ck_assert_str_eq(axc__jstr(json_object_get(pl, "artifactLocation"), "uri"), "a.c");
	ck_assert_int_eq(axc__jint(json_object_get(pl, "region"), "startLine", 0), 20);
	ck_assert_uint_eq(json_array_size(json_object_get(r0, "relatedLocations")), 1);
	json_decref(s);
	free(t);
	json_decref(rep);
}
END_TEST

/* Its own entry is on this line; the symboliser must say so. */
__attribute__((noinline)) int sym_marker(int x); int sym_marker(int x) { return x * 3 + 1; } enum { SYM_MARKER_LINE = __LINE__ };

START_TEST(test_symbolise_own_function)
{
	Dl_info di;
	ck_assert(dladdr((void *)(uintptr_t)sym_marker, &di));
	char exe[PATH_MAX];
	ck_assert_ptr_nonnull(realpath("/proc/self/exe", exe));
	axc__sym *s = axc__sym_new();
	axc__where w;
	uint64_t off = (uint64_t)((uintptr_t)sym_marker - (uintptr_t)di.dli_fbase);
	ck_assert_int_eq(axc__sym_lookup(s, exe, off, &w), 0);
	ck_assert_ptr_nonnull(w.func);
	ck_assert_ptr_nonnull(w.file);
	ck_assert_str_eq(w.func, "sym_marker");
	ck_assert_ptr_nonnull(strstr(w.file, "check_inspect_report.c"));
	ck_assert_int_eq(w.line, SYM_MARKER_LINE);
	axc__where_free(&w);
	ck_assert_int_eq(axc__sym_lookup(s, "/nonexistent/module", 0x10, &w), -ENOENT);
	axc__sym_free(s);
}
END_TEST

static Suite *inspect_report_suite(void)
{
	Suite *s = suite_create("inspect_report");
	TCase *tc = tcase_create("report");
	tcase_add_test(tc, test_ids_table);
	tcase_add_test(tc, test_events_in_chunks);
	tcase_add_test(tc, test_findings_located_and_merged);
	tcase_add_test(tc, test_only_and_allow);
	tcase_add_test(tc, test_timeout_pending_tasks_become_leaked_task);
	tcase_add_test(tc, test_timeout_without_events_is_stalled_poll);
	tcase_add_test(tc, test_timeout_explained_by_probe_not_synthesised);
	tcase_add_test(tc, test_verdicts);
	tcase_add_test(tc, test_binary_output_stays_valid_json);
	tcase_add_test(tc, test_render_text);
	tcase_add_test(tc, test_render_json_lines);
	tcase_add_test(tc, test_render_sarif);
	tcase_add_test(tc, test_symbolise_own_function);
	suite_add_tcase(s, tc);
	return s;
}

TEST_MAIN(inspect_report_suite)
