/* check_class.c - instructor features: course files (subset, order, time
 * boxes, FILE:LINE errors, the workspace's stored course) and the class
 * view (per-lesson numbers from many progress files read without touching
 * them, the most common failing check, skipped paths), through the engine
 * and through `asynclab init --course`, `list`, `verify --all` and
 * `class`. */
#include "config.h"

#include "class_fixture.h"
#include "cli_run.h"
#include "../testutil.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <sys/wait.h>

/* ---- course files --------------------------------------------------------- */

START_TEST(course_subset_and_order)
{
	fx_write(top, "day1", "# morning\n\n  2\t\ntiny 25   # a longer box today\n");
	axl_diags d = { 0 };
	ck_assert_int_eq(axl_catalog_apply_course(cat, "day1", &d), 0);
	ck_assert_msg(d.n == 0, "%s", fx_diags_text(&d));
	ck_assert_uint_eq(cat->n, 2);
	ck_assert_str_eq(cat->lessons[0]->id, "three");
	ck_assert_str_eq(cat->lessons[1]->id, "tiny");
	ck_assert_int_eq(cat->lessons[0]->time_box_min, 15); /* its own */
	ck_assert_int_eq(cat->lessons[1]->time_box_min, 25); /* the course's */
	ck_assert_str_eq(cat->course, "day1");
	ck_assert_ptr_null(axl_catalog_find(cat, "two"));
	ck_assert_int_eq(axl_catalog_index(cat, axl_catalog_find(cat, "tiny")), 1);
	axl_diags_free(&d);
}
END_TEST

START_TEST(course_errors_name_file_and_line)
{
	fx_write(top, "bad", "tiny\n\n# fine so far\nnope\ntiny\ntwo 0\nthree 10 extra\n"
			     "01-two 700\n");
	axl_diags d = { 0 };
	ck_assert_int_eq(axl_catalog_apply_course(cat, "bad", &d), -EINVAL);
	ck_assert_msg(fx_diag_has(&d, "bad:4: no lesson 'nope'"), "%s", fx_diags_text(&d));
	ck_assert(fx_diag_has(&d, "bad:5: lesson 'tiny' is already listed at line 1"));
	ck_assert(fx_diag_has(&d, "bad:6: '0' is not a time box"));
	ck_assert(fx_diag_has(&d, "bad:7: unexpected 'extra'"));
	ck_assert(fx_diag_has(&d, "bad:8: '700' is not a time box"));
	ck_assert_uint_eq(d.n, 5);
	axl_diags_free(&d);
	/* Nothing applied: the catalog is whole, in lesson order. */
	ck_assert_uint_eq(cat->n, 3);
	ck_assert_str_eq(cat->lessons[0]->id, "tiny");
	ck_assert_int_eq(cat->lessons[0]->time_box_min, 5);
	ck_assert_ptr_null(cat->course);

	fx_write(top, "empty", "# nothing today\n\n");
	ck_assert_int_eq(axl_catalog_apply_course(cat, "empty", &d), -EINVAL);
	ck_assert(fx_diag_has(&d, "empty: the course lists no lessons"));
	axl_diags_free(&d);
	ck_assert_int_eq(axl_catalog_apply_course(cat, "missing", &d), -ENOENT);
	ck_assert(fx_diag_has(&d, "missing: cannot read the course file"));
	axl_diags_free(&d);
	ck_assert_uint_eq(cat->n, 3);
}
END_TEST

START_TEST(course_found_in_env_then_workspace)
{
	axl_workspace *w = NULL;
	ck_assert_int_eq(axl_workspace_init("ws", cat, &w, NULL), 0);
	ck_assert_ptr_null(axl_course_find());
	ck_assert_ptr_null(axl_workspace_course(w));
	fx_write(w->state, AXL_COURSE_FILE, "two\n");
	setenv("ASYNCLAB_WORKSPACE", "ws", 1);
	char *p = axl_course_find();
	ck_assert_ptr_nonnull(p);
	ck_assert(strstr(p, "/ws/.asynclab/course"));
	free(p);
	axl_diags d = { 0 };
	ck_assert_int_eq(axl_catalog_use_course(cat, &d), 0);
	ck_assert_uint_eq(cat->n, 1);
	ck_assert_str_eq(cat->lessons[0]->id, "two");
	/* The variable wins over the workspace's course. */
	setenv("ASYNCLAB_COURSE", "elsewhere", 1);
	p = axl_course_find();
	ck_assert_str_eq(p, "elsewhere");
	free(p);
	axl_diags_free(&d);
	axl_workspace_free(w);
}
END_TEST

/* ---- the class view, engine ---------------------------------------------- */

typedef struct fake {
	const char *id;
	bool passed;
	int attempts, hints;
	int64_t time_s;
	const char *last_failed;
} fake;

/* A workspace at name with a progress file holding the fakes. */
static void learner(const char *name, const char *current, const fake *f, size_t n)
{
	axl_workspace *w = NULL;
	ck_assert_int_eq(axl_workspace_init(name, cat, &w, NULL), 0);
	axl_progress *p = calloc(1, sizeof *p);
	if (current)
		axl_progress_set_current(p, current);
	for (size_t i = 0; i < n; i++) {
		axl_lesson_progress *lp = axl_progress_get(p, f[i].id);
		lp->passed = f[i].passed;
		lp->attempts = f[i].attempts;
		lp->hints = f[i].hints;
		lp->time_s = f[i].time_s;
		lp->last_failed = f[i].last_failed ? strdup(f[i].last_failed) : NULL;
	}
	ck_assert_int_eq(axl_progress_save(p, w->progress_path), 0);
	axl_progress_free(p);
	axl_workspace_free(w);
}

/* Four learners in room/: three stuck on tiny's "sum" check, one on "fast". */
static void room(void)
{
	ck_assert_int_eq(mkdir("room", 0755), 0);
	const fake a[] = { { "tiny", false, 4, 2, 400, "sum" } };
	const fake b[] = { { "tiny", false, 2, 1, 100, "sum" } };
	const fake c[] = { { "tiny", false, 7, 0, 250, "fast" } };
	const fake d[] = { { "tiny", true, 1, 0, 60, NULL },
			   { "two", false, 3, 3, 900, "sum" /* stale name: still counted */ } };
	learner("room/ann", "tiny", a, 1);
	learner("room/bea", "tiny", b, 1);
	learner("room/cal", NULL, c, 1);
	learner("room/dee", "two", d, 2);
	/* ...and a fifth who has not started: no progress entries at all. */
	learner("room/eve", NULL, NULL, 0);
}

START_TEST(class_numbers_per_lesson)
{
	room();
	const fake e[] = { { "tiny", false, 1, 0, 30, "sum" } };
	learner("fay", "tiny", e, 1);
	const char *paths[] = { "room", "fay/.asynclab/progress.json" };
	axl_class *k = NULL;
	ck_assert_int_eq(axl_class_gather(cat, paths, 2, &k), 0);
	ck_assert_uint_eq(k->nskipped, 0);
	ck_assert_uint_eq(k->nlearners, 6);
	/* A folder of workspaces is read in name order. */
	ck_assert_str_eq(k->learners[0].name, "room/ann");
	ck_assert_str_eq(k->learners[4].name, "room/eve");
	ck_assert_str_eq(k->learners[5].name, "fay/.asynclab/progress.json");
	ck_assert_ptr_eq(k->learners[3].current, axl_catalog_find(cat, "two"));
	ck_assert_ptr_eq(k->learners[4].current, axl_catalog_find(cat, "tiny"));
	ck_assert_uint_eq(k->learners[3].passed, 1);
	ck_assert_uint_eq(k->nlessons, 3);

	const axl_class_lesson *t = &k->lessons[0];
	ck_assert_str_eq(t->lesson->id, "tiny");
	ck_assert_uint_eq(t->passed, 1);
	ck_assert_uint_eq(t->current, 5); /* everyone but dee; eve starts here */
	ck_assert_uint_eq(t->worked, 5);  /* eve has not touched it */
	/* attempts 4 2 7 1 1 -> median 2; times 400 100 250 60 30 -> 100 */
	ck_assert(t->median_attempts == 2.0);
	ck_assert_int_eq(t->median_time_s, 100);
	ck_assert_int_eq(t->hints, 3);
	ck_assert_uint_eq(t->hinted, 2);
	ck_assert_uint_eq(t->over_box, 1); /* ann: 400 s over 5 minutes, not passed */
	/* The most common failing check first, with who. */
	ck_assert_uint_eq(t->nfails, 2);
	ck_assert_str_eq(t->fails[0].check, "sum");
	ck_assert_uint_eq(t->fails[0].count, 3);
	ck_assert_ptr_eq(t->fails[0].def, &t->lesson->checks[0]);
	ck_assert_str_eq(k->learners[t->fails[0].learners[0]].name, "room/ann");
	ck_assert_str_eq(k->learners[t->fails[0].learners[2]].name, "fay/.asynclab/progress.json");
	ck_assert_str_eq(t->fails[1].check, "fast");
	ck_assert_uint_eq(t->fails[1].count, 1);

	const axl_class_lesson *two = &k->lessons[1];
	ck_assert_uint_eq(two->current, 1);
	ck_assert_uint_eq(two->worked, 1);
	ck_assert(two->median_attempts == 3.0);
	ck_assert_uint_eq(two->over_box, 1);
	ck_assert_uint_eq(two->nfails, 1);
	ck_assert_ptr_null(two->fails[0].def); /* "sum" is not a check of two */

	const axl_class_lesson *three = &k->lessons[2];
	ck_assert_uint_eq(three->worked + three->passed + three->current + three->nfails, 0);
	ck_assert(three->median_attempts == 0.0);
	axl_class_free(k);
}
END_TEST

/* Sums over many learners are 64-bit: ints that each fit add up to more
 * than an int holds (this overflowed, under UBSan a report, otherwise a
 * negative number of hints); and a time too large to be real is refused
 * when the file is read, so no median can turn negative. */
START_TEST(class_big_numbers_do_not_overflow)
{
	const fake a[] = { { "tiny", false, INT_MAX, 2000000000, 2000000000, "sum" } };
	learner("ann", "tiny", a, 1);
	learner("bea", "tiny", a, 1);
	learner("cal", "tiny", a, 1);
	fx_write(top, "huge.json", "{\"version\": 1, \"lessons\": {\"tiny\": "
				   "{\"time_s\": 9223372036854775807}}}");
	const char *paths[] = { "ann", "bea", "cal", "huge.json" };
	axl_class *k = NULL;
	ck_assert_int_eq(axl_class_gather(cat, paths, 4, &k), 0);
	ck_assert_uint_eq(k->nlearners, 3);
	ck_assert_uint_eq(k->nskipped, 1);
	ck_assert_msg(strstr(k->skipped[0].why, "too large"), "%s", k->skipped[0].why);
	const axl_class_lesson *t = &k->lessons[0];
	ck_assert_int_eq(t->hints, 6000000000);
	ck_assert_uint_eq(t->hinted, 3);
	ck_assert(t->median_attempts == (double)INT_MAX);
	ck_assert_int_eq(t->median_time_s, 2000000000);
	axl_class_free(k);
	ck_assert_int_eq(cli("class --csv ann bea cal"), 0);
	ck_assert_msg(strstr(out, ",2000000000,6000000000,3,"), "%s", out);
}
END_TEST

START_TEST(class_median_of_an_even_count_and_ties)
{
	const fake a[] = { { "tiny", false, 1, 0, 10, "fast" } };
	const fake b[] = { { "tiny", false, 4, 0, 31, "sum" } };
	learner("a", NULL, a, 1);
	learner("b", NULL, b, 1);
	const char *paths[] = { "a", "b" };
	axl_class *k = NULL;
	ck_assert_int_eq(axl_class_gather(cat, paths, 2, &k), 0);
	ck_assert(k->lessons[0].median_attempts == 2.5);
	ck_assert_int_eq(k->lessons[0].median_time_s, 20);
	/* One each: the check that comes first in the lesson is named first. */
	ck_assert_str_eq(k->lessons[0].fails[0].check, "sum");
	ck_assert_str_eq(k->lessons[0].fails[1].check, "fast");
	axl_class_free(k);
}
END_TEST

static int count_entries(const char *dir, const char *prefix)
{
	DIR *dp = opendir(dir);
	int n = 0;
	struct dirent *e;
	while (dp && (e = readdir(dp)))
		n += !strncmp(e->d_name, prefix, strlen(prefix));
	if (dp)
		closedir(dp);
	return n;
}

START_TEST(class_skips_and_touches_nothing)
{
	room();
	fx_write("room/cal/.asynclab", "progress.json", "{ not json");
	ck_assert_int_eq(mkdir("plain", 0755), 0);
	const char *paths[] = { "room", "room/ann", "room/ann/.asynclab/progress.json",
				"no-such-path", "plain" };
	axl_class *k = NULL;
	ck_assert_int_eq(axl_class_gather(cat, paths, 5, &k), 0);
	ck_assert_uint_eq(k->nlearners, 4); /* ann once, cal skipped */
	ck_assert_uint_eq(k->nskipped, 3);
	ck_assert_str_eq(k->skipped[0].path, "room/cal");
	ck_assert_msg(strstr(k->skipped[0].why,
			     "room/cal/.asynclab/progress.json: not a valid progress file"),
		      "%s", k->skipped[0].why);
	ck_assert_str_eq(k->skipped[1].path, "no-such-path");
	ck_assert(strstr(k->skipped[1].why, "No such file"));
	ck_assert(strstr(k->skipped[2].why, "plain: not a workspace, a progress file"));
	/* The corrupt file is the instructor's to look at: left where it was. */
	char *text = fx_read("room/cal/.asynclab", "progress.json");
	ck_assert_str_eq(text, "{ not json");
	free(text);
	ck_assert_int_eq(count_entries("room/cal/.asynclab", "progress.json.corrupt"), 0);
	axl_class_free(k);
}
END_TEST

START_TEST(generic_check_message)
{
	const axl_lesson *t = axl_catalog_find(cat, "tiny");
	char *m = axl_check_message_generic(&t->checks[1]);
	ck_assert_str_eq(m, "It took ... (expected at most 300 ms): join them.");
	free(m);
	m = axl_check_message_generic(&t->checks[0]);
	ck_assert_str_eq(m, "Print it: ...");
	free(m);
}
END_TEST

/* ---- the asynclab program -------------------------------------------------- */


START_TEST(cli_course)
{
	fx_write(top, "day1", "three\ntiny 20\n");
	ck_assert_int_eq(cli("init --course day1 ws"), 0);
	ck_assert_msg(strstr(out, "Course: 2 lessons from day1, stored as ws/.asynclab/course"),
		      "%s", out);
	ck_assert_int_eq(access("ws/exercises/02-three.c", F_OK), 0);
	ck_assert_int_eq(access("ws/exercises/01-two.c", F_OK), -1);
	char *stored = fx_read("ws/.asynclab", "course");
	ck_assert_str_eq(stored, "three\ntiny 20\n");
	free(stored);

	/* Inside the workspace, without the variable: the course's lessons in
	 * its order, with its time box. */
	ck_assert_int_eq(chdir("ws"), 0);
	ck_assert_int_eq(cli("list"), 0);
	char *three = strstr(out, " three "), *tiny = strstr(out, " tiny ");
	ck_assert_msg(three && tiny && three < tiny && !strstr(out, " two "), "%s", out);
	ck_assert(strstr(out, "0 of 2 passed"));
	ck_assert_int_eq(cli("list --json"), 0);
	json_t *doc = json_loads(out, 0, NULL);
	ck_assert_ptr_nonnull(doc);
	json_t *ls = json_object_get(doc, "lessons");
	ck_assert_uint_eq(json_array_size(ls), 2);
	ck_assert_int_eq(json_integer_value(json_object_get(json_array_get(ls, 1),
							     "time_box_min")), 20);
	ck_assert(strstr(json_string_value(json_object_get(doc, "course")), "ws/.asynclab/course"));
	json_decref(doc);
	ck_assert_int_eq(cli("verify two"), 2);
	ck_assert_msg(strstr(err, "no lesson 'two' in the course"), "%s", err);
	/* The autograder's run covers the course, nothing more. */
	ck_assert_int_eq(cli("verify --all --json"), 1);
	doc = json_loads(out, 0, NULL);
	ck_assert_msg(doc != NULL, "%s", out);
	ck_assert_int_eq(json_integer_value(json_object_get(doc, "total")), 2);
	ck_assert_str_eq(json_string_value(json_object_get(
				 json_array_get(json_object_get(doc, "lessons"), 0), "lesson")),
			 "three");
	json_decref(doc);

	/* ASYNCLAB_COURSE wins over the stored course; a bad one is exit 2
	 * with FILE:LINE. */
	fx_write(top, "day2", "two\n");
	ck_assert_int_eq(cli("list"), 0);
	ck_assert(strstr(out, " tiny "));
	char *env = NULL;
	ck_assert_int_ge(asprintf(&env, "%s/day2", top), 0);
	setenv("ASYNCLAB_COURSE", env, 1);
	ck_assert_int_eq(cli("list"), 0);
	ck_assert_msg(strstr(out, " two ") && !strstr(out, " tiny "), "%s", out);
	fx_write(top, "day2", "two\njion\n");
	ck_assert_int_eq(cli("list"), 2);
	ck_assert_msg(strstr(err, "day2:2: no lesson 'jion'"), "%s", err);
	ck_assert(strstr(err, "(from ASYNCLAB_COURSE)"));
	unsetenv("ASYNCLAB_COURSE");
	free(env);
	ck_assert_int_eq(chdir(top), 0);

	fx_write(top, "bad", "tiny\nnope\n");
	ck_assert_int_eq(cli("init --course bad ws2"), 2);
	ck_assert(strstr(err, "bad:2: no lesson 'nope'"));
	ck_assert_int_eq(access("ws2", F_OK), -1);
	ck_assert_int_eq(cli("init --course"), 2);
	ck_assert(strstr(err, "'--course' needs a file"));
	ck_assert_int_eq(cli("init --course missing ws3"), 2);
	ck_assert(strstr(err, "missing: cannot read the course file"));
	/* init again without --course keeps the stored course. */
	ck_assert_int_eq(cli("init ws"), 0);
	ck_assert_msg(strstr(out, "Course: 2 lessons from ws/.asynclab/course"), "%s", out);
	ck_assert_int_eq(access("ws/exercises/01-two.c", F_OK), -1);
}
END_TEST

START_TEST(cli_class_views)
{
	room();
	ck_assert_int_eq(cli("class room"), 0);
	ck_assert_msg(strstr(out, "Class: 5 learners, 3 lessons"), "%s", out);
	ck_assert_msg(strstr(out, "! 2 learners stuck on tiny/sum: Print it: ...\n"
				  "      room/ann, room/bea\n"), "%s", out);
	ck_assert(strstr(out, "sum (2)"));
	ck_assert(!strstr(out, "stuck on tiny/fast")); /* one learner is no crowd */
	ck_assert(strstr(out, "! 1 learner over the 5-minute time box"));
	ck_assert_str_eq(err, "");

	ck_assert_int_eq(cli("class --csv room"), 0);
	ck_assert_msg(strstr(out, "order,id,title,time_box_min,learners,worked,passed,current,"
				  "median_attempts,median_time_s,hints_used,learners_hinted,"
				  "over_time_box,top_failed,top_failed_count\n"
				  "0,tiny,Lesson tiny,5,5,4,1,4,3.0,175,3,2,1,sum,2\n"), "%s", out);

	/* A corrupt file: named on stderr, left out, exit 1, still a report. */
	fx_write("room/cal/.asynclab", "progress.json", "[]");
	ck_assert_int_eq(cli("class --json room room/nobody"), 1);
	ck_assert_msg(strstr(err, "skipped room/cal/.asynclab/progress.json: not a valid "
				  "progress file"), "%s", err);
	ck_assert(strstr(err, "skipped room/nobody: No such file"));
	ck_assert(strstr(err, "2 paths skipped"));
	json_t *doc = json_loads(out, 0, NULL);
	ck_assert_msg(doc != NULL, "%s", out);
	ck_assert_int_eq(json_integer_value(json_object_get(doc, "learner_count")), 4);
	ck_assert_uint_eq(json_array_size(json_object_get(doc, "skipped")), 2);
	json_t *t = json_array_get(json_object_get(doc, "lessons"), 0);
	json_t *top_failed = json_object_get(t, "top_failed");
	ck_assert_str_eq(json_string_value(json_object_get(top_failed, "check")), "sum");
	ck_assert_int_eq(json_integer_value(json_object_get(top_failed, "count")), 2);
	ck_assert_str_eq(json_string_value(json_object_get(top_failed, "message")), "Print it: ...");
	ck_assert_str_eq(json_string_value(json_array_get(json_object_get(top_failed, "learners"),
							  1)), "room/bea");
	/* cal's attempts are gone with the file: 4 2 1 -> 2 */
	ck_assert(json_real_value(json_object_get(t, "median_attempts")) == 2.0);
	json_decref(doc);

	/* A course narrows and orders the view. */
	fx_write(top, "day", "two\n");
	ck_assert_int_eq(cli("class --csv --course day room/ann room/dee"), 0);
	ck_assert_msg(strstr(out, "top_failed_count\n1,two,Lesson two,10,2,1,0,2,3.0,900,3,1,1,"
				  "sum,1\n") && !strstr(out, "tiny"), "%s", out);

	ck_assert_int_eq(cli("class"), 2);
	ck_assert(strstr(err, "which learners?"));
	ck_assert_int_eq(cli("class --json --csv room"), 2);
	ck_assert_int_eq(cli("class --bogus room"), 2);
	ck_assert_int_eq(cli("class --course room"), 2);
	ck_assert_int_eq(cli("class --help"), 0);
	ck_assert(strstr(out, "folder of"));
	ck_assert_int_eq(cli("--help"), 0);
	ck_assert(strstr(out, "class "));
}
END_TEST

/* What learners wrote reaches the instructor's terminal escaped: a check
 * name in last_failed with a window-title and a clear-screen sequence, a
 * learner folder whose name holds one, and a course line that does. */
START_TEST(cli_untrusted_text_escaped)
{
	ck_assert_int_eq(mkdir("room", 0755), 0);
	const fake a[] = { { "tiny", false, 1, 0, 10, "sum\033]0;pwned\007\033[2J" } };
	learner("room/ann", "tiny", a, 1);
	learner("room/b\033[31mea", "tiny", a, 1);
	setenv("NO_COLOR", "1", 1);
	ck_assert_int_eq(cli("class room"), 0);
	ck_assert_msg(!strchr(out, '\033') && !strchr(err, '\033'), "%s%s", out, err);
	ck_assert_msg(strstr(out, "sum\\x1b]0;pwned\\x07\\x1b[2J"), "%s", out);
	ck_assert_msg(strstr(out, "room/b\\x1b[31mea"), "%s", out);
	ck_assert_int_eq(cli("class --csv room"), 0);
	ck_assert_msg(!strchr(out, '\033'), "%s", out);
	ck_assert_int_eq(cli("class --json room"), 0);
	ck_assert_msg(!strchr(out, '\033'), "%s", out); /* JSON escapes it itself */

	fx_write(top, "evil", "tiny\n\033]0;pwned\007two\n");
	char *env = NULL;
	ck_assert_int_ge(asprintf(&env, "%s/evil", top), 0);
	setenv("ASYNCLAB_COURSE", env, 1);
	ck_assert_int_eq(cli("list"), 2);
	unsetenv("ASYNCLAB_COURSE");
	ck_assert_msg(!strchr(err, '\033') && strstr(err, "evil:2:") && strstr(err, "\\x1b]0;pwned"),
		      "%s", err);
	free(env);
}
END_TEST

static Suite *class_suite(void)
{
	Suite *s = suite_create("lessons-class");
	TCase *tc = tcase_create("engine");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, course_subset_and_order);
	tcase_add_test(tc, course_errors_name_file_and_line);
	tcase_add_test(tc, course_found_in_env_then_workspace);
	tcase_add_test(tc, class_numbers_per_lesson);
	tcase_add_test(tc, class_median_of_an_even_count_and_ties);
	tcase_add_test(tc, class_big_numbers_do_not_overflow);
	tcase_add_test(tc, class_skips_and_touches_nothing);
	tcase_add_test(tc, generic_check_message);
	suite_add_tcase(s, tc);

	tc = tcase_create("cli");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, cli_course);
	tcase_add_test(tc, cli_class_views);
	tcase_add_test(tc, cli_untrusted_text_escaped);
	suite_add_tcase(s, tc);
	return s;
}

TEST_MAIN(class_suite)
