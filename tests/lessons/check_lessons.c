/* check_lessons.c - the self-check of the curriculum, over whatever lessons
 * the catalog holds: every manifest parses, every file is there, each
 * reference solution passes every check, and each starter compiles and
 * fails for its intended reason (the checks named by starter_fails, or at
 * least one check, and never a crash or a compile error). */
#include "config.h"

#include "lesson_fixture.h"
#include "../testutil.h"

static axl_catalog *cat;

static const char *lessons_dir(void)
{
	const char *env = getenv("ASYNCLAB_LESSONS");
	return env && *env ? env : AXL_TEST_LESSONS;
}

static void load(void)
{
	axl_diags d = { 0 };
	ck_assert_int_eq(axl_catalog_load(lessons_dir(), &cat, &d), 0);
	axl_diags_free(&d);
}

static void unload(void)
{
	axl_catalog_free(cat);
	cat = NULL;
}

START_TEST(catalog_is_clean)
{
	axl_diags d = { 0 };
	axl_catalog *c = NULL;
	ck_assert_int_eq(axl_catalog_load(lessons_dir(), &c, &d), 0);
	ck_assert_msg(d.n == 0, "the catalog has problems:\n%s", fx_diags_text(&d));
	ck_assert_uint_gt(c->n, 0);
	for (size_t i = 0; i < c->n; i++) {
		ck_assert_msg(axl_lesson_files_check(c->lessons[i], &d) == 0, "%s",
			      fx_diags_text(&d));
		ck_assert_msg(c->lessons[i]->nhints >= 1, "%s has no hints", c->lessons[i]->id);
	}
	axl_catalog_free(c);
	axl_diags_free(&d);
}
END_TEST

static const axl_mark *mark_named(const axl_result *r, const char *name)
{
	for (size_t i = 0; i < r->nmarks; i++)
		if (!strcmp(r->marks[i].check->name, name))
			return &r->marks[i];
	return NULL;
}

START_TEST(solution_passes)
{
	ck_assert_uint_lt((size_t)_i, cat->n);
	const axl_lesson *l = cat->lessons[_i];
	char *file = axl_lesson_path(l, "solution.c");
	axl_result *r = NULL;
	ck_assert_int_eq(axl_verify(l, file, &r), 0);
	ck_assert_msg(r->end != AXL_END_NOT_BUILT, "%s: the solution does not compile:\n%s",
		      l->id, r->build_output);
	for (size_t i = 0; i < r->nmarks; i++)
		ck_assert_msg(r->marks[i].passed, "%s: the solution fails [check %s]: %s (run: %s)",
			      l->id, r->marks[i].check->name, r->marks[i].message, r->verdict);
	ck_assert(r->passed);
	axl_result_free(r);
	free(file);
}
END_TEST

START_TEST(starter_fails_for_its_reason)
{
	ck_assert_uint_lt((size_t)_i, cat->n);
	const axl_lesson *l = cat->lessons[_i];
	char *file = axl_lesson_path(l, "starter.c");
	axl_result *r = NULL;
	ck_assert_int_eq(axl_verify(l, file, &r), 0);
	ck_assert_msg(r->end != AXL_END_NOT_BUILT, "%s: the starter does not compile:\n%s", l->id,
		      r->build_output);
	ck_assert_msg(r->end == AXL_END_EXITED, "%s: the starter fails because %s, not a check",
		      l->id, r->verdict);
	ck_assert_msg(!r->passed, "%s: the starter passes every check", l->id);
	for (size_t i = 0; i < l->nstarter_fails; i++) {
		const axl_mark *m = mark_named(r, l->starter_fails[i]);
		ck_assert_msg(m != NULL, "%s: no check '%s'", l->id, l->starter_fails[i]);
		ck_assert_msg(!m->passed, "%s: the starter passes [check %s], which it must fail",
			      l->id, l->starter_fails[i]);
	}
	/* Every failing check has a message for the learner. */
	for (size_t i = 0; i < r->nmarks; i++)
		if (!r->marks[i].passed)
			ck_assert_msg(r->marks[i].message && *r->marks[i].message, "%s: %s", l->id,
				      r->marks[i].check->name);
	axl_result_free(r);
	free(file);
}
END_TEST

static Suite *lessons_suite(void)
{
	Suite *s = suite_create("lessons-curriculum");
	TCase *tc = tcase_create("catalog");
	tcase_add_test(tc, catalog_is_clean);
	suite_add_tcase(s, tc);

	/* One test per lesson, so a failure names it. */
	axl_catalog *c = NULL;
	axl_diags d = { 0 };
	int n = axl_catalog_load(lessons_dir(), &c, &d) == 0 ? (int)c->n : 0;
	axl_catalog_free(c);
	axl_diags_free(&d);
	tc = tcase_create("each-lesson");
	tcase_add_unchecked_fixture(tc, load, unload);
	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, solution_passes, 0, n);
	tcase_add_loop_test(tc, starter_fails_for_its_reason, 0, n);
	suite_add_tcase(s, tc);
	return s;
}

TEST_MAIN(lessons_suite)
