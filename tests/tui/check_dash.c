/* check_dash.c - the class dashboard's model: what to tell the room comes
 * first (a check holding several learners back, with its message and
 * their names; who is over the time box, with the lesson and the time),
 * then the lessons reached, then the learners, those over the box first;
 * nothing wider than the screen; and the server source fetched by its
 * thread with the dashboard code (a wrong code is said, not drawn). */
#include "config.h"

#include "../../tui/dash.h"
#include "../../tui/serve.h"
#include "../lessons/lesson_fixture.h"
#include "../testutil.h"

#include <errno.h>
#include <time.h>

#define INI(id, n, box)                                                                 \
	"[lesson]\nid = " id "\ntitle = Lesson " id "\norder = " n "\nconcept = c\n"      \
	"time_box_min = " box "\n[check sum]\nkind = output\nexpect = ok\n"              \
	"message = Print the sum: {expected}\n"                                         \
	"[check fast]\nkind = vtime\nmax_ms = 300\nmessage = Too slow: {actual}\n"
#define PROG "int main(void){ return 0; }\n"

static char *top;
static axl_catalog *cat;

static void setup(void)
{
	top = fx_tmpdir();
	ck_assert_int_eq(chdir(top), 0);
	ck_assert_int_eq(mkdir("lessons", 0755), 0);
	free(fx_lesson("lessons", "00-tiny", INI("tiny", "0", "5"), PROG, PROG));
	free(fx_lesson("lessons", "01-two", INI("two", "1", "10"), PROG, PROG));
	free(fx_lesson("lessons", "02-three", INI("three", "2", "10"), PROG, PROG));
	axl_diags d = { 0 };
	ck_assert_int_eq(axl_catalog_load("lessons", &cat, &d), 0);
	axl_diags_free(&d);
}

static void teardown(void)
{
	axl_catalog_free(cat);
	fx_rmrf(top);
	free(top);
}

#define NOW 100000
/* A learner as the class server sends one. */
#define LEARNER(id, name, cur, lesson, att, time_s, active, failed)                     \
	"{\"id\":\"" id "\",\"name\":\"" name "\",\"progress\":{\"version\":1,"              \
	"\"current\":\"" cur "\",\"lessons\":{\"" lesson "\":{\"attempts\":" #att ","        \
	"\"time_s\":" #time_s ",\"last_active\":" #active ",\"last_failed\":\"" failed "\"}}}}"

static axl_class *room(void)
{
	const char *text = "{\"version\":1,\"learners\":["
		LEARNER("a1", "Ann", "tiny", "tiny", 5, 400, 99990, "sum") ","
		LEARNER("b2", "Bo", "tiny", "tiny", 2, 100, 99990, "sum") ","
		LEARNER("c3", "Cy", "two", "two", 1, 30, 99990, "fast") "]}";
	json_t *doc = json_loads(text, 0, NULL);
	ck_assert_ptr_nonnull(doc);
	axl_class *k = NULL;
	ck_assert_int_eq(axl_class_gather_doc(cat, doc, "test", NOW, &k), 0);
	json_decref(doc);
	return k;
}

static int find_line(const md_doc *d, const char *needle)
{
	for (int i = 0; i < d->n; i++)
		if (strstr(d->lines[i].text, needle))
			return i;
	return -1;
}

START_TEST(urgent_first_then_lessons_then_learners)
{
	axl_class *k = room();
	md_doc d;
	char title[200];
	dash_opts o = { .cols = 78, .now = NOW };
	ck_assert_int_eq(dash_layout(k, cat, &o, &d, title, sizeof title), 0);
	ck_assert_ptr_nonnull(strstr(title, "class: 3 learners"));
	int stuck = find_line(&d, "! 2 learners stuck on tiny/sum");
	int msg = find_line(&d, "  Print the sum: ...");
	int who = find_line(&d, "Ann, Bo");
	int over = find_line(&d, "! 1 learner over the time box");
	int over_who = find_line(&d, "Ann (tiny 6m50s)");
	int table = find_line(&d, "lesson");
	int tiny = find_line(&d, "00 tiny");
	int hidden = find_line(&d, "(1 lesson nobody has reached yet)");
	int learners = find_line(&d, "on lesson");
	ck_assert_msg(stuck == 0, "stuck at %d", stuck);
	ck_assert_int_ge(msg, 0);
	ck_assert_int_gt(who, stuck);
	ck_assert_int_gt(over, who);
	ck_assert_int_eq(over_who, over + 1);
	ck_assert_int_gt(table, over_who);
	ck_assert_int_gt(tiny, table);
	ck_assert_int_gt(hidden, tiny);
	ck_assert_int_gt(learners, hidden);
	/* Over the box first, with the word, not only the colour. */
	ck_assert_ptr_nonnull(strstr(d.lines[learners + 1].text, "Ann"));
	ck_assert_ptr_nonnull(strstr(d.lines[learners + 1].text, "OVER"));
	ck_assert_int_eq(d.lines[learners + 1].spans[0].style, MD_BAD);
	ck_assert_ptr_nonnull(strstr(d.lines[learners + 2].text, "Bo"));
	ck_assert_ptr_nonnull(strstr(d.lines[learners + 3].text, "Cy"));
	md_free(&d);

	/* Narrow: every line still fits. */
	o.cols = 40;
	ck_assert_int_eq(dash_layout(k, cat, &o, &d, title, sizeof title), 0);
	for (int i = 0; i < d.n; i++)
		ck_assert_msg(md_cols(d.lines[i].text, (int)strlen(d.lines[i].text)) <= 40,
			      "line %d too wide: %s", i, d.lines[i].text);
	md_free(&d);
	axl_class_free(k);
}
END_TEST

START_TEST(empty_class_says_how_to_join)
{
	json_t *doc = json_loads("{\"version\":1,\"learners\":[]}", 0, NULL);
	axl_class *k = NULL;
	ck_assert_int_eq(axl_class_gather_doc(cat, doc, "test", NOW, &k), 0);
	md_doc d;
	char title[200];
	dash_opts o = { .cols = 78, .now = NOW };
	ck_assert_int_eq(dash_layout(k, cat, &o, &d, title, sizeof title), 0);
	ck_assert_int_ge(find_line(&d, "No learner yet"), 0);
	ck_assert_int_ge(find_line(&d, "asynclab init --class HOST:PORT --code CODE"), 0);
	md_free(&d);
	axl_class_free(k);
	json_decref(doc);
}
END_TEST

static json_t *wait_doc(dash_remote *r, char *err, size_t errlen)
{
	uint64_t seen = 0;
	for (int i = 0; i < 3000; i++) {
		json_t *doc = dash_remote_take(r, &seen, err, errlen);
		if (doc || err[0])
			return doc;
		struct timespec ts = { 0, 10 * 1000 * 1000 };
		nanosleep(&ts, NULL);
	}
	return NULL;
}

START_TEST(remote_source_with_the_dashboard_code)
{
	axl_classdb *db = NULL;
	char *e = NULL;
	ck_assert_int_eq(axl_classdb_open("c.db", AXL_CLASSDB_CREATE, &db, &e), 0);
	axl_class_push p = { .id = "a1", .name = "Ann", .token = "0123456789abcdef0123456789abcdef",
			     .seq = 1, .progress = "{\"version\":1,\"lessons\":{}}",
			     .course = "two\n" };
	axl_push_outcome out;
	int64_t seq;
	ck_assert_int_eq(axl_classdb_push(db, &p, 1, &out, &seq), 0);
	axl_classdb_close(db);
	axw_serve_opts so = { .db_path = "c.db", .bind = "127.0.0.1" };
	axw_server *s = NULL;
	ck_assert_int_eq(axw_serve_start(&so, &s, &e), 0);
	char server[64], err[256] = "";
	snprintf(server, sizeof server, "127.0.0.1:%u", axw_serve_port(s));

	dash_remote r;
	ck_assert_int_eq(dash_remote_start(&r, server, axw_serve_join_code(s), 50), 0);
	ck_assert_ptr_null(wait_doc(&r, err, sizeof err));
	ck_assert_msg(strstr(err, "wrong dashboard code"), "%s", err);
	dash_remote_stop(&r);

	ck_assert_int_eq(dash_remote_start(&r, server, axw_serve_view_code(s), 50), 0);
	json_t *doc = wait_doc(&r, err, sizeof err);
	ck_assert_msg(doc != NULL, "%s", err);
	char *text = NULL, *from = NULL;
	size_t others;
	ck_assert_int_eq(axl_class_course_doc(doc, server, &text, &from, &others), 0);
	ck_assert_str_eq(text, "two\n");
	axl_class *k = NULL;
	ck_assert_int_eq(axl_class_gather_doc(cat, doc, server, NOW, &k), 0);
	ck_assert_uint_eq(k->nlearners, 1);
	ck_assert_str_eq(k->learners[0].name, "Ann");
	axl_class_free(k);
	free(text);
	free(from);
	json_decref(doc);
	dash_remote_stop(&r);
	axw_serve_stop(s);
}
END_TEST

static Suite *dash_suite(void)
{
	Suite *s = suite_create("dash");
	TCase *tc = tcase_create("dash");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, urgent_first_then_lessons_then_learners);
	tcase_add_test(tc, empty_class_says_how_to_join);
	tcase_add_test(tc, remote_source_with_the_dashboard_code);
	suite_add_tcase(s, tc);
	return s;
}

TEST_MAIN(dash_suite)
