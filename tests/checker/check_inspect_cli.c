/* check_inspect_cli.c - `asynclab check` as a user meets it: exit statuses
 * 0/1/2, named errors for unknown options and finding ids, the three
 * output formats and the report file; and the inspector together with the
 * real probe (a runtime program, a blocking call, a crash, a hang). */
#include "config.h"

#include "inspect_testutil.h"

#include <fcntl.h>
#include <stdarg.h>
#include <time.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../testutil.h"

/* Run axc_main with stdout and stderr captured in out.txt and err.txt. */
static int cli(char **out, char **err, ...)
{
	char *argv[32];
	int argc = 0;
	va_list ap;
	va_start(ap, err);
	argv[argc++] = (char *)(uintptr_t)"check";
	for (char *a; (a = va_arg(ap, char *)) && argc < 31;)
		argv[argc++] = a;
	va_end(ap);
	argv[argc] = NULL;
	fflush(stdout);
	fflush(stderr);
	int so = dup(1), se = dup(2);
	int fo = open("out.txt", O_WRONLY | O_CREAT | O_TRUNC, 0644);
	int fe = open("err.txt", O_WRONLY | O_CREAT | O_TRUNC, 0644);
	dup2(fo, 1);
	dup2(fe, 2);
	int rc = axc_main(argc, argv, NULL);
	fflush(stdout);
	fflush(stderr);
	dup2(so, 1);
	dup2(se, 2);
	close(so);
	close(se);
	close(fo);
	close(fe);
	*out = slurp("out.txt");
	*err = slurp("err.txt");
	return rc;
}

static const char clean_prog[] = "#include <stdio.h>\nint main(void) { puts(\"hi\"); return 0; }\n";

/* Stands in for the probe: one blocking-call finding at line 5. */
static const char finding_prog[] =
	"#include <stdio.h>\n#include <stdlib.h>\n"
	"int main(void)\n{\n"
	"\tdprintf(atoi(getenv(\"ASYNCLAB_PROBE_FD\")), \"{\\\"ev\\\":\\\"finding\\\",\\\"id\\\":\\\"blocking-call\\\",\\\"message\\\":\\\"m\\\",\\\"loc\\\":{\\\"file\\\":\\\"prog.c\\\",\\\"line\\\":5}}\\n\");\n"
	"\treturn 0;\n}\n";

START_TEST(test_unknown_option_named)
{
	char *out, *err;
	ck_assert_int_eq(cli(&out, &err, "--frobnicate", "prog.c", NULL), 2);
	ck_assert_msg(strstr(err, "unknown option '--frobnicate'"), "%s", err);
	free(out);
	free(err);
	ck_assert_int_eq(cli(&out, &err, "--only", "blocking-call,slow-thing", "prog.c", NULL), 2);
	ck_assert_msg(strstr(err, "unknown finding id 'slow-thing'"), "%s", err);
	free(out);
	free(err);
	ck_assert_int_eq(cli(&out, &err, "--time-limit", "soon", "prog.c", NULL), 2);
	ck_assert_msg(strstr(err, "--time-limit"), "%s", err);
	free(out);
	free(err);
	ck_assert_int_eq(cli(&out, &err, "notes.txt", NULL), 2);
	ck_assert_msg(strstr(err, "'notes.txt' is not a .c file"), "%s", err);
	free(out);
	free(err);
}
END_TEST

START_TEST(test_help_and_version)
{
	char *out, *err;
	ck_assert_int_eq(cli(&out, &err, "--help", NULL), 0);
	ck_assert_ptr_nonnull(strstr(out, "--time-limit"));
	ck_assert_ptr_nonnull(strstr(out, "--stall-ms"));
	ck_assert_ptr_nonnull(strstr(out, "lock-across-await"));
	free(out);
	free(err);
	ck_assert_int_eq(cli(&out, &err, "--version", NULL), 0);
	ck_assert_ptr_nonnull(strstr(out, PACKAGE_VERSION));
	free(out);
	free(err);
}
END_TEST

START_TEST(test_exit_statuses)
{
	char *out, *err;
	write_file("prog.c", clean_prog);
	ck_assert_int_eq(cli(&out, &err, "prog.c", NULL), 0);
	ck_assert_str_eq(out, "hi\n"); /* the program's output passes through */
	ck_assert_msg(strstr(err, "no findings"), "%s", err);
	free(out);
	free(err);

	/* The program plays the probe, so the real one stays out. */
	write_file("prog.c", finding_prog);
	ck_assert_int_eq(cli(&out, &err, "--no-probe", "prog.c", NULL), 1);
	ck_assert_msg(strstr(err, "prog.c:5:1: warning: m [blocking-call]"), "%s", err);
	free(out);
	free(err);
	/* --allow takes it away again. */
	ck_assert_int_eq(cli(&out, &err, "--no-probe", "--allow=blocking-call", "prog.c", NULL), 0);
	free(out);
	free(err);

	write_file("prog.c", "int main(void)\n{\n\treturn nope;\n}\n");
	ck_assert_int_eq(cli(&out, &err, "prog.c", NULL), 2);
	ck_assert_msg(strstr(err, "prog.c:3:"), "%s", err);
	ck_assert_msg(strstr(err, "did not compile"), "%s", err);
	free(out);
	free(err);

	ck_assert_int_eq(cli(&out, &err, "--", "/nonexistent/prog", NULL), 2);
	free(out);
	free(err);
}
END_TEST

START_TEST(test_prebuilt_program_and_args)
{
	char *out, *err;
	ck_assert_int_eq(cli(&out, &err, "--", "echo", "two", "words", NULL), 0);
	ck_assert_str_eq(out, "two words\n");
	free(out);
	free(err);
}
END_TEST

START_TEST(test_formats_and_report_file)
{
	char *out, *err;
	write_file("prog.c", finding_prog);
	ck_assert_int_eq(cli(&out, &err, "--no-probe", "--format", "json", "--sarif", "out.sarif",
			     "--report", "report.json", "prog.c", NULL), 1);
	json_t *f = json_loads(out, 0, NULL);
	ck_assert_msg(json_is_object(f), "%s", out);
	ck_assert_str_eq(axc__jstr(f, "id"), "blocking-call");
	ck_assert_str_eq(axc__jstr(f, "file"), "prog.c");
	ck_assert_int_eq(axc__jint(f, "line", 0), 5);
	ck_assert_ptr_nonnull(json_object_get(f, "task"));
	json_decref(f);
	free(out);
	free(err);

	json_t *sarif = json_load_file("out.sarif", 0, NULL);
	ck_assert_ptr_nonnull(sarif);
	json_t *r0 = json_array_get(json_object_get(json_array_get(json_object_get(sarif, "runs"), 0), "results"), 0);
	ck_assert_str_eq(axc__jstr(r0, "ruleId"), "blocking-call");
	json_decref(sarif);

	char *text = slurp("report.json");
	ck_assert_ptr_nonnull(text);
	axc_report *rep = NULL;
	char rerr[256];
	ck_assert_msg(axc_report_read(text, strlen(text), &rep, rerr, sizeof rerr) == 0, "%s", rerr);
	assert_report_schema(rep);
	ck_assert_int_eq(rep->version, 2);
	ck_assert_uint_eq(rep->nfindings, 1);
	ck_assert_int_eq(rep->findings[0].line, 5);
	axc_report_free(rep);
	free(text);
}
END_TEST

/* The finding program with a suppression comment on the finding's line
 * (5) for `allow`, a comment naming an unknown id on line 7, and prose
 * that is no directive on line 8. */
static void write_allow_prog(const char *allow)
{
	char text[2048];
	snprintf(text, sizeof text,
		 "#include <stdio.h>\n#include <stdlib.h>\n"
		 "int main(void)\n{\n"
		 "\tdprintf(atoi(getenv(\"ASYNCLAB_PROBE_FD\")), \"{\\\"ev\\\":\\\"finding\\\",\\\"id\\\":\\\"blocking-call\\\",\\\"message\\\":\\\"m\\\",\\\"loc\\\":{\\\"file\\\":\\\"prog.c\\\",\\\"line\\\":5}}\\n\"); /* asynclab: allow(%s) */\n"
		 "\treturn 0;\n"
		 "\t// asynclab: allow(blocking-cal)\n"
		 "\t/* asynclab: allowing prose is no directive */\n"
		 "}\n",
		 allow);
	write_file("prog.c", text);
}

/* An "asynclab: allow(ID)" comment on the finding's line keeps the
 * finding in the report, suppressed: not printed, counted in the
 * summary, left out of the JSON lines, marked in SARIF and the report,
 * and the exit status is 0.  An unknown id in a comment is a warning at
 * its line. */
START_TEST(test_comment_suppresses_finding)
{
	char *out, *err;
	write_allow_prog("leaked-task, blocking-call");
	ck_assert_int_eq(cli(&out, &err, "--no-probe", "prog.c", NULL), 0);
	ck_assert_msg(!strstr(err, "[blocking-call]"), "%s", err);
	ck_assert_msg(strstr(err, "no findings (1 suppressed)"), "%s", err);
	ck_assert_msg(strstr(err, "prog.c:7:1: warning: unknown finding id 'blocking-cal' in an "
				  "'asynclab: allow' comment"), "%s", err);
	free(out);
	free(err);

	ck_assert_int_eq(cli(&out, &err, "--no-probe", "--format", "json", "--sarif", "out.sarif",
			     "--report", "report.json", "prog.c", NULL), 0);
	ck_assert_str_eq(out, ""); /* JSON lines carry reported findings only */
	ck_assert_msg(strstr(err, "prog.c:7:1: warning: unknown finding id"), "%s", err);
	free(out);
	free(err);
	json_t *sarif = json_load_file("out.sarif", 0, NULL);
	ck_assert_ptr_nonnull(sarif);
	json_t *r0 = json_array_get(json_object_get(json_array_get(json_object_get(sarif, "runs"), 0), "results"), 0);
	ck_assert_str_eq(axc__jstr(r0, "ruleId"), "blocking-call");
	json_t *sup = json_array_get(json_object_get(r0, "suppressions"), 0);
	ck_assert_str_eq(axc__jstr(sup, "kind"), "inSource");
	ck_assert_str_eq(axc__jstr(sup, "justification"), "comment");
	json_decref(sarif);
	json_t *report = json_load_file("report.json", 0, NULL);
	ck_assert_ptr_nonnull(report);
	json_t *f0 = json_array_get(json_object_get(report, "findings"), 0);
	ck_assert_str_eq(axc__jstr(f0, "suppressed"), "comment");
	json_t *w0 = json_array_get(json_object_get(report, "warnings"), 0);
	ck_assert_str_eq(axc__jstr(w0, "file"), "prog.c");
	ck_assert_int_eq(axc__jint(w0, "line", 0), 7);
	ck_assert_uint_eq(json_array_size(json_object_get(report, "warnings")), 1);
	json_decref(report);
	char *text = slurp("report.json");
	axc_report *rep = NULL;
	char rerr[256];
	ck_assert_msg(axc_report_read(text, strlen(text), &rep, rerr, sizeof rerr) == 0, "%s", rerr);
	assert_report_schema(rep);
	ck_assert_uint_eq(rep->nfindings, 1);
	ck_assert_str_eq(rep->findings[0].suppressed, "comment");
	ck_assert_uint_eq(axc_report_nreported(rep), 0);
	ck_assert_int_eq(axc_verdict(rep), 0);
	ck_assert_uint_eq(rep->nwarnings, 1);
	ck_assert_int_eq(rep->warnings[0].line, 7);
	axc_report_free(rep);
	free(text);

	/* A comment for another id suppresses nothing. */
	write_allow_prog("leaked-task");
	ck_assert_int_eq(cli(&out, &err, "--no-probe", "prog.c", NULL), 1);
	ck_assert_msg(strstr(err, "prog.c:5:1: warning: m [blocking-call]"), "%s", err);
	ck_assert_msg(strstr(err, "1 finding;"), "%s", err);
	free(out);
	free(err);
}
END_TEST

/* The finding program with `tail` after the finding's statement on its
 * line (5). */
static void write_tail_prog(const char *tail)
{
	char text[2048];
	snprintf(text, sizeof text,
		 "#include <stdio.h>\n#include <stdlib.h>\n"
		 "int main(void)\n{\n"
		 "\tdprintf(atoi(getenv(\"ASYNCLAB_PROBE_FD\")), \"{\\\"ev\\\":\\\"finding\\\",\\\"id\\\":\\\"blocking-call\\\",\\\"message\\\":\\\"m\\\",\\\"loc\\\":{\\\"file\\\":\\\"prog.c\\\",\\\"line\\\":5}}\\n\"); %s\n"
		 "\treturn 0;\n"
		 "}\n",
		 tail);
	write_file("prog.c", text);
}

/* A directive is one only inside a comment: "// asynclab: allow(...)" in
 * a string literal suppresses nothing, and a quote in a character
 * literal does not hide the comment after it. */
START_TEST(test_directive_in_string_is_no_comment)
{
	char *out, *err;
	write_tail_prog("const char *s = \"// asynclab: allow(blocking-call)\"; (void)s;");
	ck_assert_int_eq(cli(&out, &err, "--no-probe", "prog.c", NULL), 1);
	ck_assert_msg(strstr(err, "prog.c:5:1: warning: m [blocking-call]"), "%s", err);
	free(out);
	free(err);
	write_tail_prog("const char *s = \"\\\"/* asynclab: allow(blocking-call) */\"; (void)s;");
	ck_assert_int_eq(cli(&out, &err, "--no-probe", "prog.c", NULL), 1);
	ck_assert_msg(strstr(err, "prog.c:5:1: warning: m [blocking-call]"), "%s", err);
	free(out);
	free(err);
	write_tail_prog("char q = '\"'; (void)q; /* asynclab: allow(blocking-call) */");
	ck_assert_int_eq(cli(&out, &err, "--no-probe", "prog.c", NULL), 0);
	ck_assert_msg(strstr(err, "no findings (1 suppressed)"), "%s", err);
	free(out);
	free(err);
}
END_TEST

/* --stdin FILE is the program's standard input (else /dev/null); a file
 * that cannot be read is named with the option, status 2. */
START_TEST(test_stdin_file)
{
	char *out, *err;
	write_file("prog.c", "#include <stdio.h>\nint main(void)\n{\n\tchar b[64];\n"
			     "\tsize_t n = fread(b, 1, sizeof b, stdin);\n"
			     "\tprintf(\"read %zu: %.*s|\\n\", n, (int)n, b);\n\treturn 0;\n}\n");
	write_file("in.txt", "two\nlines\n");
	ck_assert_int_eq(cli(&out, &err, "--stdin", "in.txt", "prog.c", NULL), 0);
	ck_assert_str_eq(out, "read 10: two\nlines\n|\n");
	free(out);
	free(err);
	ck_assert_int_eq(cli(&out, &err, "prog.c", NULL), 0);
	ck_assert_str_eq(out, "read 0: |\n");
	free(out);
	free(err);
	ck_assert_int_eq(cli(&out, &err, "--stdin=missing.txt", "prog.c", NULL), 2);
	ck_assert_msg(strstr(err, "--stdin missing.txt: cannot read the file"), "%s", err);
	ck_assert_str_eq(out, "");
	free(out);
	free(err);
	ck_assert_int_eq(cli(&out, &err, "--stdin", ".", "prog.c", NULL), 2);
	ck_assert_msg(strstr(err, "--stdin .: cannot read the file: it is a directory"), "%s", err);
	free(out);
	free(err);
	ck_assert_int_eq(cli(&out, &err, "--help", NULL), 0);
	ck_assert_msg(strstr(out, "--stdin FILE"), "%s", out);
	free(out);
	free(err);
}
END_TEST

/* ---- with the real probe ----------------------------------------------- */

static bool have_probe(void)
{
	axc__paths p;
	axc__paths_get(&p);
	return access(p.probe, R_OK) == 0;
}

static axc_report *run_probed(const char *code, uint64_t time_ms, axc_clock clock)
{
	static const char *files[] = { "prog.c" };
	write_file("prog.c", code);
	axc_opts o;
	axc_opts_init(&o);
	o.files = files;
	o.nfiles = 1;
	o.time_ms = time_ms;
	o.clock = clock;
	axc_report *rep = NULL;
	ck_assert_int_eq(axc_run(&o, &rep), 0);
	assert_report_schema(rep);
	ck_assert_msg(rep->built, "%s", rep->build_output);
	return rep;
}

START_TEST(test_probe_clean_runtime_program)
{
	if (!have_probe())
		return;
	axc_report *rep = run_probed("#include <asynclab.h>\n"
				 "AX_ASYNC(nap, int, int ms;)\n{\n\tAX_BEGIN;\n"
				 "\tAX_AWAIT(ax_sleep_ms((uint64_t)self->ms));\n\tAX_RETURN(self->ms);\n\tAX_END;\n}\n"
				 "int main(void) { return AX_RUN(AX_CALL(nap, .ms = 250)) == 250 ? 0 : 1; }\n",
				 5000, AXC_CLOCK_VIRTUAL);
	ck_assert(rep->probe_found);
	ck_assert(rep->outcome.probe);
	ck_assert(rep->stats.virtual_clock);
	ck_assert_uint_ge(rep->stats.end_ns, 250000000);
	ck_assert_uint_ge(rep->ntasks, 1);
	ck_assert_int_eq(rep->tasks[0].state, AXC_TASK_DONE);
	ck_assert(rep->outcome.main_started && rep->outcome.main_done);
	ck_assert_uint_eq(rep->nfindings, 0);
	ck_assert_int_eq(axc_verdict(rep), 0);
	axc_report_free(rep);
}
END_TEST

START_TEST(test_probe_blocking_call_line)
{
	if (!have_probe())
		return;
	axc_report *rep = run_probed("#include <asynclab.h>\n#include <unistd.h>\n"
				 "AX_ASYNC(slow, int, int unused;)\n{\n\tAX_BEGIN;\n"
				 "\tusleep(1000);\n"	/* line 6 */
				 "\tAX_RETURN(1);\n\tAX_END;\n}\n"
				 "int main(void) { return AX_RUN(AX_CALL(slow)) == 1 ? 0 : 1; }\n",
				 5000, AXC_CLOCK_VIRTUAL);
	ck_assert_uint_ge(rep->nfindings, 1);
	const axc_finding *f = &rep->findings[0];
	ck_assert_str_eq(f->name, "blocking-call");
	ck_assert_str_eq(f->file, "prog.c");
	ck_assert_int_eq(f->line, 6);
	ck_assert_int_eq(axc_verdict(rep), 1);
	axc_report_free(rep);
}
END_TEST

/* With two workers side by side a blocking call holds up its worker, not
 * the program: the finding names the worker and says the other goes on
 * (with one, "the executor thread ... every other task"). */
START_TEST(test_probe_blocking_names_worker)
{
	if (!have_probe())
		return;
	axc_report *rep = run_probed("#include <asynclab.h>\n#include <unistd.h>\n"
				 "AX_ASYNC(slow, int, int unused;)\n{\n\tAX_BEGIN;\n"
				 "\tusleep(1000);\n" /* line 6 */
				 "\tAX_RETURN(1);\n\tAX_END;\n}\n"
				 "int main(void)\n{\n"
				 "\tax_rt *rt = ax_rt_new(&(ax_rt_opts){ .workers = 2 });\n"
				 "\tint r = AX_BLOCK_ON(rt, AX_CALL(slow));\n"
				 "\tax_rt_free(rt);\n\treturn r == 1 ? 0 : 1;\n}\n",
				 5000, AXC_CLOCK_REAL);
	ck_assert_uint_ge(rep->nfindings, 1);
	const axc_finding *f = &rep->findings[0];
	ck_assert_str_eq(f->name, "blocking-call");
	ck_assert_int_eq(f->line, 6);
	ck_assert_msg(strstr(f->message, " of 2 waits here; the other worker goes on") != NULL,
		      "%s", f->message);
	ck_assert_msg(strstr(f->message, "executor thread") == NULL, "%s", f->message);
	axc_report_free(rep);
}
END_TEST

/* block_on's thread only waits while two workers run the tasks: its
 * wait is no stalled poll.  (The watchdog sampled that thread and
 * reported "outside any task has been blocked" at line 1 while a worker
 * computed; with workers it does not sample yet, docs/checker.md.) */
START_TEST(test_probe_workers_wait_is_no_stall)
{
	if (!have_probe())
		return;
	axc_report *rep = run_probed("#include <asynclab.h>\n#include <time.h>\n"
				 "static double now(void)\n{\n\tstruct timespec ts;\n"
				 "\tclock_gettime(CLOCK_MONOTONIC, &ts);\n"
				 "\treturn (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;\n}\n"
				 "AX_ASYNC(spin, int, int unused;)\n{\n\tAX_BEGIN;\n"
				 "\tdouble t0 = now();\n\twhile (now() - t0 < 0.4)\n\t\t;\n"
				 "\tAX_RETURN(1);\n\tAX_END;\n}\n"
				 "int main(void)\n{\n"
				 "\tax_rt *rt = ax_rt_new(&(ax_rt_opts){ .workers = 2 });\n"
				 "\tint r = AX_BLOCK_ON(rt, AX_CALL(spin));\n"
				 "\tax_rt_free(rt);\n\treturn r == 1 ? 0 : 1;\n}\n",
				 5000, AXC_CLOCK_REAL);
	ck_assert(rep->outcome.main_done);
	for (size_t i = 0; i < rep->nfindings; i++)
		ck_assert_msg(strstr(rep->findings[i].message, "outside any task") == NULL,
			      "%s: %s", rep->findings[i].name, rep->findings[i].message);
	axc_report_free(rep);
}
END_TEST

START_TEST(test_probe_hang_is_a_finding)
{
	if (!have_probe())
		return;
	/* A task that waits for a notification nobody sends, on the real
	 * clock with a timer far away: the program cannot finish. */
	uint64_t t0 = (uint64_t)time(NULL);
	axc_report *rep = run_probed("#include <asynclab.h>\n"
				 "AX_ASYNC(forever, int, int unused;)\n{\n\tAX_BEGIN;\n"
				 "\tAX_AWAIT(ax_sleep_ms(3600 * 1000));\n\tAX_RETURN(1);\n\tAX_END;\n}\n"
				 "int main(void) { return AX_RUN(AX_CALL(forever)); }\n",
				 1000, AXC_CLOCK_REAL);
	ck_assert_uint_le((uint64_t)time(NULL) - t0, 5);
	ck_assert_int_eq(rep->outcome.end, AXC_END_LIMIT);
	ck_assert_int_eq(rep->outcome.limit, AXC_LIMIT_TIME);
	ck_assert_uint_ge(rep->nfindings, 1);
	ck_assert_int_eq(axc_verdict(rep), 1);
	axc_report_free(rep);
}
END_TEST

/* Stopped at the time limit with a daemon still running beside the task
 * that hangs: the finding names the hanging task, not the daemon spawned
 * after it (a daemon is meant to be pending), and the report marks it. */
START_TEST(test_probe_hang_beside_daemon)
{
	if (!have_probe())
		return;
	axc_report *rep = run_probed("#include <asynclab.h>\n"
				 "AX_ASYNC(forever, int, int unused;)\n{\n\tAX_BEGIN;\n"
				 "\tAX_AWAIT(ax_sleep_ms(3600 * 1000));\n\tAX_RETURN(1);\n\tAX_END;\n}\n"
				 "AX_ASYNC(metrics, int, int n;)\n{\n\tAX_BEGIN;\n"
				 "\tfor (;;) {\n\t\tAX_AWAIT(ax_sleep_ms(20));\n\t\tself->n++;\n\t}\n"
				 "\tAX_END;\n}\n"
				 "AX_ASYNC(outer, int, ax_task *h;)\n{\n\tAX_BEGIN;\n"
				 "\tself->h = AX_SPAWN_NAMED(\"stuck\", AX_CALL(forever));\n" /* line 21 */
				 "\tAX_SPAWN_DAEMON(AX_CALL(metrics));\n" /* line 22 */
				 "\tAX_AWAIT(ax_join(self->h));\n\tAX_RETURN(0);\n\tAX_END;\n}\n"
				 "int main(void) { return AX_RUN(AX_CALL(outer)); }\n",
				 1000, AXC_CLOCK_REAL);
	ck_assert_int_eq(rep->outcome.limit, AXC_LIMIT_TIME);
	ck_assert_uint_eq(rep->nfindings, 1);
	const axc_finding *f = &rep->findings[0];
	ck_assert_str_eq(f->name, "leaked-task");
	ck_assert_msg(f->line == 21, "line %d: %s", f->line, f->message);
	ck_assert_str_eq(axc_report_task(rep, f->task)->name, "stuck");
	ck_assert_msg(strstr(f->message, "besides 1 daemon"), "%s", f->message);
	size_t daemons = 0;
	for (size_t i = 0; i < rep->ntasks; i++)
		if (rep->tasks[i].daemon) {
			daemons++;
			ck_assert_int_eq(rep->tasks[i].spawn_line, 22);
		}
	ck_assert_uint_eq(daemons, 1);
	axc_report_free(rep);
}
END_TEST

START_TEST(test_probe_crash_reported)
{
	if (!have_probe())
		return;
	axc_report *rep = run_probed("#include <asynclab.h>\n#include <stddef.h>\n"
				 "static void (*volatile jump)(void);\n"
				 "AX_ASYNC(boom, int, int unused;)\n{\n\tAX_BEGIN;\n"
				 "\tjump();\n"	/* line 7 */
				 "\tAX_RETURN(1);\n\tAX_END;\n}\n"
				 "int main(void) { return AX_RUN(AX_CALL(boom)); }\n",
				 5000, AXC_CLOCK_VIRTUAL);
	const axc_crash *crash = rep->crash;
	ck_assert_ptr_nonnull(crash);
	ck_assert_str_eq(crash->signal_name, "SIGSEGV");
	/* Either the probe sent the stack (then it names line 7) or the
	 * report says there is none. */
	bool line7 = false;
	for (size_t i = 0; i < crash->nstack; i++)
		line7 |= crash->stack[i].line == 7;
	ck_assert(crash->nstack ? line7 : crash->note != NULL);
	ck_assert_int_eq(axc_verdict(rep), 2);
	axc_report_free(rep);
}
END_TEST

/* The innermost frame of the report's crash stack in prog.c, or NULL. */
static const axc_frame *crash_user_frame(const axc_report *rep)
{
	for (size_t i = 0; rep->crash && i < rep->crash->nstack; i++) {
		const char *file = rep->crash->stack[i].file;
		if (file && !strcmp(file, "prog.c"))
			return &rep->crash->stack[i];
	}
	return NULL;
}

/* The probe's fatal-signal handler sends the stack: the report names the
 * signal and puts the innermost frame of the program at the faulting line,
 * for a bad store, a call through a null pointer (no unwind information
 * where it lands), a division by zero and an abort(). */
START_TEST(test_probe_crash_stack_at_line)
{
	if (!have_probe())
		return;
	static const struct {
		const char *stmt, *sig;
	} crashes[] = {
		{ "*nullp = 1;", "SIGSEGV" },
		{ "jump();", "SIGSEGV" },
		{ "self->unused = 100 / zero;", "SIGFPE" },
		{ "abort();", "SIGABRT" },
	};
	for (size_t k = 0; k < sizeof crashes / sizeof *crashes; k++) {
		char code[1024];
		snprintf(code, sizeof code,
			 "#include <asynclab.h>\n#include <stdlib.h>\n"
			 "static int *volatile nullp;\nstatic void (*volatile jump)(void);\n"
			 "static volatile int zero;\n"
			 "AX_ASYNC(boom, int, int unused;)\n{\n\tAX_BEGIN;\n"
			 "\t%s\n" /* line 9 */
			 "\tAX_RETURN(1);\n\tAX_END;\n}\n"
			 "int main(void) { return AX_RUN(AX_CALL(boom)); }\n",
			 crashes[k].stmt);
		axc_report *rep = run_probed(code, 5000, AXC_CLOCK_VIRTUAL);
		const axc_crash *crash = rep->crash;
		ck_assert_msg(crash != NULL, "%s: no crash", crashes[k].stmt);
		ck_assert_str_eq(rep->outcome.signal_name, crashes[k].sig);
		ck_assert_str_eq(crash->signal_name, crashes[k].sig);
		const axc_frame *fr = crash_user_frame(rep);
		ck_assert_msg(fr != NULL, "%s: no frame in prog.c (note: %s)", crashes[k].stmt,
			      crash->note);
		ck_assert_int_eq(fr->line, 9);
		ck_assert_str_eq(fr->function, "boom" /* as written */);
		ck_assert_int_eq(axc_verdict(rep), 2);
		axc_report_free(rep);
	}
}
END_TEST

/* A spawned task stuck in a CPU loop: the stalled-poll finding names the
 * task being polled (not only the line), with its spawn site. */
START_TEST(test_probe_stall_names_task)
{
	if (!have_probe())
		return;
	axc_report *rep = run_probed("#include <asynclab.h>\n#include <signal.h>\n#include <sys/time.h>\n"
				 "static volatile sig_atomic_t stop;\n"
				 "static void on_alarm(int sig) { (void)sig; stop = 1; }\n"
				 "AX_ASYNC(crunch, int, int unused;)\n{\n\tAX_BEGIN;\n"
				 "\twhile (!stop) { }\n" /* line 9 */
				 "\tAX_RETURN(1);\n\tAX_END;\n}\n"
				 "AX_ASYNC(main_async, int, ax_task *t;)\n{\n\tAX_BEGIN;\n"
				 "\tself->t = AX_SPAWN_NAMED(\"cruncher\", AX_CALL(crunch));\n" /* line 16 */
				 "\tAX_AWAIT(ax_join(self->t));\n\tAX_RETURN(0);\n\tAX_END;\n}\n"
				 "int main(void) { signal(SIGALRM, on_alarm);\n"
				 "\tstruct itimerval it = { { 0, 0 }, { 0, 800000 } };\n"
				 "\tsetitimer(ITIMER_REAL, &it, NULL);\n"
				 "\treturn AX_RUN(AX_CALL(main_async)); }\n",
				 5000, AXC_CLOCK_REAL);
	const axc_finding *stall = NULL;
	for (size_t i = 0; i < rep->nfindings; i++)
		if (!strcmp(rep->findings[i].name, "stalled-poll"))
			stall = &rep->findings[i];
	ck_assert_msg(stall != NULL, "no stalled-poll finding");
	ck_assert_int_eq(stall->line, 9);
	const axc_task *task = axc_report_task(rep, stall->task);
	ck_assert_msg(task != NULL, "stalled-poll without its task");
	ck_assert_int_eq(task->id, 2);
	ck_assert_str_eq(task->name, "cruncher");
	ck_assert_int_eq(task->spawn_line, 16);
	ck_assert(rep->outcome.stalled);
	axc_report_free(rep);
}
END_TEST

static Suite *inspect_cli_suite(void)
{
	Suite *s = suite_create("inspect_cli");
	TCase *tc = tcase_create("cli");
	tcase_add_checked_fixture(tc, workdir_enter, workdir_leave);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_unknown_option_named);
	tcase_add_test(tc, test_help_and_version);
	tcase_add_test(tc, test_exit_statuses);
	tcase_add_test(tc, test_prebuilt_program_and_args);
	tcase_add_test(tc, test_formats_and_report_file);
	tcase_add_test(tc, test_comment_suppresses_finding);
	tcase_add_test(tc, test_directive_in_string_is_no_comment);
	tcase_add_test(tc, test_stdin_file);
	suite_add_tcase(s, tc);
	TCase *tp = tcase_create("probe");
	tcase_add_checked_fixture(tp, workdir_enter, workdir_leave);
	tcase_set_timeout(tp, 30);
	tcase_add_test(tp, test_probe_clean_runtime_program);
	tcase_add_test(tp, test_probe_blocking_call_line);
	tcase_add_test(tp, test_probe_blocking_names_worker);
	tcase_add_test(tp, test_probe_workers_wait_is_no_stall);
	tcase_add_test(tp, test_probe_hang_is_a_finding);
	tcase_add_test(tp, test_probe_hang_beside_daemon);
	tcase_add_test(tp, test_probe_crash_reported);
	tcase_add_test(tp, test_probe_crash_stack_at_line);
	tcase_add_test(tp, test_probe_stall_names_task);
	suite_add_tcase(s, tp);
	return s;
}

TEST_MAIN(inspect_cli_suite)
