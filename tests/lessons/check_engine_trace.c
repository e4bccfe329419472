/* check_engine_trace.c - lesson checks of kind = trace judged on real
 * runs: the engine runs the exercise with the probe's scheduler trace on
 * and each check is passed or failed from what the trace shows (polls of
 * a future, naps alive at once, the most alive, spawns from a function,
 * a blocking lock held over an await), never "Not judged". */
#include "config.h"

#include "lesson_fixture.h"
#include "../testutil.h"

#include <string.h>

#define TRACE_INI                                                                           \
	"[lesson]\nid = naps\ntitle = Naps\norder = 7\nconcept = join\n"                    \
	"[check polled]\nkind = trace\nwhat = polls\nname = nap\nmin = 4\n"                 \
	"message = nap was polled {actual} times, expected {expected}\n"                    \
	"[check together]\nkind = trace\nwhat = overlap\nname = nap\nother = nap\nmin = 1\n" \
	"message = run the naps together\n"                                                 \
	"[check few]\nkind = trace\nwhat = peak\nname = nap\nmax = 2\n"                     \
	"message = too many naps at once: {actual}\n"                                       \
	"[check no-spawn]\nkind = trace\nwhat = spawns\nname = both\nmax = 0\n"             \
	"message = do not spawn\n"                                                          \
	"[check no-lock]\nkind = trace\nwhat = lock-over-await\nname = blocking\nmax = 0\n" \
	"message = a blocking lock is held across an await\n"

#define PROG(body)                                                                  \
	"#include <asynclab.h>\n"                                                   \
	"#include <stdio.h>\n"                                                      \
	"static ax_bmutex *mu;\n"                                                   \
	"AX_ASYNC(nap, int, int ms;)\n"                                             \
	"{\n\tAX_BEGIN;\n\tAX_AWAIT(ax_sleep_ms(self->ms));\n\tAX_RETURN(self->ms);\n\tAX_END;\n}\n" \
	"AX_ASYNC(both, int, ax_vals v; int a; int b;)\n"                           \
	"{\n\tAX_BEGIN;\n" body "\tprintf(\"done\\n\");\n\tAX_RETURN(0);\n\tAX_END;\n}\n" \
	"int main(void)\n{\n\tmu = ax_bmutex_new();\n"                              \
	"\tax_rt *rt = ax_rt_new(NULL);\n\tint r = AX_BLOCK_ON(rt, AX_CALL(both));\n" \
	"\tax_rt_free(rt);\n\treturn r;\n}\n"

static const char joined[] =
	PROG("\tAX_AWAIT_TO(self->v, AX_JOIN(AX_CALL(nap, .ms = 100), AX_CALL(nap, .ms = 200)));\n");
static const char one_by_one[] =
	PROG("\tax_bmutex_lock(mu);\n"
	     "\tAX_AWAIT_TO(self->a, AX_CALL(nap, .ms = 100));\n"
	     "\tax_bmutex_unlock(mu);\n"
	     "\tAX_AWAIT_TO(self->b, AX_CALL(nap, .ms = 200));\n");

static axl_lesson *lesson;

static axl_result *verify(const char *program)
{
	char *dir = fx_tmpdir();
	char *ld = fx_lesson(dir, "07-naps", TRACE_INI, program, program);
	axl_diags d = { 0 };
	ck_assert_msg(axl_lesson_load(ld, &lesson, &d) == 0, "%s", fx_diags_text(&d));
	char *file = fx_path(ld, "starter.c");
	axl_result *r = NULL;
	int rc = axl_verify(lesson, file, &r);
	ck_assert_msg(rc == 0, "axl_verify: %s", strerror(-rc));
	ck_assert_ptr_nonnull(r);
	ck_assert_ptr_nonnull(r->report);
	ck_assert(r->report->trace.on);
	free(file);
	fx_rmrf(dir);
	free(ld);
	free(dir);
	axl_diags_free(&d);
	return r;
}

static const axl_mark *mark(const axl_result *r, const char *name)
{
	for (size_t i = 0; i < r->nmarks; i++)
		if (!strcmp(r->marks[i].check->name, name)) {
			ck_assert_msg(!strstr(r->marks[i].message, "Not judged"), "%s: %s", name,
				      r->marks[i].message);
			ck_assert(!r->marks[i].skipped);
			return &r->marks[i];
		}
	ck_abort_msg("no mark %s", name);
	return NULL;
}

START_TEST(joined_naps_pass)
{
	axl_result *r = verify(joined);
	for (size_t i = 0; i < r->nmarks; i++)
		ck_assert_msg(r->marks[i].passed, "%s: %s", r->marks[i].check->name,
			      r->marks[i].message);
	ck_assert(mark(r, "polled")->passed);
	ck_assert(mark(r, "together")->passed);
	ck_assert(mark(r, "few")->passed);
	ck_assert(r->passed);
	axl_result_free(r);
	axl_lesson_free(lesson);
}
END_TEST

START_TEST(naps_one_by_one_fail)
{
	axl_result *r = verify(one_by_one);
	/* Two naps polled twice each: 4, enough; never alive together; a
	 * blocking lock held across the first nap's await. */
	ck_assert(mark(r, "polled")->passed);
	const axl_mark *m = mark(r, "together");
	ck_assert(!m->passed);
	ck_assert_msg(strstr(m->message, "run the naps together"), "%s", m->message);
	ck_assert(mark(r, "few")->passed);
	ck_assert(mark(r, "no-spawn")->passed);
	ck_assert(!mark(r, "no-lock")->passed);
	ck_assert(!r->passed);
	axl_result_free(r);
	axl_lesson_free(lesson);
}
END_TEST

static Suite *engine_trace_suite(void)
{
	Suite *s = suite_create("engine_trace");
	TCase *tc = tcase_create("judged");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, joined_naps_pass);
	tcase_add_test(tc, naps_one_by_one_fail);
	suite_add_tcase(s, tc);
	return s;
}

TEST_MAIN(engine_trace_suite)
