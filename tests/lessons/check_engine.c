/* check_engine.c - the lesson engine: manifest errors with their line
 * numbers, judging run reports against each kind of check, and the sandbox
 * (an exercise that loops, fork-bombs, crashes, allocates without bound or
 * floods its output gets a clear verdict and the engine carries on). */
#include "config.h"

#include "lesson_fixture.h"
#include "../testutil.h"

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <sys/prctl.h>
#include <sys/wait.h>

#define LESSON_HEAD "[lesson]\nid = box\ntitle = A box\norder = 7\nconcept = boxes\n"

/* Parse ini as DIR/07-box/lesson.ini; returns the rc, diagnostics in d. */
static int parse(const char *ini, axl_lesson **l, axl_diags *d)
{
	char *dir = fx_tmpdir();
	char *ld = fx_lesson(dir, "07-box", ini, "int main(void){return 0;}\n",
			     "int main(void){return 0;}\n");
	int rc = axl_lesson_load(ld, l, d);
	fx_rmrf(dir);
	free(ld);
	free(dir);
	return rc;
}

/* Assert that parsing ini fails with a diagnostic "lesson.ini:LINE: ...needle". */
static void expect_error(const char *ini, int line, const char *needle)
{
	axl_lesson *l = NULL;
	axl_diags d = { 0 };
	ck_assert_int_eq(parse(ini, &l, &d), -EINVAL);
	ck_assert_ptr_null(l);
	char want[256];
	snprintf(want, sizeof want, "07-box/lesson.ini:%d: %s", line, needle);
	ck_assert_msg(fx_diag_has(&d, want), "wanted '%s' in:\n%s", want, fx_diags_text(&d));
	axl_diags_free(&d);
}

START_TEST(manifest_valid)
{
	axl_lesson *l = NULL;
	axl_diags d = { 0 };
	int rc = parse("# a comment\n" LESSON_HEAD "time_box_min = 15\nargs = -n 3\nseed = 42\n"
		       "time_limit_s = 2\nstarter_fails = fast, says-hi\n\n"
		       "[check says-hi]\nkind = output\nexpect = hello *\nexpect = bye\n"
		       "absent = oops\nmessage = say {expected}\n"
		       "; another comment\n[check fast]\nkind = vtime\nmax_ms = 300\n"
		       "message = took {actual}\n",
		       &l, &d);
	ck_assert_msg(rc == 0, "%s", fx_diags_text(&d));
	ck_assert_str_eq(l->id, "box");
	ck_assert_str_eq(l->folder, "07-box");
	ck_assert_int_eq(l->order, 7);
	ck_assert_int_eq(l->time_box_min, 15);
	ck_assert_int_eq(l->time_limit_s, 2);
	ck_assert(l->seed_set);
	ck_assert_uint_eq(l->seed, 42);
	ck_assert_uint_eq(l->nargs, 2);
	ck_assert_str_eq(l->args[1], "3");
	ck_assert_uint_eq(l->nstarter_fails, 2);
	ck_assert_str_eq(l->starter_fails[1], "says-hi");
	/* The two checks in file order, then the implicit clean-exit. */
	ck_assert_uint_eq(l->nchecks, 3);
	ck_assert_str_eq(l->checks[0].name, "says-hi");
	ck_assert_int_eq(l->checks[0].line, 13);
	ck_assert_uint_eq(l->checks[0].nexpect, 2);
	ck_assert_str_eq(l->checks[0].expect[1], "bye");
	ck_assert_int_eq(l->checks[1].kind, AXL_CHECK_VTIME);
	ck_assert_int_eq(l->checks[1].max_ms, 300);
	ck_assert_int_eq(l->checks[1].min_ms, -1);
	ck_assert_str_eq(l->checks[2].name, "clean-exit");
	ck_assert_int_eq(l->checks[2].kind, AXL_CHECK_EXIT);
	ck_assert_int_eq(l->nhints, 2);
	ck_assert(!l->has_harness);
	axl_lesson_free(l);
	axl_diags_free(&d);
}
END_TEST

START_TEST(manifest_errors_have_lines)
{
	expect_error(LESSON_HEAD "\n[check concurrent]\nkind = vtime\nmax_msx = 3\nmessage = m\n", 9,
		     "unknown key 'max_msx' in [check concurrent]");
	expect_error("[lesson]\nid = jion\ntitle = t\norder = 7\nconcept = c\n"
		     "[check a]\nkind = exit\nmessage = m\n", 2,
		     "[lesson] id 'jion' does not match the folder name '07-box'");
	expect_error(LESSON_HEAD "[check a]\nkind = vtim\nmessage = m\n", 7,
		     "[check a] kind 'vtim' is not one of");
	expect_error(LESSON_HEAD "[check a]\nkind = exit\n", 6, "[check a] has no message");
	expect_error(LESSON_HEAD "[check a]\nkind = exit\nmessage = m\n[check a]\nkind = exit\n"
				 "message = m\n", 9, "check 'a' already defined at line 6");
	expect_error("id = box\n" LESSON_HEAD "[check a]\nkind = exit\nmessage = m\n", 1,
		     "key 'id' outside any section");
	expect_error(LESSON_HEAD "starter_fails = nope\n[check a]\nkind = exit\nmessage = m\n", 1,
		     "starter_fails names 'nope'");
	expect_error(LESSON_HEAD "[check a]\nkind = exit\nmessage = m\njust words\n", 9,
		     "expected 'key = value'");
	expect_error(LESSON_HEAD "[check a]\nkind = vtime\nmessage = m\nmin_live = 3\n", 9,
		     "[check a] key 'min_live' does not apply to kind vtime");
	expect_error(LESSON_HEAD "[check a]\nkind = vtime\nmessage = m\n", 6,
		     "[check a] kind vtime needs min_ms or max_ms");
	expect_error(LESSON_HEAD "[check a]\nkind = finding\nid = blocking-cal\nmessage = m\n", 8,
		     "[check a] unknown finding id 'blocking-cal'");
	expect_error(LESSON_HEAD "order = 8\n[check a]\nkind = exit\nmessage = m\n", 6,
		     "key 'order' repeated in [lesson]");
	expect_error(LESSON_HEAD "[check a]\nkind = vtime\nmax_ms = soon\nmessage = m\n", 8,
		     "max_ms: 'soon' is not a number");
	expect_error(LESSON_HEAD "[chek a]\n", 6, "unknown section [chek a]");
	expect_error("[lesson]\nid = box\norder = 7\nconcept = c\n[check a]\nkind = exit\n"
		     "message = m\n", 1, "[lesson] has no title");
	expect_error(LESSON_HEAD, 1, "no [check NAME] section");
	expect_error(LESSON_HEAD "[check Bad_Name]\nkind = exit\nmessage = m\n", 6,
		     "check name 'Bad_Name' is not kebab-case");
}
END_TEST

/* kind = trace: every key is validated, each mistake on its own line. */
START_TEST(manifest_trace_errors)
{
	expect_error(LESSON_HEAD "[check a]\nkind = trace\nwhat = pols\nname = f\nmin = 1\n"
				 "message = m\n", 8, "[check a] what 'pols' is not one of polls,");
	expect_error(LESSON_HEAD "[check a]\nkind = trace\nname = f\nmin = 1\nmessage = m\n", 6,
		     "[check a] kind trace needs what =");
	expect_error(LESSON_HEAD "[check a]\nkind = trace\nwhat = polls\nmin = 1\nmessage = m\n",
		     6, "[check a] what polls needs a name");
	expect_error(LESSON_HEAD "[check a]\nkind = trace\nwhat = polls\nname = f\nmessage = m\n",
		     6, "[check a] kind trace needs min or max");
	expect_error(LESSON_HEAD "[check a]\nkind = trace\nwhat = polls\nname = f\nmin = 3\n"
				 "max = 2\nmessage = m\n", 11, "[check a] max 2 is below min 3");
	expect_error(LESSON_HEAD "[check a]\nkind = trace\nwhat = overlap\nname = f\nmin = 1\n"
				 "message = m\n", 6, "[check a] what overlap needs other");
	expect_error(LESSON_HEAD "[check a]\nkind = trace\nwhat = peak\nname = f\nother = g\n"
				 "max = 2\nmessage = m\n", 10, "[check a] other applies only to");
	expect_error(LESSON_HEAD "[check a]\nkind = trace\nwhat = overlap\nname = f\nother = g\n"
				 "min = 2\nmessage = m\n", 11, "[check a] what overlap counts 0 (no) or 1 (yes)");
	expect_error(LESSON_HEAD "[check a]\nkind = trace\nwhat = lock-over-await\nname = mutex\n"
				 "max = 0\nmessage = m\n", 9, "[check a] name 'mutex' is not async, blocking or any");
	expect_error(LESSON_HEAD "[check a]\nkind = trace\nwhat = polls\nname = f\nmin = many\n"
				 "message = m\n", 10, "min: 'many' is not a number");
	expect_error(LESSON_HEAD "[check a]\nkind = vtime\nmax_ms = 3\nwhat = polls\n"
				 "message = m\n", 9, "[check a] key 'what' does not apply to kind vtime");
	axl_lesson *l = NULL;
	axl_diags d = { 0 };
	ck_assert_int_eq(parse(LESSON_HEAD "[check a]\nkind = trace\nwhat = overlap\nname = f\n"
					   "other = g\nmin = 1\nmessage = m\n", &l, &d), 0);
	ck_assert_int_eq(l->checks[0].kind, AXL_CHECK_TRACE);
	ck_assert_int_eq(l->checks[0].what, AXL_TRACE_OVERLAP);
	ck_assert_str_eq(l->checks[0].tname, "f");
	ck_assert_str_eq(l->checks[0].tother, "g");
	ck_assert_int_eq(l->checks[0].tmin, 1);
	ck_assert_int_eq(l->checks[0].tmax, -1);
	ck_assert_str_eq(axl_trace_what_name(AXL_TRACE_WOKEN_ELSEWHERE), "woken-elsewhere");
	axl_lesson_free(l);
	axl_diags_free(&d);
}
END_TEST

START_TEST(manifest_every_error_reported)
{
	axl_lesson *l = NULL;
	axl_diags d = { 0 };
	ck_assert_int_eq(parse(LESSON_HEAD "bogus = 1\n[check a]\nkind = nope\nmessage = m\n"
					   "[check b]\nkind = tasks\nmessage = m\n",
			       &l, &d), -EINVAL);
	ck_assert_uint_eq(d.n, 3);
	ck_assert(fx_diag_has(&d, "lesson.ini:6: unknown key 'bogus' in [lesson]"));
	ck_assert(fx_diag_has(&d, "lesson.ini:8: [check a] kind 'nope'"));
	ck_assert(fx_diag_has(&d, "lesson.ini:10: [check b] kind tasks needs"));
	axl_diags_free(&d);
}
END_TEST

START_TEST(manifest_missing_file)
{
	char *dir = fx_tmpdir();
	char *ld = fx_path(dir, "03-none");
	ck_assert_int_eq(mkdir(ld, 0755), 0);
	axl_lesson *l = NULL;
	axl_diags d = { 0 };
	ck_assert_int_eq(axl_lesson_load(ld, &l, &d), -ENOENT);
	ck_assert(fx_diag_has(&d, "03-none/lesson.ini: cannot read"));
	axl_diags_free(&d);
	fx_rmrf(dir);
	free(ld);
	free(dir);
}
END_TEST

START_TEST(catalog_order_and_lookup)
{
	char *dir = fx_tmpdir();
	const char *ini_a = "[lesson]\nid = alpha\ntitle = A\norder = 2\nconcept = a\n"
			    "[check x]\nkind = exit\nmessage = m\n";
	const char *ini_b = "[lesson]\nid = beta\ntitle = B\norder = 10\nconcept = b\n"
			    "[check x]\nkind = exit\nmessage = m\n";
	free(fx_lesson(dir, "10-beta", ini_b, "", ""));
	free(fx_lesson(dir, "02-alpha", ini_a, "", ""));
	free(fx_lesson(dir, "05-broken", "[lesson]\n", "", ""));
	axl_catalog *c = NULL;
	axl_diags d = { 0 };
	ck_assert_int_eq(axl_catalog_load(dir, &c, &d), 0);
	ck_assert_uint_eq(c->n, 2);
	ck_assert_str_eq(c->lessons[0]->id, "alpha");
	ck_assert_str_eq(c->lessons[1]->id, "beta");
	ck_assert(fx_diag_has(&d, "05-broken/lesson.ini:1:"));
	ck_assert_ptr_eq(axl_catalog_find(c, "beta"), c->lessons[1]);
	ck_assert_ptr_eq(axl_catalog_find(c, "10"), c->lessons[1]);
	ck_assert_ptr_eq(axl_catalog_find(c, "02"), c->lessons[0]);
	ck_assert_ptr_eq(axl_catalog_find(c, "02-alpha"), c->lessons[0]);
	ck_assert_ptr_eq(axl_catalog_find(c, "02-alpha.c"), c->lessons[0]);
	ck_assert_ptr_null(axl_catalog_find(c, "gamma"));
	ck_assert_ptr_null(axl_catalog_find(c, "3"));
	axl_catalog_free(c);
	axl_diags_free(&d);
	setenv("ASYNCLAB_LESSONS", dir, 1);
	ck_assert_str_eq(axl_lessons_dir(), dir);
	fx_rmrf(dir);
	free(dir);
}
END_TEST

/* A lesson declares the finding ids whose fix it teaches; the catalog
 * answers which lesson teaches an id, and an unknown id is an error on its
 * line. */
START_TEST(catalog_teaching)
{
	char *dir = fx_tmpdir();
	free(fx_lesson(dir, "02-alpha",
		       "[lesson]\nid = alpha\ntitle = A\norder = 2\nconcept = a\n"
		       "teaches = blocking-call, stalled-poll\n[check x]\nkind = exit\nmessage = m\n",
		       "", ""));
	free(fx_lesson(dir, "03-beta",
		       "[lesson]\nid = beta\ntitle = B\norder = 3\nconcept = b\n"
		       "teaches = stalled-poll\n[check x]\nkind = exit\nmessage = m\n", "", ""));
	axl_catalog *c = NULL;
	axl_diags d = { 0 };
	ck_assert_int_eq(axl_catalog_load(dir, &c, &d), 0);
	ck_assert_uint_eq(c->n, 2);
	ck_assert_uint_eq(c->lessons[0]->nteaches, 2);
	ck_assert_str_eq(c->lessons[0]->teaches[1], "stalled-poll");
	ck_assert_ptr_eq(axl_catalog_teaching(c, "blocking-call"), c->lessons[0]);
	ck_assert_ptr_eq(axl_catalog_teaching(c, "stalled-poll"), c->lessons[0]); /* the first */
	ck_assert_ptr_null(axl_catalog_teaching(c, "moved-future"));
	ck_assert_ptr_null(axl_catalog_teaching(NULL, "blocking-call"));
	axl_catalog_free(c);
	axl_diags_free(&d);
	fx_rmrf(dir);
	free(dir);
	expect_error(LESSON_HEAD "teaches = blocking-call, blocking\n", 6,
		     "[lesson] teaches: unknown finding id 'blocking'");
}
END_TEST

/* ---- judging run reports (no program runs) ---------------------------- */

static axl_lesson *judge_lesson;

static void judge_setup(void)
{
	axl_diags d = { 0 };
	int rc = parse(LESSON_HEAD
		       "[check out]\nkind = output\nexpect = start\nexpect = total: * ms\n"
		       "absent = panic*\nmessage = missing {actual}\n"
		       "[check fast]\nkind = vtime\nmin_ms = 100\nmax_ms = 300\n"
		       "message = took {actual}, wanted {expected}\n"
		       "[check bounded]\nkind = tasks\nmax_live = 4\nmin_spawned = 2\n"
		       "message = {actual}, wanted {expected}\n"
		       "[check blocks]\nkind = finding\nid = blocking-call\nline_from = starter\n"
		       "message = no blocking call found\n"
		       "[check clean]\nkind = no-finding\nid = any\nmessage = found {actual}\n"
		       "[check status]\nkind = exit\nstatus = 0\nmessage = exited {actual}\n",
		       &judge_lesson, &d);
	ck_assert_msg(rc == 0, "%s", fx_diags_text(&d));
	axl_diags_free(&d);
}

static void judge_teardown(void)
{
	axl_lesson_free(judge_lesson);
}

__attribute__((format(printf, 1, 2)))
static axl_result *judge_json(const char *fmt, ...)
{
	char buf[4096];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	char err[256];
	axc_report *rep = NULL;
	ck_assert_msg(axc_report_read(buf, strlen(buf), &rep, err, sizeof err) == 0,
		      "bad test report: %s", err);
	axl_result *r = axl_judge(judge_lesson, rep, "/ws/exercises/07-box.c");
	ck_assert_ptr_nonnull(r);
	ck_assert_uint_eq(r->nmarks, 6);
	return r;
}

#define REPORT(out, vns, peak, spawned, findings, outcome)                             \
	"{\"version\":2,\"build\":{\"ok\":true,\"output\":\"\"},\"outcome\":" outcome    \
	",\"stdout\":\"" out "\",\"stderr\":\"\",\"stats\":{\"end_ns\":" #vns             \
	",\"peak_live_tasks\":" #peak ",\"tasks_spawned\":" #spawned "},\"findings\":["   \
	findings "],\"tasks\":[{\"id\":1,\"name\":\"main\",\"future\":\"m\",\"parent\":0," \
	"\"state\":\"done\",\"spawn_ns\":0,\"exit_ns\":5}],\"timeline\":[{\"task\":1,"    \
	"\"kind\":\"poll\",\"t0\":0,\"t1\":5}]}"
#define EXIT0 "{\"end\":\"exited\",\"status\":0}"
#define BLOCKING_IN(file)                                                             \
	"{\"id\":\"blocking-call\",\"message\":\"sleep() blocks\",\"file\":\"" file        \
	"\",\"line\":20,\"fix\":\"use ax_sleep_ms\"}"

START_TEST(judge_all_pass)
{
	axl_result *r = judge_json(REPORT("start\\n  total: 250 ms \\nend\\n", 200000000, 3, 2,
					  "", EXIT0));
	for (size_t i = 0; i < r->nmarks; i++)
		ck_assert_msg(r->marks[i].passed || !strcmp(r->marks[i].check->name, "blocks"),
			      "%s: %s", r->marks[i].check->name, r->marks[i].message);
	ck_assert(!r->passed); /* blocks wants a finding */
	ck_assert_uint_eq(r->nfailed, 1);
	ck_assert_str_eq(r->marks[3].message, "no blocking call found");
	ck_assert_int_eq(r->end, AXL_END_EXITED);
	ck_assert_str_eq(r->verdict, "the exercise ran to the end (exit status 0)");
	ck_assert_uint_eq(r->ntasks, 1);
	ck_assert_str_eq(r->tasks[0].name, "main");
	ck_assert_uint_eq(r->nspans, 1);
	ck_assert_str_eq(r->timeline[0].kind, "poll");
	axl_result_free(r);
}
END_TEST

START_TEST(judge_each_failure)
{
	/* Output out of order, too slow, too many tasks, the finding in the
	 * harness rather than the learner's file, exit 3. */
	axl_result *r = judge_json(REPORT("total: 1 ms\\nstart\\npanic now\\n", 900000000, 9, 9,
					  BLOCKING_IN("/lessons/07-box/harness.c"),
					  "{\"end\":\"exited\",\"status\":3}"));
	ck_assert(!r->passed);
	ck_assert_uint_eq(r->nfailed, 6);
	ck_assert_str_eq(r->marks[0].message, "missing 'total: * ms' came before 'start'");
	ck_assert_str_eq(r->marks[1].message, "took 900 ms, wanted between 100 and 300 ms");
	ck_assert_str_eq(r->marks[2].message, "9 live tasks at the peak, wanted at most 4 live tasks");
	ck_assert(!r->marks[3].passed);
	ck_assert_str_eq(r->marks[4].message, "found blocking-call at harness.c:20");
	ck_assert_str_eq(r->marks[5].message, "exited 3");
	ck_assert_str_eq(r->verdict, "the exercise exited with status 3");
	ck_assert_uint_eq(r->nfindings, 1);
	ck_assert_str_eq(r->findings[0].fix, "use ax_sleep_ms");
	axl_result_free(r);

	/* The absent line, and a finding in the learner's file. */
	r = judge_json(REPORT("start\\ntotal: 2 ms\\npanic: x\\n", 100000000, 1, 1,
			      BLOCKING_IN("07-box.c"), EXIT0));
	ck_assert_str_eq(r->marks[0].message, "missing panic: x");
	ck_assert(r->marks[1].passed);
	ck_assert_str_eq(r->marks[2].message, "1 tasks spawned, wanted at least 2 tasks spawned");
	ck_assert(r->marks[3].passed);
	ck_assert(!r->marks[4].passed);
	axl_result_free(r);

	/* A line that was never printed is said to be absent. */
	r = judge_json(REPORT("start\\n", 200000000, 1, 2, "", EXIT0));
	ck_assert_str_eq(r->marks[0].message, "missing 'total: * ms' never came");
	axl_result_free(r);
}
END_TEST

/* Lessons do not honour suppressions: a learner who silences a blocking
 * call with an "asynclab: allow" comment, or marks a leaked task as a
 * daemon, is judged on the finding all the same. */
START_TEST(judge_suppressed_findings_count)
{
	axl_result *r = judge_json(REPORT("start\\ntotal: 2 ms\\n", 200000000, 1, 2,
					  "{\"id\":\"blocking-call\",\"message\":\"sleep() blocks\","
					  "\"file\":\"07-box.c\",\"line\":20,\"suppressed\":\"comment\"}",
					  EXIT0));
	ck_assert(!r->marks[4].passed);
	ck_assert_str_eq(r->marks[4].message, "found blocking-call at 07-box.c:20");
	ck_assert(!r->passed);
	ck_assert_uint_eq(r->nfindings, 1);
	ck_assert_str_eq(r->findings[0].id, "blocking-call");
	axl_result_free(r);

	r = judge_json(REPORT("start\\ntotal: 2 ms\\n", 200000000, 1, 2,
			      "{\"id\":\"leaked-task\",\"message\":\"still pending\","
			      "\"file\":\"07-box.c\",\"line\":9,\"suppressed\":\"daemon\"}",
			      EXIT0));
	ck_assert(!r->marks[4].passed);
	ck_assert_str_eq(r->marks[4].message, "found leaked-task at 07-box.c:9");
	ck_assert_uint_eq(r->nfindings, 1);
	axl_result_free(r);
}
END_TEST

START_TEST(judge_abnormal_ends)
{
	axl_result *r = judge_json(REPORT("start\\n", 0, 1, 1, "",
					  "{\"end\":\"signal\",\"signal\":\"SIGSEGV\"}"));
	ck_assert_int_eq(r->end, AXL_END_SIGNAL);
	ck_assert_str_eq(r->verdict, "the exercise was killed by SIGSEGV");
	ck_assert_uint_eq(r->nfailed, r->nmarks);
	ck_assert_str_eq(r->marks[5].message, "Not judged: the exercise was killed by SIGSEGV.");
	axl_result_free(r);

	r = judge_json(REPORT("", 0, 1, 1, "", "{\"end\":\"limit\",\"signal\":\"SIGKILL\","
						"\"limit\":\"time\",\"tasks_ran\":true}"));
	ck_assert_int_eq(r->end, AXL_END_TIME);
	ck_assert_str_eq(r->verdict, "stopped after 5 s (the time limit): the exercise never finished");
	ck_assert_uint_eq(r->nfailed, 6);
	axl_result_free(r);

	static const char not_built[] =
		"{\"version\":2,\"build\":{\"ok\":false,\"output\":\"a.c:3:1: error: expected ';'\"},"
		"\"outcome\":{\"end\":\"not_built\"},\"stdout\":\"\",\"stderr\":\"\"}";
	axc_report *rep = NULL;
	ck_assert_int_eq(axc_report_read(not_built, strlen(not_built), &rep, NULL, 0), 0);
	r = axl_judge(judge_lesson, rep, "a.c");
	ck_assert_int_eq(r->end, AXL_END_NOT_BUILT);
	ck_assert_str_eq(r->build_output, "a.c:3:1: error: expected ';'");
	ck_assert_uint_eq(r->nfailed, r->nmarks);
	ck_assert_str_eq(r->marks[0].message,
			 "Not judged: the exercise did not compile (see the compiler output).");
	axl_result_free(r);
}
END_TEST

/* kind = trace, judged from a report's scheduler trace: two naps made by
 * the learner's file, alive at once (joined) or one after the other. */
#define NAP_EV(k, id, extra)                                                          \
	"{\"kind\":\"" k "\",\"task\":1,\"future\":" #id ",\"name\":\"nap\"" extra "}"
#define NAP_MADE(id) NAP_EV("future_create", id, ",\"file\":\"/ws/exercises/07-box.c\",\"line\":13")
#define NAP_POLL(id, res) NAP_EV("future_poll", id, ",\"result\":\"" res "\"")
#define NAP_DROP(id) NAP_EV("future_drop", id, ",\"flag\":true")
#define TRACE_REPORT(events)                                                            \
	"{\"version\":2,\"build\":{\"ok\":true,\"output\":\"\"},\"outcome\":" EXIT0       \
	",\"stdout\":\"done\\n\",\"stderr\":\"\",\"stats\":{\"end_ns\":20000000},"         \
	"\"findings\":[],\"tasks\":[],\"timeline\":[],\"trace\":{\"on\":true,\"dropped\":0," \
	"\"events\":[" events "]}}"

static axl_result *judge_trace_json(const axl_lesson *l, const char *json)
{
	char err[256];
	axc_report *rep = NULL;
	ck_assert_msg(axc_report_read(json, strlen(json), &rep, err, sizeof err) == 0,
		      "bad test report: %s", err);
	axl_result *r = axl_judge(l, rep, "/ws/exercises/07-box.c");
	ck_assert_ptr_nonnull(r);
	ck_assert_uint_eq(r->nmarks, 5); /* and the implicit clean-exit */
	return r;
}

START_TEST(judge_trace_checks)
{
	axl_lesson *l = NULL;
	axl_diags d = { 0 };
	ck_assert_int_eq(parse(LESSON_HEAD
			       "[check polled]\nkind = trace\nwhat = polls\nname = nap\nmin = 4\n"
			       "message = nap ran {actual}; expected {expected}\n"
			       "[check together]\nkind = trace\nwhat = overlap\nname = nap\n"
			       "other = nap\nmin = 1\nmessage = run the naps together: {actual}\n"
			       "[check few]\nkind = trace\nwhat = peak\nname = nap\nmax = 2\n"
			       "message = too many naps at once: {actual}\n"
			       "[check nothing-lost]\nkind = trace\nwhat = dropped\nname = nap\n"
			       "max = 0\nmessage = {actual}\n",
			       &l, &d), 0);
	/* Joined: both naps alive at once. */
	axl_result *r = judge_trace_json(l, TRACE_REPORT(
		NAP_MADE(1) "," NAP_MADE(2) "," NAP_POLL(1, "pending") "," NAP_POLL(2, "pending") ","
		NAP_POLL(1, "ready") "," NAP_POLL(2, "ready") "," NAP_DROP(1) "," NAP_DROP(2)));
	for (size_t i = 0; i < r->nmarks; i++)
		ck_assert_msg(r->marks[i].passed, "%s: %s", r->marks[i].check->name,
			      r->marks[i].message);
	ck_assert(r->passed);
	axl_result_free(r);

	/* One after the other: the overlap check fails, names what happened
	 * and points at the learner's line that made the nap. */
	r = judge_trace_json(l, TRACE_REPORT(
		NAP_MADE(1) "," NAP_POLL(1, "pending") "," NAP_POLL(1, "ready") "," NAP_DROP(1) ","
		NAP_MADE(2) "," NAP_POLL(2, "pending") "," NAP_POLL(2, "ready") "," NAP_DROP(2)));
	ck_assert(!r->passed);
	ck_assert(r->marks[0].passed);
	ck_assert(r->marks[2].passed);
	ck_assert(!r->marks[1].passed);
	ck_assert_str_eq(r->marks[1].message, "run the naps together: nap and nap never ran at the "
					      "same time (line 13 of 07-box.c)");
	ck_assert_int_eq(r->marks[1].line, 13);
	axl_result_free(r);

	/* Too few polls, and a nap dropped before it finished. */
	r = judge_trace_json(l, TRACE_REPORT(NAP_MADE(1) "," NAP_POLL(1, "pending") ","
					     NAP_EV("future_drop", 1, ",\"flag\":false")));
	ck_assert_str_eq(r->marks[0].message, "nap ran 1 poll of nap; expected at least 4 (line 13 "
					      "of 07-box.c)");
	ck_assert_str_eq(r->marks[3].message, "1 nap dropped before finishing (line 13 of 07-box.c)");
	axl_result_free(r);

	/* A run without a trace is not judged by trace checks. */
	r = judge_trace_json(l, "{\"version\":2,\"build\":{\"ok\":true,\"output\":\"\"},"
				"\"outcome\":" EXIT0 ",\"stdout\":\"\",\"stderr\":\"\",\"stats\":{},"
				"\"findings\":[],\"tasks\":[],\"timeline\":[]}");
	ck_assert(!r->passed);
	ck_assert_str_eq(r->marks[0].message, "Not judged: the run has no scheduler trace.");
	axl_result_free(r);
	axl_lesson_free(l);
	axl_diags_free(&d);
}
END_TEST

/* ---- the sandbox: real runs through axc_run --------------------------- */

#define BOX_INI(limit)                                                                \
	"[lesson]\nid = box\ntitle = Box\norder = 7\nconcept = sandbox\ntime_limit_s = " \
	limit "\n[check done]\nkind = output\nexpect = done\nmessage = it never said done\n"

static axl_lesson *box_lesson; /* the marks of a result point into it */

static axl_result *run_box_limit(const char *ini, const char *program)
{
	char *dir = fx_tmpdir();
	char *ld = fx_lesson(dir, "07-box", ini, program, program);
	axl_diags d = { 0 };
	ck_assert_int_eq(axl_lesson_load(ld, &box_lesson, &d), 0);
	char *starter = fx_path(ld, "starter.c");
	axl_result *r = NULL;
	int rc = axl_verify(box_lesson, starter, &r);
	ck_assert_msg(rc == 0, "axl_verify: %s", strerror(-rc));
	ck_assert_ptr_nonnull(r);
	ck_assert_ptr_nonnull(r->verdict);
	free(starter);
	fx_rmrf(dir);
	free(ld);
	free(dir);
	axl_diags_free(&d);
	return r;
}

static axl_result *run_box(const char *program)
{
	return run_box_limit(BOX_INI("2"), program);
}

/* No process of the exercise may outlive its run: as a subreaper we
 * inherit any orphan, so our children are exactly the leftovers. */
static int leftover_children(void)
{
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
	int n = 0;
	DIR *dp = opendir("/proc");
	struct dirent *e;
	while (dp && (e = readdir(dp))) {
		char path[300], buf[512];
		snprintf(path, sizeof path, "/proc/%s/stat", e->d_name);
		FILE *f = fopen(path, "r");
		if (!f)
			continue;
		int ppid = 0;
		if (fgets(buf, sizeof buf, f)) {
			char *p = strrchr(buf, ')');
			if (p && sscanf(p + 2, "%*c %d", &ppid) == 1 && ppid == getpid())
				n++;
		}
		fclose(f);
	}
	if (dp)
		closedir(dp);
	return n;
}

static void subreaper(void)
{
	prctl(PR_SET_CHILD_SUBREAPER, 1);
}

static void box_free(void)
{
	axl_lesson_free(box_lesson);
	box_lesson = NULL;
}

START_TEST(sandbox_passes_a_good_program)
{
	axl_result *r = run_box("#include <stdio.h>\nint main(void){puts(\"done\");return 0;}\n");
	ck_assert_int_eq(r->end, AXL_END_EXITED);
	ck_assert_int_eq(r->status, 0);
	ck_assert_str_eq(r->out, "done\n");
	axl_result_free(r);
}
END_TEST

START_TEST(sandbox_infinite_loop)
{
	axl_result *r = run_box("int main(void){ for (;;) ; }\n");
	ck_assert_int_eq(r->end, AXL_END_TIME);
	ck_assert_msg(strstr(r->verdict, "stopped after 2 s"), "%s", r->verdict);
	ck_assert(!r->passed);
	ck_assert_int_eq(leftover_children(), 0);
	axl_result_free(r);
}
END_TEST

START_TEST(sandbox_fork_bomb)
{
	axl_result *r = run_box("#include <unistd.h>\n"
				"int main(void){ for (;;) if (fork() == 0) for (;;) pause(); }\n");
	ck_assert(!r->passed);
	ck_assert_msg(r->end == AXL_END_PROCESSES || r->end == AXL_END_TIME, "end %d: %s",
		      r->end, r->verdict);
	ck_assert_int_eq(leftover_children(), 0);
	axl_result_free(r);
}
END_TEST

START_TEST(sandbox_segfault)
{
	/* A store into read-only memory: a real SIGSEGV that the sanitizer
	 * builds (which check null stores themselves) let through too. */
	axl_result *r = run_box("#include <stdio.h>\nint main(void){ puts(\"done\"); fflush(stdout);"
				" volatile char *p = (char *)(void *)\"x\"; p[0] = 'y'; return 0; }\n");
	ck_assert_int_eq(r->end, AXL_END_SIGNAL);
	ck_assert_str_eq(r->verdict, "the exercise was killed by SIGSEGV");
	ck_assert(!r->passed);
	axl_result_free(r);
}
END_TEST

START_TEST(sandbox_unbounded_memory)
{
	/* Filling 512 MB takes a moment on a loaded machine: a generous time
	 * limit, so that the memory limit is what stops it. */
	axl_result *r = run_box_limit(BOX_INI("20"),
				      "#include <stdlib.h>\n#include <string.h>\n"
				      "int main(void){ for (;;) { char *p = malloc(1 << 20);"
				      " if (!p) abort(); memset(p, 1, 1 << 20); } }\n");
	ck_assert(!r->passed);
	ck_assert_msg(r->end == AXL_END_MEMORY, "end %d: %s", r->end, r->verdict);
	ck_assert_msg(strstr(r->verdict, "memory"), "%s", r->verdict);
	axl_result_free(r);
}
END_TEST

START_TEST(sandbox_output_flood)
{
	/* The flood must meet the output limit first however slow the
	 * machine (loaded, under a sanitizer or valgrind): a time limit far
	 * away, and only the outcome tells which one won. */
	axl_result *r = run_box_limit(BOX_INI("25"), "#include <stdio.h>\n"
				      "int main(void){ for (;;) puts(\"spam spam spam spam\"); }\n");
	ck_assert_int_eq(r->end, AXL_END_OUTPUT);
	ck_assert(r->output_truncated);
	ck_assert_uint_le(strlen(r->out), 1u << 20);
	ck_assert_msg(strstr(r->verdict, "output"), "%s", r->verdict);
	axl_result_free(r);
}
END_TEST

START_TEST(sandbox_compile_error)
{
	axl_result *r = run_box("int main(void) { return missing_name; }\n");
	ck_assert_int_eq(r->end, AXL_END_NOT_BUILT);
	ck_assert_msg(strstr(r->build_output, "missing_name"), "%s", r->build_output);
	ck_assert_str_eq(r->verdict, "the exercise did not compile");
	axl_result_free(r);
}
END_TEST

static Suite *engine_suite(void)
{
	Suite *s = suite_create("lessons-engine");
	TCase *tc = tcase_create("manifest");
	tcase_add_test(tc, manifest_valid);
	tcase_add_test(tc, manifest_errors_have_lines);
	tcase_add_test(tc, manifest_every_error_reported);
	tcase_add_test(tc, manifest_trace_errors);
	tcase_add_test(tc, manifest_missing_file);
	tcase_add_test(tc, catalog_order_and_lookup);
	tcase_add_test(tc, catalog_teaching);
	suite_add_tcase(s, tc);

	tc = tcase_create("judge");
	tcase_add_checked_fixture(tc, judge_setup, judge_teardown);
	tcase_add_test(tc, judge_all_pass);
	tcase_add_test(tc, judge_each_failure);
	tcase_add_test(tc, judge_suppressed_findings_count);
	tcase_add_test(tc, judge_abnormal_ends);
	tcase_add_test(tc, judge_trace_checks);
	suite_add_tcase(s, tc);

	tc = tcase_create("sandbox");
	tcase_add_checked_fixture(tc, subreaper, box_free);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, sandbox_passes_a_good_program);
	tcase_add_test(tc, sandbox_infinite_loop);
	tcase_add_test(tc, sandbox_fork_bomb);
	tcase_add_test(tc, sandbox_segfault);
	tcase_add_test(tc, sandbox_unbounded_memory);
	tcase_add_test(tc, sandbox_output_flood);
	tcase_add_test(tc, sandbox_compile_error);
	suite_add_tcase(s, tc);
	return s;
}

TEST_MAIN(engine_suite)
