/* check_inspect_report.c - the inspector from event stream to output:
 * canned probe streams are read (in awkward chunks), turned into typed run
 * reports whose JSON form must match docs/report-schema.json and read back
 * the same, and rendered as text, JSON lines and SARIF; plus the id table,
 * outcomes, verdicts and symbolisation. */
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

static axc_report *report_of(const axc_opts *o, const struct canned *c)
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
	axc_report *rep = axc__report_make(o, &in);
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
	/* Every id of finding_ids.h has a name, a fix and a summary, and
	 * names look up to themselves. */
	static const char *const names[] = {
		"blocking-call", "stalled-poll", "lock-across-await", "unbounded-spawn",
		"lost-waker", "busy-wake", "never-polled", "leaked-task",
		"ignored-cancel", "moved-future",
	};
	ck_assert_int_eq(AXC_ID_COUNT, 10);
	for (int i = 0; i < AXC_ID_COUNT; i++) {
		ck_assert_str_eq(axc_id_name(i), names[i]);
		ck_assert_int_eq(axc_id_lookup(names[i]), i);
		ck_assert_ptr_nonnull(axc_id_fix(i));
		ck_assert_ptr_nonnull(axc_id_summary(i));
	}
	ck_assert_ptr_null(axc_id_name(AXC_ID_COUNT));
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
	axc_report *rep = report_of(&o, &c);
	ck_assert_uint_eq(rep->ntasks, 2);
	ck_assert_int_eq(rep->tasks[0].state, AXC_TASK_PENDING);
	ck_assert_int_eq(rep->tasks[0].exit_ns, -1);
	ck_assert(rep->tasks[0].root);
	ck_assert_int_eq(rep->tasks[1].state, AXC_TASK_DONE);
	ck_assert_int_eq(rep->tasks[1].exit_ns, 300000000);
	ck_assert_str_eq(rep->tasks[1].future, "fetch");
	ck_assert(!rep->tasks[1].root);
	ck_assert_ptr_eq(axc_report_task(rep, 3), &rep->tasks[1]);
	ck_assert_ptr_null(axc_report_task(rep, 2));
	ck_assert_uint_eq(rep->nspans, 2);
	ck_assert_int_eq(rep->spans[1].kind, AXC_SPAN_STALL);
	ck_assert_uint_eq(rep->stats.bad_event_lines, 1);
	ck_assert_uint_eq(rep->stats.tasks_spawned, 2);
	ck_assert_uint_eq(rep->stats.polls, 5);
	ck_assert_uint_eq(rep->stats.end_ns, 300000000);
	ck_assert(rep->stats.virtual_clock);
	ck_assert_int_eq(rep->outcome.end, AXC_END_EXITED);
	ck_assert_int_eq(rep->outcome.status, 0);
	ck_assert(rep->outcome.probe && rep->outcome.tasks_ran);
	ck_assert(rep->outcome.main_started && !rep->outcome.main_done);
	axc_report_free(rep);
}
END_TEST

/* On the real clock the probe's times count from the system's start; the
 * report's count from the run's (the hello's t0), and the clock is the
 * one the program's runtime used, not the checker's option. */
START_TEST(test_real_clock_times_from_start)
{
	axc_opts o = opts();
	o.clock = AXC_CLOCK_VIRTUAL;
	struct canned c = {
		.events = "{\"ev\":\"hello\",\"v\":1,\"clock\":\"virtual\",\"t0\":7000000000}\n"
			  "{\"ev\":\"rt\",\"clock\":\"real\",\"t\":7000000100}\n"
			  "{\"ev\":\"task\",\"id\":1,\"name\":\"main\",\"parent\":0,\"t\":7000000500}\n"
			  "{\"ev\":\"span\",\"task\":1,\"kind\":\"poll\",\"t0\":7000000500,\"t1\":7002000000}\n"
			  "{\"ev\":\"exit\",\"id\":1,\"aborted\":false,\"t\":7002000000}\n"
			  "{\"ev\":\"stats\",\"peak_live_tasks\":1,\"spawned\":1,\"polls\":2,\"virtual_ns\":0}\n",
	};
	axc_report *rep = report_of(&o, &c);
	ck_assert(!rep->stats.virtual_clock);
	ck_assert_uint_eq(rep->tasks[0].spawn_ns, 500);
	ck_assert_int_eq(rep->tasks[0].exit_ns, 2000000);
	ck_assert_uint_eq(rep->spans[0].t0, 500);
	ck_assert_uint_eq(rep->spans[0].t1, 2000000);
	ck_assert_uint_eq(rep->stats.end_ns, 2000000);
	ck_assert(rep->outcome.main_done);
	axc_report_free(rep);
}
END_TEST

START_TEST(test_findings_located_and_merged)
{
	axc_opts o = opts();
	struct canned c = { .events = stream };
	axc_report *rep = report_of(&o, &c);
	ck_assert_uint_eq(rep->nfindings, 2);
	const axc_finding *f = &rep->findings[0];
	ck_assert_int_eq(f->id, AXC_BLOCKING_CALL);
	ck_assert_str_eq(f->name, "blocking-call");
	ck_assert_str_eq(f->file, "a.c");
	ck_assert_int_eq(f->line, 20);
	ck_assert_str_eq(f->function, "fetch");
	ck_assert_int_eq(f->count, 2);
	ck_assert_str_eq(f->fix, axc_id_fix(AXC_BLOCKING_CALL));
	ck_assert_ptr_null(f->suppressed);
	const axc_task *t = axc_report_task(rep, f->task);
	ck_assert_ptr_nonnull(t);
	ck_assert_int_eq(t->id, 3);
	ck_assert_str_eq(t->name, "worker");
	ck_assert_str_eq(t->spawn_file, "a.c");
	ck_assert_int_eq(t->spawn_line, 12);
	ck_assert_uint_eq(f->nnotes, 1);
	ck_assert_str_eq(f->notes[0].message, "lock taken here");
	ck_assert_int_eq(f->notes[0].line, 15);
	ck_assert_str_eq(rep->findings[1].name, "lock-across-await");
	ck_assert_int_eq(axc_verdict(rep), 1);
	/* The JSON form names no lesson: the checker knows none. */
	json_t *j = report_json(rep);
	ck_assert_ptr_null(json_object_get(json_array_get(json_object_get(j, "findings"), 0), "lesson"));
	json_decref(j);
	axc_report_free(rep);
}
END_TEST

START_TEST(test_stall_of_a_blocking_call_is_its_note)
{
	/* sleep(1) in a task: the blocking call is reported at its line, and
	 * the watchdog then sees the same poll stalled at the same line.  One
	 * bug, one finding: the stall is a note of the blocking call.  A stall
	 * elsewhere (another line) stays a finding of its own, and with
	 * blocking-call allowed the stall is what is left. */
	static const char ev[] =
		"{\"ev\":\"hello\",\"v\":1,\"pid\":1,\"clock\":\"real\",\"exe\":\"/abs/prog\"}\n"
		"{\"ev\":\"task\",\"id\":2,\"name\":\"slow\",\"future\":\"slow\",\"parent\":1,\"file\":\"a.c\",\"line\":30,\"t\":0}\n"
		"{\"ev\":\"finding\",\"id\":\"blocking-call\",\"message\":\"task 'slow' calls sleep\",\"task\":2,"
		"\"loc\":{\"file\":\"a.c\",\"line\":11,\"func\":\"slow\"}}\n"
		"{\"ev\":\"finding\",\"id\":\"stalled-poll\",\"message\":\"task 'slow' has been blocked for over 100 ms\",\"task\":2,"
		"\"loc\":{\"file\":\"a.c\",\"line\":11,\"func\":\"slow\"}}\n"
		"{\"ev\":\"finding\",\"id\":\"stalled-poll\",\"message\":\"task 'slow' has computed for over 100 ms\",\"task\":2,"
		"\"loc\":{\"file\":\"a.c\",\"line\":14,\"func\":\"slow\"}}\n"
		"{\"ev\":\"bye\"}\n";
	axc_opts o = opts();
	struct canned c = { .events = ev };
	axc_report *rep = report_of(&o, &c);
	ck_assert_uint_eq(rep->nfindings, 2);
	const axc_finding *f = &rep->findings[0];
	ck_assert_int_eq(f->id, AXC_BLOCKING_CALL);
	ck_assert_int_eq(f->line, 11);
	ck_assert_uint_eq(f->nnotes, 1);
	ck_assert_str_eq(f->notes[0].message,
			 "the call stalled the executor: task 'slow' has been blocked for over 100 ms");
	ck_assert_ptr_null(f->notes[0].file);
	ck_assert_int_eq(rep->findings[1].id, AXC_STALLED_POLL);
	ck_assert_int_eq(rep->findings[1].line, 14);
	axc_report_free(rep);

	o = opts();
	o.allow = 1u << AXC_BLOCKING_CALL;
	rep = report_of(&o, &c);
	ck_assert_uint_eq(rep->nfindings, 2);
	ck_assert_int_eq(rep->findings[0].id, AXC_STALLED_POLL);
	ck_assert_int_eq(rep->findings[0].line, 11);
	axc_report_free(rep);
}
END_TEST

START_TEST(test_async_function_names_as_written)
{
	/* An async function fetch is compiled into fetch__body and
	 * fetch__poll: the finding and its stack name it fetch, once. */
	static const char ev[] =
		"{\"ev\":\"hello\",\"v\":1,\"pid\":1,\"clock\":\"virtual\",\"exe\":\"/abs/prog\"}\n"
		"{\"ev\":\"finding\",\"id\":\"blocking-call\",\"message\":\"sleep\",\"task\":1,"
		"\"loc\":{\"file\":\"a.c\",\"line\":20,\"func\":\"fetch__body\"},"
		"\"stack\":[{\"file\":\"a.c\",\"line\":20,\"func\":\"fetch__body\"},"
		"{\"file\":\"a.c\",\"line\":8,\"func\":\"fetch__poll\"},"
		"{\"file\":\"a.c\",\"line\":31,\"func\":\"worker__body\"},"
		"{\"file\":\"a.c\",\"line\":40,\"func\":\"main\"}]}\n"
		"{\"ev\":\"bye\"}\n";
	axc_opts o = opts();
	struct canned c = { .events = ev };
	axc_report *rep = report_of(&o, &c);
	ck_assert_uint_eq(rep->nfindings, 1);
	const axc_finding *f = &rep->findings[0];
	ck_assert_str_eq(f->function, "fetch");
	ck_assert_uint_eq(f->nstack, 3);
	ck_assert_str_eq(f->stack[0].function, "fetch");
	ck_assert_str_eq(f->stack[1].function, "worker");
	ck_assert_str_eq(f->stack[2].function, "main");
	char *t = render_text(rep, NULL);
	ck_assert_msg(!strstr(t, "__body") && !strstr(t, "__poll"), "%s", t);
	free(t);
	axc_report_free(rep);
}
END_TEST

START_TEST(test_only_and_allow)
{
	axc_opts o = opts();
	struct canned c = { .events = stream };
	o.allow = 1u << AXC_LOCK_ACROSS_AWAIT;
	axc_report *rep = report_of(&o, &c);
	ck_assert_uint_eq(rep->nfindings, 1);
	ck_assert_str_eq(rep->findings[0].name, "blocking-call");
	axc_report_free(rep);
	o.allow = 0;
	o.only = 1u << AXC_LOCK_ACROSS_AWAIT;
	rep = report_of(&o, &c);
	ck_assert_uint_eq(rep->nfindings, 1);
	ck_assert_str_eq(rep->findings[0].name, "lock-across-await");
	axc_report_free(rep);
	o.only = 1u << AXC_MOVED_FUTURE;
	rep = report_of(&o, &c);
	ck_assert_uint_eq(rep->nfindings, 0);
	ck_assert_int_eq(axc_verdict(rep), 0);
	axc_report_free(rep);
}
END_TEST

/* A finding the probe marks suppressed stays in the report, counts for
 * nothing and is not printed, except as a number and in SARIF. */
START_TEST(test_suppressed_finding)
{
	axc_opts o = opts();
	struct canned c = {
		.events = "{\"ev\":\"hello\",\"v\":1,\"clock\":\"virtual\"}\n"
			  "{\"ev\":\"finding\",\"id\":\"blocking-call\",\"message\":\"m\",\"suppressed\":\"comment\","
			  "\"loc\":{\"file\":\"a.c\",\"line\":7}}\n",
	};
	axc_report *rep = report_of(&o, &c);
	ck_assert_uint_eq(rep->nfindings, 1);
	ck_assert_str_eq(rep->findings[0].suppressed, "comment");
	ck_assert_uint_eq(axc_report_nreported(rep), 0);
	ck_assert_int_eq(axc_verdict(rep), 0);
	char *t = render_text(rep, NULL);
	ck_assert_msg(!strstr(t, "warning:"), "%s", t);
	ck_assert_msg(strstr(t, "no findings (1 suppressed)"), "%s", t);
	free(t);
	t = render(axc_render_json, rep);
	ck_assert_str_eq(t, "");
	free(t);
	t = render(axc_render_sarif, rep);
	ck_assert_msg(strstr(t, "\"suppressions\""), "%s", t);
	free(t);
	axc_report_free(rep);
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
	axc_report *rep = report_of(&o, &c);
	ck_assert_uint_eq(rep->nfindings, 1);
	const axc_finding *f = &rep->findings[0];
	ck_assert_str_eq(f->name, "leaked-task");
	ck_assert_int_eq(f->line, 31);
	ck_assert(f->synthesised);
	ck_assert_ptr_nonnull(strstr(f->message, "time limit"));
	ck_assert_str_eq(axc_report_task(rep, f->task)->name, "waiter");
	ck_assert_int_eq(rep->outcome.end, AXC_END_LIMIT);
	ck_assert_int_eq(rep->outcome.limit, AXC_LIMIT_TIME);
	ck_assert(rep->outcome.tasks_ran);
	ck_assert_ptr_null(rep->crash); /* our SIGKILL is no crash */
	ck_assert_int_eq(axc_verdict(rep), 1);
	axc_report_free(rep);
}
END_TEST

/* A daemon still pending at the time limit is not the task the finding
 * names, even when it was spawned last; the JSON report keeps the mark. */
START_TEST(test_timeout_finding_skips_daemon)
{
	axc_opts o = opts();
	struct canned c = {
		.events = "{\"ev\":\"hello\",\"v\":1,\"clock\":\"real\"}\n"
			  "{\"ev\":\"task\",\"id\":1,\"name\":\"main\",\"parent\":0,\"file\":\"a.c\",\"line\":40,\"t\":0}\n"
			  "{\"ev\":\"task\",\"id\":2,\"name\":\"waiter\",\"parent\":1,\"file\":\"a.c\",\"line\":31,\"t\":5}\n"
			  "{\"ev\":\"task\",\"id\":3,\"name\":\"metrics\",\"parent\":1,\"file\":\"a.c\",\"line\":32,\"t\":6}\n"
			  "{\"ev\":\"daemon\",\"id\":3}\n",
		.timed_out = true,
	};
	axc_report *rep = report_of(&o, &c);
	ck_assert_uint_eq(rep->nfindings, 1);
	const axc_finding *f = &rep->findings[0];
	ck_assert_str_eq(f->name, "leaked-task");
	ck_assert_int_eq(f->line, 31);
	ck_assert_str_eq(axc_report_task(rep, f->task)->name, "waiter");
	ck_assert_msg(strstr(f->message, "2 tasks still pending besides 1 daemon"), "%s",
		      f->message);
	ck_assert(axc_report_task(rep, 3)->daemon);
	ck_assert(!axc_report_task(rep, 2)->daemon);
	char *t = render(axc_report_write, rep);
	axc_report *back = NULL;
	char err[256];
	ck_assert_msg(axc_report_read(t, strlen(t), &back, err, sizeof err) == 0, "%s", err);
	ck_assert(axc_report_task(back, 3)->daemon);
	ck_assert(!axc_report_task(back, 2)->daemon);
	axc_report_free(back);
	free(t);
	axc_report_free(rep);
}
END_TEST

/* Stopped at the time limit before any task ran: nothing the checker
 * could judge.  No made-up finding; the outcome says so; verdict 2. */
START_TEST(test_timeout_before_any_task)
{
	axc_opts o = opts();
	struct canned c = { .events = "", .timed_out = true };
	axc_report *rep = report_of(&o, &c);
	ck_assert_uint_eq(rep->nfindings, 0);
	ck_assert_int_eq(rep->outcome.end, AXC_END_LIMIT);
	ck_assert(!rep->outcome.tasks_ran);
	ck_assert_int_eq(axc_verdict(rep), 2);
	char *t = render_text(rep, NULL);
	ck_assert_msg(strstr(t, "before any task ran"), "%s", t);
	free(t);
	axc_report_free(rep);
}
END_TEST

START_TEST(test_timeout_explained_by_probe_not_synthesised)
{
	axc_opts o = opts();
	struct canned c = {
		.events = "{\"ev\":\"task\",\"id\":1,\"name\":\"main\",\"parent\":0,\"t\":0}\n"
			  "{\"ev\":\"finding\",\"id\":\"stalled-poll\",\"message\":\"poll ran 2 s\",\"task\":1,"
			  "\"loc\":{\"file\":\"a.c\",\"line\":9}}\n",
		.timed_out = true,
	};
	axc_report *rep = report_of(&o, &c);
	ck_assert_uint_eq(rep->nfindings, 1);
	ck_assert(!rep->findings[0].synthesised);
	ck_assert(rep->outcome.stalled);
	axc_report_free(rep);
}
END_TEST

/* The runtime's deadlock, and the checker stopping a certain deadlock. */
START_TEST(test_deadlock_outcomes)
{
	axc_opts o = opts();
	struct canned c = {
		.events = "{\"ev\":\"hello\",\"v\":1,\"clock\":\"virtual\"}\n"
			  "{\"ev\":\"task\",\"id\":1,\"name\":\"main\",\"parent\":0,\"t\":0}\n"
			  "{\"ev\":\"deadlock\",\"t\":50}\n",
	};
	axc_report *rep = report_of(&o, &c);
	ck_assert(rep->outcome.deadlock);
	ck_assert(rep->outcome.main_started && !rep->outcome.main_done);
	ck_assert_int_eq(rep->outcome.end, AXC_END_EXITED);
	axc_report_free(rep);
	c.events = "{\"ev\":\"hello\",\"v\":1,\"clock\":\"virtual\"}\n"
		   "{\"ev\":\"end\",\"reason\":\"deadlock\",\"message\":\"task 2 waits for the lock task 1 holds\"}\n";
	rep = report_of(&o, &c);
	ck_assert_int_eq(rep->outcome.end, AXC_END_STOPPED);
	ck_assert_str_eq(rep->outcome.message, "task 2 waits for the lock task 1 holds");
	ck_assert_int_eq(axc_verdict(rep), 1);
	char *t = render_text(rep, NULL);
	ck_assert_msg(strstr(t, "a.c: error: the program deadlocked: task 2 waits for the lock task 1 holds; stopped by the checker"), "%s", t);
	free(t);
	axc_report_free(rep);
}
END_TEST

START_TEST(test_verdicts)
{
	axc_opts o = opts();
	struct canned clean = { .events = "{\"ev\":\"hello\",\"v\":1}\n" };
	axc_report *rep = report_of(&o, &clean);
	ck_assert_int_eq(axc_verdict(rep), 0);
	axc_report_free(rep);
	struct canned crash = { .events = "", .crashed = true };
	rep = report_of(&o, &crash);
	ck_assert_int_eq(axc_verdict(rep), 2);
	ck_assert_int_eq(rep->outcome.end, AXC_END_SIGNAL);
	ck_assert_ptr_nonnull(rep->crash);
	ck_assert_str_eq(rep->crash->signal_name, "SIGSEGV");
	ck_assert_ptr_nonnull(rep->crash->note);
	axc_report_free(rep);
	struct canned mem = { .events = "", .crashed = true, .limit = "memory" };
	rep = report_of(&o, &mem);
	ck_assert_int_eq(rep->outcome.limit, AXC_LIMIT_MEMORY);
	ck_assert_int_eq(axc_verdict(rep), 2);
	axc_report_free(rep);
	/* A failed build. */
	char cmd[] = "cc a.c", out[] = "a.c:1:1: error: x\n";
	axc__build b = { .ok = false, .command = cmd, .output = out };
	axc__inputs in = { .program = "a.c", .build = &b };
	rep = axc__report_make(&o, &in);
	assert_report_schema(rep);
	ck_assert(!rep->built);
	ck_assert_int_eq(rep->outcome.end, AXC_END_NOT_BUILT);
	ck_assert_int_eq(axc_verdict(rep), 2);
	char *text = render_text(rep, NULL);
	ck_assert_ptr_nonnull(strstr(text, "a.c:1:1: error: x\n"));
	free(text);
	axc_report_free(rep);
}
END_TEST

START_TEST(test_binary_output_stays_valid_json)
{
	axc_opts o = opts();
	struct canned c = { .events = "", .out = "ok \xff\xfe end\0x", .out_len = 11 };
	axc_report *rep = report_of(&o, &c);
	/* The struct keeps the bytes; the JSON form replaces what is not
	 * UTF-8. */
	ck_assert_uint_eq(rep->out_len, 11);
	ck_assert_int_eq(memcmp(rep->out, "ok \xff\xfe end\0x", 11), 0);
	json_t *j = report_json(rep);
	ck_assert_str_eq(axc__jstr(j, "stdout"), "ok \xef\xbf\xbd\xef\xbf\xbd end\xef\xbf\xbdx");
	json_decref(j);
	axc_report_free(rep);
}
END_TEST

static const char *lesson_for(void *ud, const char *id)
{
	(void)ud;
	return !strcmp(id, "blocking-call") ? "blocking" : NULL;
}

START_TEST(test_render_text)
{
	axc_opts o = opts();
	struct canned c = { .events = stream };
	axc_report *rep = report_of(&o, &c);
	axc_render_opts ro = { .lesson_of = lesson_for };
	char *t = render_text(rep, &ro);
	ck_assert_msg(strstr(t, "a.c:20:1: warning: blocking call sleep() inside a poll (2 times) [blocking-call]\n"),
		      "%s", t);
	ck_assert_msg(strstr(t, "a.c:12:1: note: in task 3 'worker', spawned here\n"), "%s", t);
	ck_assert_msg(strstr(t, "a.c:15:1: note: lock taken here\n"), "%s", t);
	ck_assert_msg(strstr(t, "a.c:20:1: note: fix: "), "%s", t);
	ck_assert_msg(strstr(t, "(lesson: blocking)"), "%s", t);
	ck_assert_msg(strstr(t, "a.c:15:1: warning: lock held across an await [lock-across-await]\n"), "%s", t);
	ck_assert_msg(strstr(t, "asynclab check: a.c: 2 findings"), "%s", t);
	free(t);
	/* Without the lessons' answer, no lesson is named. */
	t = render_text(rep, NULL);
	ck_assert_msg(!strstr(t, "(lesson:"), "%s", t);
	free(t);
	axc_report_free(rep);
}
END_TEST

START_TEST(test_render_json_lines)
{
	axc_opts o = opts();
	struct canned c = { .events = stream };
	axc_report *rep = report_of(&o, &c);
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
	axc_report_free(rep);
}
END_TEST

START_TEST(test_render_sarif)
{
	axc_opts o = opts();
	struct canned c = { .events = stream };
	axc_report *rep = report_of(&o, &c);
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
	ck_assert_int_eq(axc__jint(json_object_get(json_object_get(r0, "properties"), "task"), "id", 0), 3);
	json_decref(s);
	free(t);
	axc_report_free(rep);
}
END_TEST

/* A report that is not one: a clear reason, no report. */
START_TEST(test_read_rejects)
{
	axc_report *r = NULL;
	char err[128];
	ck_assert_int_eq(axc_report_read("{\"version\":1}", 13, &r, err, sizeof err), -EINVAL);
	ck_assert_ptr_null(r);
	ck_assert_str_eq(err, "report version 1, expected 2");
	ck_assert_int_eq(axc_report_read("[1,", 3, &r, err, sizeof err), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "line 1"));
	const char *bad = "{\"version\":2,\"outcome\":{\"end\":\"exited\"},\"trace\":{\"events\":[{\"kind\":\"nope\"}]}}";
	ck_assert_int_eq(axc_report_read(bad, strlen(bad), &r, err, sizeof err), -EINVAL);
	ck_assert_str_eq(err, "trace event 0: unknown kind 'nope'");
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
	tcase_add_test(tc, test_real_clock_times_from_start);
	tcase_add_test(tc, test_findings_located_and_merged);
	tcase_add_test(tc, test_stall_of_a_blocking_call_is_its_note);
	tcase_add_test(tc, test_async_function_names_as_written);
	tcase_add_test(tc, test_only_and_allow);
	tcase_add_test(tc, test_suppressed_finding);
	tcase_add_test(tc, test_timeout_pending_tasks_become_leaked_task);
	tcase_add_test(tc, test_timeout_finding_skips_daemon);
	tcase_add_test(tc, test_timeout_before_any_task);
	tcase_add_test(tc, test_deadlock_outcomes);
	tcase_add_test(tc, test_read_rejects);
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
