/* check_harness.c - lessons with a harness: the exercise holds only the
 * learner's part and is compiled with the lesson's entry points beside
 * harness.c; the harness's records decide its checks (a line the exercise
 * prints cannot pose as one); a run that deadlocks, hangs or ends early
 * says so and passes no check that presumes a normal end; a file in an
 * older shape, a missing entry point and a provided name defined again
 * are explained; the frame-locals analysis names a local lost across an
 * await; vtime checks are not judged on the real clock; the kit's notion
 * of the executor covers every worker of a runtime with N. */
#include "config.h"

#include "lesson_fixture.h"
#include "../testutil.h"

#include <errno.h>

#define INI                                                                            \
	"[lesson]\nid = box\ntitle = Box\norder = 7\nconcept = harness\n"               \
	"[check result]\nkind = harness\nmessage = compute is wrong: {actual}\n"       \
	"[check doubled]\nkind = harness\nmessage = double_it was not used: {actual}\n" \
	"[check took]\nkind = vtime\nmax_ms = 20\nmessage = took {actual}\n"           \
	"[check no-lost-waker]\nkind = no-finding\nid = lost-waker\nmessage = lost\n"  \
	"[check frame-locals]\nkind = frame-locals\nmessage = lost: {actual}\n"

#define LESSON_H                                                                       \
	"#ifndef BOX_H\n#define BOX_H\n#include \"lesson_kit.h\"\n"                     \
	"AXL_SERVICE(double_it, int, int x;);\n"                                        \
	"ax_future *axl_entry_compute(int x);\n#endif\n"                                \
	"#ifdef AXL_LEARNER_ENTRIES\nAXL_ENTRY_ASYNC(compute, (int x), .x = x)\n#endif\n"

/* The harness: compute(21) must give 42 by awaiting double_it. */
#define HARNESS                                                                        \
	"#include \"harness_kit.h\"\n#include \"lesson.h\"\n#include <stdio.h>\n"       \
	"AXH_SERVICE(double_it, int)\n{\n\tint rec = AXH_REC_BEGIN(\"double_it\");\n"   \
	"\t(void)rec;\n\tAX_BEGIN;\n\tAX_AWAIT(ax_sleep_ms(10));\n"                    \
	"\taxh_rec_end(self, 2 * self->x, 0);\n\tAX_RETURN(2 * self->x);\n\tAX_END;\n}\n" \
	"AX_ASYNC(lesson_main, int, axh_ret r;)\n{\n\tAX_BEGIN;\n"                       \
	"\tAX_AWAIT_TO(self->r, axh_call(\"compute\", axl_entry_compute(21)));\n"       \
	"\tprintf(\"compute(21) = %lld\\n\", (long long)self->r.val);\n"                \
	"\taxh_check(\"result\", self->r.val == 42, NULL, \"compute(21) gave %lld\",\n" \
	"\t\t  (long long)self->r.val);\n"                                              \
	"\tbool used = axh_nrecs == 1 && axh_recs[0].done;\n"                           \
	"\taxh_check(\"doubled\", used, used ? NULL : NULL, \"%s\",\n"                  \
	"\t\t  used ? \"\" : \"compute never awaited double_it\");\n"                  \
	"\taxh_end(\"done\", \"%s\", \"\");\n\tAX_RETURN(0);\n\tAX_END;\n}\n"           \
	"int main(void)\n{\n\taxh_init();\n\treturn AXH_RUN(AX_CALL(lesson_main));\n}\n"

#define GOOD                                                                           \
	"#include \"lesson.h\"\nAX_ASYNC(compute, int, int x; int d;)\n{\n\tAX_BEGIN;\n" \
	"\tAX_AWAIT_TO(self->d, AX_CALL(double_it, .x = self->x));\n"                   \
	"\tAX_RETURN(self->d);\n\tAX_END;\n}\n"

static char *dir, *ld;
static axl_lesson *box;

static void setup(void)
{
	dir = fx_tmpdir();
	char *cache = fx_path(dir, "cache");
	setenv("ASYNCLAB_CACHE_DIR", cache, 1);
	free(cache);
	ld = fx_lesson(dir, "07-box", INI, GOOD, GOOD);
	fx_write(ld, "lesson.h", LESSON_H);
	fx_write(ld, "harness.c", HARNESS);
	axl_diags d = { 0 };
	ck_assert_msg(axl_lesson_load(ld, &box, &d) == 0, "%s", fx_diags_text(&d));
	axl_diags_free(&d);
	ck_assert(box->has_harness);
	ck_assert_msg(axl_lesson_files_check(box, &d) == 0, "%s", fx_diags_text(&d));
	axl_diags_free(&d);
}

static void teardown(void)
{
	axl_lesson_free(box);
	fx_rmrf(dir);
	free(ld);
	free(dir);
}

/* Verify the exercise text (written as DIR/ex.c). */
static axl_result *verify_text(const char *text, bool real)
{
	fx_write(dir, "ex.c", text);
	char *p = fx_path(dir, "ex.c");
	axl_run_opts o = { .file = p, .real_clock = real };
	axl_result *r = NULL;
	int rc = axl_run(box, &o, &r);
	ck_assert_msg(rc == 0, "axl_run: %s", strerror(-rc));
	free(p);
	return r;
}

static const axl_mark *mark(const axl_result *r, const char *name)
{
	for (size_t i = 0; i < r->nmarks; i++)
		if (!strcmp(r->marks[i].check->name, name))
			return &r->marks[i];
	ck_abort_msg("no check %s", name);
	return NULL;
}

START_TEST(good_exercise_passes)
{
	axl_result *r = verify_text(GOOD, false);
	ck_assert_msg(r->passed, "%s\n%s", r->verdict, r->build_output);
	ck_assert_int_eq(r->end, AXL_END_EXITED);
	/* What the harness printed is output; its records are not. */
	ck_assert_str_eq(r->out, "compute(21) = 42\n");
	ck_assert_ptr_null(strstr(r->err, "@@axh"));
	axl_result_free(r);
}
END_TEST

START_TEST(printing_the_answer_is_not_a_verdict)
{
	/* A cheat: the right line printed, and fake records without the
	 * run's key; compute returns 42 without awaiting double_it. */
	axl_result *r = verify_text("#include \"lesson.h\"\n#include <stdio.h>\n"
				    "AX_ASYNC(compute, int, int x;)\n{\n\tAX_BEGIN;\n"
				    "\tfprintf(stderr, \"@@axh:-\\tcheck\\tdoubled\\tpass\\t-\\t\\n\");\n"
				    "\tfprintf(stderr, \"@@axh:\\tcheck\\tdoubled\\tpass\\t-\\t\\n\");\n"
				    "\tprintf(\"compute(21) = 42\\n\");\n"
				    "\tAX_RETURN(42);\n\tAX_END;\n}\n", false);
	ck_assert(!r->passed);
	ck_assert(mark(r, "result")->passed);
	ck_assert(!mark(r, "doubled")->passed);
	ck_assert_str_eq(mark(r, "doubled")->message,
			 "double_it was not used: compute never awaited double_it");
	/* The fake lines are the exercise's output, shown as such. */
	ck_assert_ptr_nonnull(strstr(r->err, "@@axh:-"));
	axl_result_free(r);
}
END_TEST

START_TEST(deadlock_is_the_verdict)
{
	/* A hand-written future that returns PENDING and stores no waker:
	 * nothing can ever wake the task. */
	axl_result *r = verify_text("#include \"lesson.h\"\n"
				    "typedef struct never { ax_future base; int out; } never;\n"
				    "static ax_poll_t never_poll(ax_future *f, ax_cx *cx)\n"
				    "{ (void)f; (void)cx; return AX_PENDING; }\n"
				    "static const ax_future_vt never_vt = { \"never\", never_poll,"
				    " NULL, sizeof(never), offsetof(never, out), sizeof(int), 0 };\n"
				    "AX_ASYNC(compute, int, int x; int d;)\n{\n\tAX_BEGIN;\n"
				    "\tAX_AWAIT_TO(self->d, ((never){ .base.vt = &never_vt }));\n"
				    "\tAX_RETURN(self->d);\n\tAX_END;\n}\n", false);
	ck_assert_int_eq(r->end, AXL_END_DEADLOCK);
	ck_assert_msg(strstr(r->verdict, "compute never finished"), "%s", r->verdict);
	ck_assert(!r->passed);
	/* No check that presumes a normal end passes. */
	for (size_t i = 0; i < r->nmarks; i++)
		if (strcmp(r->marks[i].check->name, "frame-locals") &&
		    strcmp(r->marks[i].check->name, "no-lost-waker"))
			ck_assert_msg(!r->marks[i].passed &&
					      strstr(r->marks[i].message, "Not judged: the program stopped"),
				      "%s: %s", r->marks[i].check->name, r->marks[i].message);
	/* A no-finding check can only fail on such a run, never pass. */
	ck_assert(!mark(r, "no-lost-waker")->passed);
	axl_result_free(r);
}
END_TEST

START_TEST(exit_from_the_exercise_is_unfinished)
{
	axl_result *r = verify_text("#include \"lesson.h\"\n#include <stdio.h>\n#include <stdlib.h>\n"
				    "AX_ASYNC(compute, int, int x;)\n{\n\tAX_BEGIN;\n"
				    "\tprintf(\"compute(21) = 42\\n\");\n\texit(0);\n"
				    "\tAX_RETURN(42);\n\tAX_END;\n}\n", false);
	ck_assert_int_eq(r->end, AXL_END_UNFINISHED);
	ck_assert_msg(strstr(r->verdict, "before the lesson finished checking it"), "%s",
		      r->verdict);
	ck_assert(!r->passed);
	ck_assert(!mark(r, "result")->passed);
	axl_result_free(r);
}
END_TEST

START_TEST(a_blocked_executor_is_stuck)
{
	/* The executor's thread blocks for good in a call nothing will end. */
	axl_result *r = verify_text("#include \"lesson.h\"\n#include <unistd.h>\n"
				    "AX_ASYNC(compute, int, int x;)\n{\n\tAX_BEGIN;\n"
				    "\tfor (;;)\n\t\tpause();\n"
				    "\tAX_RETURN(42);\n\tAX_END;\n}\n", false);
	ck_assert_msg(r->end == AXL_END_STUCK, "%d: %s", r->end, r->verdict);
	ck_assert_msg(strstr(r->verdict, "blocked for 2 s") && strstr(r->verdict, "compute"),
		      "%s", r->verdict);
	ck_assert(!r->passed);
	axl_result_free(r);
}
END_TEST

START_TEST(a_lock_taken_twice_is_a_named_deadlock)
{
	/* The executor's thread locks a mutex it already holds: the checker
	 * knows at once that nothing can end it, and the verdict says why. */
	axl_result *r = verify_text("#include \"lesson.h\"\n#include <pthread.h>\n"
				    "static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;\n"
				    "AX_ASYNC(compute, int, int x;)\n{\n\tAX_BEGIN;\n"
				    "\tpthread_mutex_lock(&m);\n\tpthread_mutex_lock(&m);\n"
				    "\tAX_RETURN(42);\n\tAX_END;\n}\n", false);
	ck_assert_msg(r->end == AXL_END_DEADLOCK, "%d: %s", r->end, r->verdict);
	ck_assert_msg(strstr(r->verdict, "lock it holds itself"), "%s", r->verdict);
	ck_assert(!r->passed);
	axl_result_free(r);
}
END_TEST

/* The kit knows N workers: a task polled on either of two workers is on
 * the executor (axh_on_worker), numbered 1 and 2 of 2 (axh_worker); a
 * blocking-pool job and the thread that called block_on are not; with one
 * worker the executor's thread is worker 1 of 1.  The two tasks wait for
 * each other inside their polls, so they can only meet on two workers at
 * once. */
static const char harness_workers[] =
	"#include \"harness_kit.h\"\n"
	"#include \"lesson.h\"\n"
	"#include <stdio.h>\n"
	"AXH_SERVICE(double_it, int)\n"
	"{\n"
	"\tAX_BEGIN;\n"
	"\tAX_RETURN(2 * self->x);\n"
	"\tAX_END;\n"
	"}\n"
	"static int arrived[2], on[2], num[2], of[2], one_num, one_of, pool_on = -1, pool_num = -1;\n"
	"static pid_t tid[2];\n"
	"static long pool_job(void *arg)\n"
	"{\n"
	"\t(void)arg;\n"
	"\tpool_on = axh_on_worker();\n"
	"\tpool_num = axh_worker(NULL);\n"
	"\treturn 0;\n"
	"}\n"
	"static ax_val pool_fn(void *arg) { return pool_job(arg); }\n"
	"/* Two tasks that wait for each other inside their poll: they can only\n"
	" * meet on two workers at once. */\n"
	"AX_ASYNC(meet, int, int i;)\n"
	"{\n"
	"\tAX_BEGIN;\n"
	"\ton[self->i] = axh_on_worker();\n"
	"\tnum[self->i] = axh_worker(&of[self->i]);\n"
	"\ttid[self->i] = (pid_t)syscall(SYS_gettid);\n"
	"\t__atomic_store_n(&arrived[self->i], 1, __ATOMIC_SEQ_CST);\n"
	"\tfor (int n = 0; n < 2000 && !__atomic_load_n(&arrived[!self->i], __ATOMIC_SEQ_CST); n++) {\n"
	"\t\tstruct timespec ts = { 0, 1000000 };\n"
	"\t\tsyscall(SYS_nanosleep, &ts, NULL);\n"
	"\t}\n"
	"\tAX_RETURN(0);\n"
	"\tAX_END;\n"
	"}\n"
	"AX_ASYNC(one, int)\n"
	"{\n"
	"\tAX_BEGIN;\n"
	"\tone_num = axh_worker(&one_of);\n"
	"\tAX_RETURN(0);\n"
	"\tAX_END;\n"
	"}\n"
	"AX_ASYNC(lesson_main, int, ax_task *a; ax_task *b; ax_res r; long v; axh_ret c;)\n"
	"{\n"
	"\tAX_BEGIN;\n"
	"\tself->a = AX_SPAWN(AX_CALL(meet, .i = 0));\n"
	"\tself->b = AX_SPAWN(AX_CALL(meet, .i = 1));\n"
	"\tAX_AWAIT_TO(self->r, ax_join(self->a));\n"
	"\tAX_AWAIT_TO(self->r, ax_join(self->b));\n"
	"\tAX_AWAIT_TO(self->v, ax_spawn_blocking(pool_fn, NULL));\n"
	"\tAX_AWAIT_TO(self->c, axh_call(\"compute\", axl_entry_compute(21)));\n"
	"\tAX_RETURN(0);\n"
	"\tAX_END;\n"
	"}\n"
	"int main(void)\n"
	"{\n"
	"\taxh_init();\n"
	"\tint rc1 = AXH_RUN_ON(NULL, AX_CALL(one));\n"
	"\tax_rt_opts o = axh_rt_opts();\n"
	"\to.workers = 2;\n"
	"\to.clock = AX_CLOCK_REAL;\n"
	"\tint rc2 = AXH_RUN_ON(&o, AX_CALL(lesson_main));\n"
	"\tprintf(\"runs %d %d; one worker: %d of %d; main thread: %d\\n\", rc1, rc2, one_num, one_of,\n"
	"\t       axh_on_worker());\n"
	"\tprintf(\"meet: on %d %d, workers %d %d of %d %d, threads %s\\n\", on[0], on[1],\n"
	"\t       num[0] < num[1] ? num[0] : num[1], num[0] < num[1] ? num[1] : num[0], of[0],\n"
	"\t       of[1], tid[0] != tid[1] ? \"two\" : \"one\");\n"
	"\tprintf(\"pool: %d %d\\n\", pool_on, pool_num);\n"
	"\tbool ok = !rc1 && !rc2 && one_num == 1 && one_of == 1 && !axh_on_worker() && on[0] &&\n"
	"\t\t  on[1] && num[0] + num[1] == 3 && of[0] == 2 && of[1] == 2 && tid[0] != tid[1] &&\n"
	"\t\t  pool_on == 0 && pool_num == 0;\n"
	"\taxh_check(\"result\", ok, NULL, \"%s\", ok ? \"\" : \"wrong\");\n"
	"\taxh_check(\"doubled\", true, NULL, \"%s\", \"\");\n"
	"\taxh_end(\"done\", \"%s\", \"\");\n"
	"\treturn 0;\n"
	"}\n";

START_TEST(a_task_on_either_worker_is_on_the_executor)
{
	fx_write(ld, "harness.c", harness_workers);
	axl_result *r = verify_text(GOOD, false);
	ck_assert_msg(r->passed, "%s\n%s\n%s", r->verdict, r->out, r->build_output);
	ck_assert_str_eq(r->out, "runs 0 0; one worker: 1 of 1; main thread: 0\n"
				 "meet: on 1 1, workers 1 2 of 2 2, threads two\n"
				 "pool: 0 0\n");
	axl_result_free(r);
}
END_TEST

/* With N workers block_on's thread only waits: the watchdog samples the
 * workers instead, so a worker blocked for good is still a named hang,
 * not the sandbox's time limit. */
START_TEST(a_blocked_worker_is_stuck)
{
	char *h = fx_read(ld, "harness.c");
	char *p = strstr(h, "return AXH_RUN(AX_CALL(lesson_main));");
	ck_assert_ptr_nonnull(p);
	*p = '\0';
	char *nh = NULL;
	ck_assert_int_ge(asprintf(&nh, "%sax_rt_opts o = axh_rt_opts();\n\to.workers = 2;\n"
				  "\treturn AXH_RUN_ON(&o, AX_CALL(lesson_main));\n}\n", h), 0);
	fx_write(ld, "harness.c", nh);
	free(nh);
	free(h);
	axl_result *r = verify_text("#include \"lesson.h\"\n#include <unistd.h>\n"
				    "AX_ASYNC(compute, int, int x;)\n{\n\tAX_BEGIN;\n"
				    "\tfor (;;)\n\t\tpause();\n"
				    "\tAX_RETURN(42);\n\tAX_END;\n}\n", true);
	ck_assert_msg(r->end == AXL_END_STUCK, "%d: %s", r->end, r->verdict);
	ck_assert_msg(strstr(r->verdict, "blocked for 2 s") && strstr(r->verdict, "compute"),
		      "%s", r->verdict);
	axl_result_free(r);
}
END_TEST

START_TEST(old_shape_is_named)
{
	axl_result *r = verify_text("#include <asynclab.h>\n#include <stdio.h>\n"
				    "int main(void)\n{\n\tputs(\"compute(21) = 42\");\n\treturn 0;\n}\n",
				    false);
	ck_assert_int_eq(r->end, AXL_END_OLD_SHAPE);
	ck_assert_msg(strstr(r->build_output, "asynclab reset box"), "%s", r->build_output);
	ck_assert_msg(strstr(r->build_output, "backup"), "%s", r->build_output);
	ck_assert(!r->passed);
	for (size_t i = 0; i < r->nmarks; i++)
		ck_assert(!r->marks[i].passed);
	axl_result_free(r);
}
END_TEST

START_TEST(missing_entry_is_explained)
{
	axl_result *r = verify_text("#include \"lesson.h\"\n"
				    "AX_ASYNC(compute_it, int, int x;)\n{\n\tAX_BEGIN;\n"
				    "\tAX_RETURN(42);\n\tAX_END;\n}\n", false);
	ck_assert_int_eq(r->end, AXL_END_NOT_BUILT);
	ck_assert_msg(strstr(r->build_output, "The lesson calls `compute` from your file"), "%s",
		      r->build_output);
	ck_assert_ptr_null(strstr(r->build_output, "lesson-entries"));
	axl_result_free(r);

	r = verify_text(GOOD "int double_it__poll;\nconst ax_future_vt double_it__vt = { 0 };\n",
			false);
	ck_assert_int_eq(r->end, AXL_END_NOT_BUILT);
	ck_assert_msg(strstr(r->build_output, "`double_it__vt` is provided by the lesson"), "%s",
		      r->build_output);
	axl_result_free(r);
}
END_TEST

START_TEST(frame_locals_are_named)
{
	/* A scalar and a struct local, each set before an await and read
	 * after it; a local set and read within one poll is fine. */
	axl_result *r = verify_text("#include \"lesson.h\"\n"
				    "AX_ASYNC(compute, int, int x; int d;)\n{\n\tAX_BEGIN;\n"
				    "\tint half = self->x;\n"
				    "\tAX_AWAIT_TO(self->d, AX_CALL(double_it, .x = half));\n"
				    "\tAX_RETURN(self->d + half - half);\n\tAX_END;\n}\n", false);
	const axl_mark *m = mark(r, "frame-locals");
	ck_assert(!m->passed);
	ck_assert_msg(strstr(m->message, "half (a plain C local of compute, declared at line 5) "
					 "does not survive the await at line 6"), "%s", m->message);
	ck_assert_int_eq(m->line, 6);
	axl_result_free(r);

	r = verify_text("#include \"lesson.h\"\ntypedef struct two { long a; int b; } two;\n"
			"AX_ASYNC(compute, int, int x; int d;)\n{\n\tAX_BEGIN;\n"
			"\ttwo t;\n\tt.a = self->x;\n"
			"\tAX_AWAIT_TO(self->d, AX_CALL(double_it, .x = self->x));\n"
			"\tAX_RETURN((int)t.a * 2);\n\tAX_END;\n}\n", false);
	m = mark(r, "frame-locals");
	ck_assert_msg(!m->passed && strstr(m->message, "t (a plain C local of compute, declared "
							"at line 6) does not survive the await at "
							"line 8"), "%s", m->message);
	axl_result_free(r);

	r = verify_text("#include \"lesson.h\"\n"
			"AX_ASYNC(compute, int, int x; int d;)\n{\n\tAX_BEGIN;\n"
			"\tAX_AWAIT_TO(self->d, AX_CALL(double_it, .x = self->x));\n"
			"\tint got = self->d;\n\tAX_RETURN(got);\n\tAX_END;\n}\n", false);
	ck_assert_msg(mark(r, "frame-locals")->passed, "%s", mark(r, "frame-locals")->message);
	axl_result_free(r);
}
END_TEST

START_TEST(real_clock_skips_vtime)
{
	axl_result *r = verify_text(GOOD, true);
	ck_assert(r->real_clock);
	ck_assert(mark(r, "took")->skipped);
	ck_assert(mark(r, "result")->passed);
	ck_assert_msg(r->passed, "%s", r->verdict);
	axl_result_free(r);
}
END_TEST

START_TEST(changed_harness_is_recompiled)
{
	/* The compiled harness is cached; a changed harness.c is used at
	 * once, not an old object. */
	axl_result *r = verify_text(GOOD, false);
	ck_assert_str_eq(r->out, "compute(21) = 42\n");
	axl_result_free(r);
	char *h = fx_read(ld, "harness.c");
	char *p = strstr(h, "compute(21) = ");
	ck_assert_ptr_nonnull(p);
	memcpy(p, "result(21) = ", 13);
	p[13] = ' ';
	fx_write(ld, "harness.c", h);
	free(h);
	r = verify_text(GOOD, false);
	ck_assert_str_eq(r->out, "result(21) =  42\n");
	axl_result_free(r);
}
END_TEST

START_TEST(broken_harness_is_the_lessons_fault)
{
	fx_write(ld, "harness.c", "#include \"harness_kit.h\"\nint main(void) { return nope; }\n");
	axl_result *r = verify_text(GOOD, false);
	ck_assert_int_eq(r->end, AXL_END_NOT_BUILT);
	ck_assert_msg(strstr(r->build_output, "The lesson's own harness.c does not compile: this "
					      "is a problem with the lesson, not with your file."),
		      "%s", r->build_output);
	ck_assert_msg(strstr(r->build_output, "nope"), "%s", r->build_output);
	axl_result_free(r);
}
END_TEST

START_TEST(plain_run_uses_the_harness)
{
	fx_write(dir, "ex.c", GOOD);
	char *p = fx_path(dir, "ex.c");
	axl_run_opts o = { .file = p, .plain = true };
	axl_result *r = NULL;
	ck_assert_int_eq(axl_run(box, &o, &r), 0);
	ck_assert_uint_eq(r->nmarks, 0);
	ck_assert_str_eq(r->out, "compute(21) = 42\n");
	ck_assert(r->passed);
	axl_result_free(r);
	free(p);
}
END_TEST

/* The lab's run: judged as usual, with the scheduler trace, and the
 * output as the learner sees it (no harness records). */
START_TEST(with_trace_keeps_the_output_clean)
{
	fx_write(dir, "ex.c", GOOD);
	char *p = fx_path(dir, "ex.c");
	axl_run_opts o = { .file = p, .with_trace = true };
	axl_result *r = NULL;
	ck_assert_int_eq(axl_run(box, &o, &r), 0);
	ck_assert_msg(r->passed, "%s", r->verdict);
	ck_assert_str_eq(r->out, "compute(21) = 42\n");
	ck_assert_ptr_null(strstr(r->err, "@@axh"));
	ck_assert(r->report->trace.on);
	ck_assert_uint_gt(r->report->trace.nevents, 0);
	ck_assert_ptr_null(strstr(r->report->err, "@@axh"));
	axl_result_free(r);
	free(p);
}
END_TEST

static Suite *harness_suite(void)
{
	Suite *s = suite_create("lessons-harness");
	TCase *tc = tcase_create("harness");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, good_exercise_passes);
	tcase_add_test(tc, with_trace_keeps_the_output_clean);
	tcase_add_test(tc, printing_the_answer_is_not_a_verdict);
	tcase_add_test(tc, deadlock_is_the_verdict);
	tcase_add_test(tc, exit_from_the_exercise_is_unfinished);
	tcase_add_test(tc, a_blocked_executor_is_stuck);
	tcase_add_test(tc, a_lock_taken_twice_is_a_named_deadlock);
	tcase_add_test(tc, a_task_on_either_worker_is_on_the_executor);
	tcase_add_test(tc, a_blocked_worker_is_stuck);
	tcase_add_test(tc, old_shape_is_named);
	tcase_add_test(tc, missing_entry_is_explained);
	tcase_add_test(tc, frame_locals_are_named);
	tcase_add_test(tc, real_clock_skips_vtime);
	tcase_add_test(tc, plain_run_uses_the_harness);
	tcase_add_test(tc, changed_harness_is_recompiled);
	tcase_add_test(tc, broken_harness_is_the_lessons_fault);
	suite_add_tcase(s, tc);
	return s;
}

TEST_MAIN(harness_suite)
