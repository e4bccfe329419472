/* check_learners.c - who a learner is and what the class view knows about
 * each one: a name and a stable id in progress.json (made once, kept by
 * every save, the first one made wins a race), the clock of a lesson
 * starting when it becomes current, the class view counting a copied file
 * as the same learner, reading folders of collected files and the class
 * server's store, following the learners' course, and naming who is on
 * which lesson and who is over the time box; `verify --file` saying
 * whether it recorded the attempt. */
#include "config.h"

#include "../../lessons/classdb.h"
#include "class_fixture.h"
#include "cli_run.h"
#include "../testutil.h"

#include <errno.h>

/* A workspace at dir whose learner is name, with progress on lesson id. */
static void learner(const char *dir, const char *name, const char *id, bool passed,
		    int attempts, int64_t time_s, int64_t last_active, const char *failed)
{
	axl_workspace *w = NULL;
	ck_assert_int_eq(axl_workspace_init(dir, cat, &w, NULL), 0);
	axl_progress *p = calloc(1, sizeof *p);
	ck_assert_int_eq(axl_progress_identify(p, name), 0);
	axl_lesson_progress *lp = axl_progress_get(p, id);
	lp->passed = passed;
	lp->attempts = attempts;
	lp->time_s = time_s;
	lp->last_active = last_active;
	lp->last_failed = failed ? strdup(failed) : NULL;
	axl_progress_set_current(p, id);
	ck_assert_int_eq(axl_progress_save(p, w->progress_path), 0);
	axl_progress_free(p);
	axl_workspace_free(w);
}

static axl_progress *load(const char *path)
{
	axl_progress *p = NULL;
	axl_diags d = { 0 };
	ck_assert_int_eq(axl_progress_load(path, &p, &d), 0);
	axl_diags_free(&d);
	return p;
}

/* ---- identity in progress.json ------------------------------------------- */

START_TEST(identity_made_once_and_kept)
{
	axl_progress *a = load("p.json"), *b = load("p.json");
	ck_assert_int_eq(axl_progress_identify(a, "Ann Lee"), 0);
	ck_assert_ptr_nonnull(a->learner_id);
	ck_assert_uint_eq(strlen(a->learner_id), 36);
	char *id = strdup(a->learner_id);
	ck_assert_int_eq(axl_progress_save(a, "p.json"), 0);
	/* A second command that made its own id at the same time: the first
	 * one saved wins, so the learner keeps one id. */
	ck_assert_int_eq(axl_progress_identify(b, NULL), 0);
	ck_assert_str_ne(b->learner_id, id);
	ck_assert_int_eq(axl_progress_save(b, "p.json"), 0);
	ck_assert_str_eq(b->learner_id, id);
	ck_assert_str_eq(b->learner_name, "Ann Lee");
	axl_progress *c = load("p.json");
	ck_assert_str_eq(c->learner_id, id);
	ck_assert_str_eq(c->learner_name, "Ann Lee");
	/* A new name keeps the id. */
	ck_assert_int_eq(axl_progress_identify(c, "Ann"), 0);
	ck_assert_str_eq(c->learner_id, id);
	ck_assert_int_eq(axl_progress_identify(c, "\033[2Jx"), -EINVAL);
	ck_assert_int_eq(axl_progress_identify(c, "   "), -EINVAL);
	ck_assert_str_eq(c->learner_name, "Ann");
	json_t *doc = axl_progress_to_json(c);
	ck_assert_str_eq(json_string_value(json_object_get(json_object_get(doc, "learner"),
							   "id")), id);
	json_decref(doc);
	/* A damaged identity is a damaged file, said so. */
	fx_write(top, "bad.json", "{\"version\":1,\"learner\":{\"id\":\"a b\"},\"lessons\":{}}");
	axl_progress *bad = NULL;
	axl_diags d = { 0 };
	ck_assert_int_eq(axl_progress_read("bad.json", &bad, &d), -EBADMSG);
	ck_assert_msg(fx_diag_has(&d, "\"learner\""), "%s", fx_diags_text(&d));
	axl_diags_free(&d);
	axl_progress_free(a);
	axl_progress_free(b);
	axl_progress_free(c);
	free(id);
}
END_TEST

/* A learner who passes a lesson at the first try, from the command line,
 * is credited the time since the lesson became current. */
START_TEST(first_try_pass_counts_its_time)
{
	axl_progress *p = calloc(1, sizeof *p);
	const axl_lesson *tiny = axl_catalog_find(cat, "tiny"), *two = axl_catalog_find(cat, "two");
	axl_result pass = { .passed = true };
	axl_progress_start(p, "tiny", 1000);
	axl_progress_record(p, cat, tiny, &pass, 1300);
	ck_assert_int_eq(axl_progress_find(p, "tiny")->time_s, 300);
	ck_assert_str_eq(p->current, "two");
	axl_progress_record(p, cat, two, &pass, 1390);
	ck_assert_int_eq(axl_progress_find(p, "two")->time_s, 90);
	axl_progress_free(p);
}
END_TEST

START_TEST(cli_init_name)
{
	ck_assert_int_eq(cli("init --name 'Bea Ruiz' ws"), 0);
	axl_progress *p = load("ws/.asynclab/progress.json");
	ck_assert_str_eq(p->learner_name, "Bea Ruiz");
	char *id = strdup(p->learner_id);
	axl_progress_free(p);
	/* The first lesson's clock runs from init. */
	p = load("ws/.asynclab/progress.json");
	ck_assert_int_gt(axl_progress_find(p, "tiny")->last_active, 0);
	axl_progress_free(p);
	ck_assert_int_eq(cli("init --name Bea ws"), 0);
	p = load("ws/.asynclab/progress.json");
	ck_assert_str_eq(p->learner_name, "Bea");
	ck_assert_str_eq(p->learner_id, id);
	axl_progress_free(p);
	ck_assert_int_eq(cli("init --name '' ws"), 2);
	ck_assert_int_eq(cli("init --name \"$(printf 'a\\tb')\" ws"), 2);
	ck_assert_msg(strstr(err, "--name wants"), "%s", err);
	/* Joining a class needs a name; without a terminal it is not asked. */
	ck_assert_int_eq(cli("init --class 127.0.0.1:9 --code AAAA-BBBB ws2"), 2);
	ck_assert_msg(strstr(err, "needs your name"), "%s", err);
	free(id);
}
END_TEST

/* ---- the class view -------------------------------------------------------- */

START_TEST(class_counts_a_copy_once_and_reads_collected_files)
{
	learner("room/ann", "Ann", "tiny", false, 3, 100, 5000, "sum");
	learner("room/bo", "Bo", "tiny", false, 1, 50, 5000, "fast");
	/* A folder of collected files: ann's again (an older copy), and cy. */
	ck_assert_int_eq(mkdir("collected", 0755), 0);
	char *annp = fx_read("room/ann/.asynclab", "progress.json");
	axl_progress *old = NULL;
	json_t *doc = json_loads(annp, 0, NULL);
	char why[128];
	ck_assert_int_eq(axl_progress_from_doc(doc, &old, why, sizeof why), 0);
	axl_progress_get(old, "tiny")->last_active = 10;
	json_t *olddoc = axl_progress_to_json(old);
	char *oldtext = json_dumps(olddoc, 0);
	fx_write(top, "collected/ann-monday.json", oldtext);
	learner("tmp-cy", "Cy", "two", false, 2, 30, 5000, "out");
	char *cyp = fx_read("tmp-cy/.asynclab", "progress.json");
	fx_write(top, "collected/cy.json", cyp);
	fx_write(top, "collected/notes.txt", "not progress\n");

	const char *paths[] = { "room", "collected" };
	axl_class *k = NULL;
	ck_assert_int_eq(axl_class_gather_at(cat, paths, 2, 5100, &k), 0);
	ck_assert_uint_eq(k->nskipped, 0);
	ck_assert_uint_eq(k->nlearners, 3);
	ck_assert_str_eq(k->learners[0].name, "Ann");
	ck_assert_str_eq(k->learners[1].name, "Bo");
	ck_assert_str_eq(k->learners[2].name, "Cy");
	ck_assert_uint_eq(k->nsame, 1);
	ck_assert_ptr_nonnull(strstr(k->same[0].why, "the same learner as"));
	/* The newer copy counts: ann's 3 attempts, not the old file's. */
	ck_assert_int_eq(k->learners[0].attempts_on, 3);
	ck_assert_ptr_nonnull(strstr(k->learners[0].progress_path, "room/ann"));
	ck_assert_ptr_eq(k->learners[2].current, axl_catalog_find(cat, "two"));
	axl_class_free(k);

	ck_assert_int_eq(cli("class collected"), 0);
	ck_assert_msg(strstr(out, "Class: 2 learners"), "%s", out);
	free(annp);
	free(cyp);
	free(oldtext);
	json_decref(doc);
	json_decref(olddoc);
	axl_progress_free(old);
}
END_TEST

START_TEST(class_names_who_is_where_and_over_the_box)
{
	/* tiny's box is 5 minutes.  Ann: 240 s recorded and working for the
	 * last 120 s: over.  Bo: 240 s, idle for an hour: not over. */
	learner("room/ann", "Ann", "tiny", false, 4, 240, 10000 - 120, "sum");
	learner("room/bo", "Bo", "tiny", false, 2, 240, 10000 - 3600, "sum");
	learner("room/cy", "Ann", "two", false, 1, 20, 10000 - 20, NULL);
	const char *paths[] = { "room" };
	axl_class *k = NULL;
	ck_assert_int_eq(axl_class_gather_at(cat, paths, 1, 10000, &k), 0);
	const axl_class_learner *ann = &k->learners[0], *bo = &k->learners[1];
	ck_assert_ptr_eq(ann->current, axl_catalog_find(cat, "tiny"));
	ck_assert_int_eq(ann->time_on, 360);
	ck_assert(ann->over_box);
	ck_assert_str_eq(ann->failing, "sum");
	ck_assert_int_eq(bo->time_on, 240);
	ck_assert(!bo->over_box);
	/* Two learners called Ann: told apart by the start of their ids. */
	ck_assert_str_ne(k->learners[0].name, k->learners[2].name);
	ck_assert_ptr_nonnull(strstr(k->learners[2].name, "Ann ("));
	const axl_class_lesson *t = &k->lessons[0];
	ck_assert_uint_eq(t->over_box, 1);
	ck_assert_uint_eq(t->over[0], 0);
	axl_class_free(k);

	ck_assert_int_eq(cli("class room"), 0);
	ck_assert_msg(strstr(out, "Learners"), "%s", out);
	ck_assert_msg(strstr(out, "00 tiny"), "%s", out);
	ck_assert_msg(strstr(out, "! 2 learners stuck on tiny/sum"), "%s", out);
}
END_TEST

START_TEST(class_follows_the_learners_course)
{
	fx_write(top, "day", "three 7\ntiny\n");
	ck_assert_int_eq(cli("init --course day --name Ann room/ann"), 0);
	ck_assert_int_eq(cli("init --course day --name Bo room/bo"), 0);
	fx_write(top, "yesterday", "two\n");
	ck_assert_int_eq(cli("init --course yesterday --name Cy room/cy"), 0);
	ck_assert_int_eq(cli("class --csv room"), 0);
	ck_assert_msg(strstr(out, "\n2,three,Lesson three,7,3,") && strstr(out, "\n0,tiny,") &&
			      !strstr(out, ",two,"), "%s", out);
	ck_assert_msg(strstr(err, "1 learner follows another course"), "%s", err);
	ck_assert_int_eq(cli("class room"), 0);
	ck_assert_msg(strstr(out, "(course room/ann/.asynclab/course)"), "%s", out);
	/* --course still wins. */
	fx_write(top, "other", "two\n");
	ck_assert_int_eq(cli("class --csv --course other room"), 0);
	ck_assert_msg(strstr(out, ",two,") && !strstr(out, ",three,"), "%s", out);
}
END_TEST

START_TEST(class_reads_the_class_store)
{
	ck_assert_int_eq(mkdir("served", 0755), 0);
	axl_classdb *db = NULL;
	char *e = NULL;
	ck_assert_int_eq(axl_classdb_open("served/" AXL_CLASSDB_FILE, AXL_CLASSDB_CREATE, &db, &e),
			 0);
	const char *tok = "0123456789abcdef0123456789abcdef";
	axl_class_push a = { .id = "id-ann", .name = "Ann", .token = tok, .seq = 1,
			     .progress = "{\"version\":1,\"current\":\"two\",\"lessons\":{\"tiny\":"
					 "{\"passed\":true,\"attempts\":1}}}",
			     .course = "two\ntiny\n" };
	axl_class_push b = { .id = "id-bo", .name = "Bo", .token = tok, .seq = 1,
			     .progress = "{\"version\":1,\"lessons\":{}}", .course = "two\ntiny\n" };
	axl_push_outcome out_;
	int64_t seq;
	ck_assert_int_eq(axl_classdb_push(db, &a, 1, &out_, &seq), 0);
	ck_assert_int_eq(axl_classdb_push(db, &b, 1, &out_, &seq), 0);
	axl_classdb_close(db);
	ck_assert_int_eq(cli("class --json served"), 0);
	json_t *doc = json_loads(out, 0, NULL);
	ck_assert_msg(doc != NULL, "%s", out);
	ck_assert_int_eq(json_integer_value(json_object_get(doc, "learner_count")), 2);
	json_t *ls = json_object_get(doc, "lessons");
	ck_assert_uint_eq(json_array_size(ls), 2);
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(ls, 0), "id")), "two");
	json_t *L = json_array_get(json_object_get(doc, "learners"), 0);
	ck_assert_str_eq(json_string_value(json_object_get(L, "name")), "Ann");
	ck_assert_str_eq(json_string_value(json_object_get(L, "id")), "id-ann");
	ck_assert_str_eq(json_string_value(json_object_get(L, "current")), "two");
	json_decref(doc);
}
END_TEST

START_TEST(cli_verify_file_says_whether_recorded)
{
	ck_assert_int_eq(cli("init --name Ann ws"), 0);
	fx_write(top, "ws/exercises/00-tiny.c", PROG("tiny ok"));
	fx_write(top, "elsewhere.c", PROG("tiny ok"));
	ck_assert_int_eq(chdir("ws"), 0);
	ck_assert_msg(cli("verify tiny --file ../elsewhere.c") == 0, "%s", out);
	ck_assert_msg(strstr(out, "Passed") && strstr(out, "Not recorded in your progress"),
		      "%s", out);
	axl_progress *p = load(".asynclab/progress.json");
	const axl_lesson_progress *lp = axl_progress_find(p, "tiny");
	ck_assert(!lp || lp->attempts == 0);
	axl_progress_free(p);
	ck_assert_int_eq(cli("verify tiny --file exercises/00-tiny.c"), 0);
	ck_assert_msg(strstr(out, "Recorded in your progress"), "%s", out);
	p = load(".asynclab/progress.json");
	ck_assert_int_eq(axl_progress_find(p, "tiny")->attempts, 1);
	ck_assert(axl_progress_find(p, "tiny")->passed);
	axl_progress_free(p);
	ck_assert_int_eq(cli("verify tiny --json --file ../elsewhere.c"), 0);
	json_t *doc = json_loads(out, 0, NULL);
	ck_assert(json_is_false(json_object_get(doc, "recorded")));
	json_decref(doc);
	ck_assert_int_eq(chdir(top), 0);
	/* Outside a workspace nothing is said: a grader checks files. */
	ck_assert_int_eq(cli("verify tiny --file elsewhere.c"), 0);
	ck_assert(!strstr(out, "recorded"));
}
END_TEST

static Suite *learners_suite(void)
{
	Suite *s = suite_create("lessons-learners");
	TCase *tc = tcase_create("identity");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, identity_made_once_and_kept);
	tcase_add_test(tc, first_try_pass_counts_its_time);
	tcase_add_test(tc, cli_init_name);
	suite_add_tcase(s, tc);
	tc = tcase_create("class");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, class_counts_a_copy_once_and_reads_collected_files);
	tcase_add_test(tc, class_names_who_is_where_and_over_the_box);
	tcase_add_test(tc, class_follows_the_learners_course);
	tcase_add_test(tc, class_reads_the_class_store);
	tcase_add_test(tc, cli_verify_file_says_whether_recorded);
	suite_add_tcase(s, tc);
	return s;
}

TEST_MAIN(learners_suite)
