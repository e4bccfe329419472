/* check_tui.c - the lab's curses-free models: lesson text layout and code
 * highlighting, the timeline grid, key handling and watch mode. */
#include "../../tui/app.h"
#include "../../tui/md.h"
#include "../../tui/timeline.h"
#include "../../tui/watch.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static int has_span(const md_line *l, const char *word, md_style st)
{
	const char *p = strstr(l->text, word);
	if (!p)
		return 0;
	int off = (int)(p - l->text);
	for (int i = 0; i < l->nspans; i++)
		if (l->spans[i].style == st && l->spans[i].start <= off &&
		    l->spans[i].start + l->spans[i].len >= off + (int)strlen(word))
			return 1;
	return 0;
}

static int find_line(const md_doc *d, const char *needle)
{
	for (int i = 0; i < d->n; i++)
		if (strstr(d->lines[i].text, needle))
			return i;
	return -1;
}

START_TEST(test_md_wraps_to_width)
{
	const char *src = "# Join\n\nRun several futures at the same time and wait until every one of "
			  "them has finished, so the total is the longest, not the sum.\n";
	md_doc d;
	ck_assert_int_eq(md_render(src, 40, 0, &d), 0);
	int h = find_line(&d, "Join");
	ck_assert_int_ge(h, 0);
	ck_assert(has_span(&d.lines[h], "Join", MD_H1));
	int body = 0;
	for (int i = 0; i < d.n; i++) {
		ck_assert_int_le(md_cols(d.lines[i].text, (int)strlen(d.lines[i].text)), 40);
		if (strstr(d.lines[i].text, "futures") || strstr(d.lines[i].text, "longest"))
			body++;
	}
	ck_assert_int_ge(body, 2); /* the paragraph took more than one line */
	/* No word is split when it fits on a line. */
	for (int i = 0; i < d.n; i++)
		ck_assert_ptr_null(strstr(d.lines[i].text, "fin ished"));
	md_free(&d);
}
END_TEST

START_TEST(test_md_code_highlight)
{
	const char *src = "Text with `ax_spawn` inline.\n\n```c\n/* a comment */\n/* spans\n two lines */ long z;\nint x = 42; "
			  "AX_AWAIT(ax_yield());\nreturn \"s\";\n```\n\n```rust\nlet v = fetch().await;\n```\n";
	md_doc d;
	ck_assert_int_eq(md_render(src, 60, 0, &d), 0);
	int i = find_line(&d, "inline");
	ck_assert(has_span(&d.lines[i], "ax_spawn", MD_CODE));
	ck_assert(has_span(&d.lines[find_line(&d, "a comment")], "a comment", MD_COMMENT));
	int two = find_line(&d, "two lines");
	ck_assert(has_span(&d.lines[two], "two lines", MD_COMMENT));
	ck_assert(has_span(&d.lines[two], "long", MD_TYPE)); /* after the comment ends */
	int l = find_line(&d, "int x");
	ck_assert(has_span(&d.lines[l], "int", MD_TYPE));
	ck_assert(has_span(&d.lines[l], "42", MD_NUMBER));
	ck_assert(has_span(&d.lines[l], "AX_AWAIT", MD_API));
	ck_assert(has_span(&d.lines[find_line(&d, "return")], "return", MD_KEYWORD));
	ck_assert(has_span(&d.lines[find_line(&d, "return")], "\"s\"", MD_STRING));
	int r = find_line(&d, "let v");
	ck_assert(has_span(&d.lines[r], "let", MD_KEYWORD));
	ck_assert(has_span(&d.lines[r], "await", MD_KEYWORD));
	md_free(&d);
}
END_TEST

START_TEST(test_md_lists_and_ascii)
{
	const char *src = "- first item\n- second item\n\n> quoted\n";
	md_doc d;
	ck_assert_int_eq(md_render(src, 40, 1, &d), 0);
	ck_assert_int_ge(find_line(&d, "* first item"), 0);
	ck_assert_int_ge(find_line(&d, "* second item"), 0);
	ck_assert_int_ge(find_line(&d, "| quoted"), 0);
	for (int i = 0; i < d.n; i++)
		for (const char *p = d.lines[i].text; *p; p++)
			ck_assert_int_lt((unsigned char)*p, 0x80); /* ASCII only */
	md_free(&d);
	ck_assert_int_eq(md_render(src, 40, 0, &d), 0);
	ck_assert_int_ge(find_line(&d, "\xe2\x80\xa2 first item"), 0);
	md_free(&d);
}
END_TEST

START_TEST(test_md_verdicts_and_diff)
{
	md_doc d;
	ck_assert_int_eq(md_render("- **PASS** `a`\n- **FAIL** `b`\n\n```diff\n-old\n+new\n```\n", 60, 0, &d), 0);
	md_mark_verdicts(&d);
	ck_assert(has_span(&d.lines[find_line(&d, "PASS")], "PASS", MD_GOOD));
	ck_assert(has_span(&d.lines[find_line(&d, "FAIL")], "FAIL", MD_BAD));
	ck_assert(has_span(&d.lines[find_line(&d, "+new")], "+new", MD_GOOD));
	ck_assert(has_span(&d.lines[find_line(&d, "-old")], "-old", MD_BAD));
	md_free(&d);
}
END_TEST

/* Three tasks sleeping one after another vs. together: the grid shows it.
 * The typed report is built by hand here: the grid reads only its tasks,
 * spans and end time. */
static const axc_task tl_tasks[] = {
	{ .id = 1, .name = "main", .spawn_ns = 0, .exit_ns = 600000000 },
	{ .id = 2, .name = "a", .spawn_ns = 0, .exit_ns = 100000000 },
	{ .id = 3, .name = "b", .spawn_ns = 100000000, .exit_ns = 300000000 },
	{ .id = 4, .future = "c", .spawn_ns = 300000000, .exit_ns = 600000000 },
};
static const axc_span tl_spans[] = {
	{ .task = 2, .kind = AXC_SPAN_POLL, .t0 = 0, .t1 = 0 },
	{ .task = 3, .kind = AXC_SPAN_STALL, .t0 = 100000000, .t1 = 300000000 },
	{ .task = 4, .kind = AXC_SPAN_LOCK, .t0 = 300000000, .t1 = 400000000 },
};

START_TEST(test_timeline_grid)
{
	axc_report rep = { .tasks = tl_tasks, .ntasks = 4, .spans = tl_spans, .nspans = 3,
			   .stats = { .end_ns = 600000000 } };
	const axc_report *r = &rep;
	tl_grid g;
	ck_assert_int_eq(tl_build(r, 60, 10, &g), 0);
	ck_assert_int_eq(g.nrows, 4);
	ck_assert_str_eq(g.rows[1].label, "#2 a");
	ck_assert_str_eq(g.rows[3].label, "#4 c");
	/* Task a lives in the first sixth and is polled at 0. */
	ck_assert_int_eq(g.rows[1].cells[0], TL_POLL);
	ck_assert_int_eq(g.rows[1].cells[tl_col(&g, 50000000)], TL_ALIVE);
	ck_assert_int_eq(g.rows[1].cells[tl_col(&g, 400000000)], TL_NONE);
	/* Task b stalls between 100 and 300 ms, and is not alive before. */
	ck_assert_int_eq(g.rows[2].cells[tl_col(&g, 200000000)], TL_STALL);
	ck_assert_int_eq(g.rows[2].cells[tl_col(&g, 50000000)], TL_NONE);
	/* Task c holds a lock from 300 to 400 ms, then waits. */
	ck_assert_int_eq(g.rows[3].cells[tl_col(&g, 350000000)], TL_LOCK);
	ck_assert_int_eq(g.rows[3].cells[tl_col(&g, 500000000)], TL_ALIVE);
	tl_free(&g);
	/* Rows are capped. */
	ck_assert_int_eq(tl_build(r, 60, 2, &g), 0);
	ck_assert_int_eq(g.nrows, 2);
	ck_assert_int_eq(g.clipped, 2);
	tl_free(&g);
}
END_TEST

static app_lesson L3[3] = {
	{ "welcome", "Welcome", ST_DONE },
	{ "async-fn", "An async function", ST_CURRENT },
	{ "await", "Awaiting in sequence", ST_LATER },
};

START_TEST(test_app_list_navigation_and_search)
{
	app a;
	app_init(&a, L3, 3);
	ck_assert_int_eq(a.sel, 1); /* starts on the current lesson */
	ck_assert_int_eq(app_key(&a, 'j'), A_REDRAW);
	ck_assert_int_eq(a.sel, 2);
	app_key(&a, 'j');
	ck_assert_int_eq(a.sel, 2); /* stays at the end */
	app_key(&a, 'g');
	ck_assert_int_eq(a.sel, 0);
	app_key(&a, 'G');
	ck_assert_int_eq(a.sel, 2);
	/* Search narrows the list and moves the selection to a match. */
	app_key(&a, '/');
	ck_assert(a.searching);
	app_key(&a, 'w');
	app_key(&a, 'e');
	app_key(&a, 'l');
	ck_assert_str_eq(a.search, "wel");
	ck_assert_int_eq(a.sel, 0);
	ck_assert(!app_matches(&a, 1));
	app_key(&a, K_ENTER);
	ck_assert(!a.searching);
	ck_assert_int_eq(app_key(&a, K_ENTER), A_OPEN);
	ck_assert_int_eq(a.view, V_LESSON);
	ck_assert_int_eq(a.cur, 0);
	ck_assert_int_eq(app_done_count(&a), 1);
}
END_TEST

START_TEST(test_app_quit_says_which_view)
{
	app a;
	app_init(&a, L3, 3);
	app_key(&a, K_ENTER);
	ck_assert_int_eq(a.view, V_LESSON);
	app_key(&a, '?');
	ck_assert_int_eq(a.view, V_HELP);
	app_key(&a, 'q');
	ck_assert_int_eq(a.view, V_LESSON);
	ck_assert_str_eq(a.msg, "closed the help");
	app_key(&a, 'q');
	ck_assert_int_eq(a.view, V_LIST);
	ck_assert_str_eq(a.msg, "closed the lesson");
	ck_assert_int_eq(app_key(&a, 'q'), A_QUIT);
}
END_TEST

START_TEST(test_app_lesson_actions)
{
	app a;
	app_init(&a, L3, 3);
	app_key(&a, K_ENTER);
	ck_assert_int_eq(app_key(&a, 'r'), A_VERIFY);
	ck_assert_int_eq(app_key(&a, 'e'), A_EDIT);
	ck_assert_int_eq(app_key(&a, 'h'), A_HINT);
	/* The solution and the timeline wait for a pass and a run. */
	ck_assert_int_eq(app_key(&a, 's'), A_REDRAW);
	ck_assert_ptr_nonnull(strstr(a.msg, "after this lesson passes"));
	ck_assert_int_eq(app_key(&a, 't'), A_REDRAW);
	ck_assert_int_eq(a.view, V_LESSON);
	a.passed = 1;
	a.has_result = 1;
	ck_assert_int_eq(app_key(&a, 's'), A_SOLUTION);
	ck_assert_int_eq(app_key(&a, 't'), A_TIMELINE);
	ck_assert_int_eq(a.view, V_TIMELINE);
	app_key(&a, 'q');
	/* Reset asks first; anything but y cancels. */
	ck_assert_int_eq(app_key(&a, 'x'), A_REDRAW);
	ck_assert(a.confirm_reset);
	ck_assert_int_eq(app_key(&a, 'n'), A_REDRAW);
	ck_assert_str_eq(a.msg, "reset cancelled");
	app_key(&a, 'x');
	ck_assert_int_eq(app_key(&a, 'y'), A_RESET);
	/* Next lesson. */
	ck_assert_int_eq(app_key(&a, 'n'), A_OPEN);
	ck_assert_int_eq(a.cur, 2);
	ck_assert_int_eq(app_key(&a, 'n'), A_REDRAW);
	ck_assert_str_eq(a.msg, "this is the last lesson");
}
END_TEST

START_TEST(test_app_keys_ignored_while_checking)
{
	app a;
	app_init(&a, L3, 3);
	app_key(&a, K_ENTER);
	a.checking = 1;
	ck_assert_int_eq(app_key(&a, 'q'), A_NONE);
	ck_assert_int_eq(app_key(&a, 'r'), A_NONE);
	ck_assert_int_eq(a.view, V_LESSON);
	ck_assert_str_eq(app_prompt(&a), "Checking...");
}
END_TEST

START_TEST(test_app_scrolling)
{
	app a;
	app_init(&a, L3, 3);
	app_key(&a, K_ENTER);
	a.lines = 100;
	a.page = 20;
	app_key(&a, K_PGDN);
	ck_assert_int_eq(a.scroll, 19);
	app_key(&a, 'G');
	ck_assert_int_eq(a.scroll, 80);
	app_key(&a, 'j');
	ck_assert_int_eq(a.scroll, 80);
	app_key(&a, 'g');
	ck_assert_int_eq(a.scroll, 0);
	app_key(&a, 'k');
	ck_assert_int_eq(a.scroll, 0);
}
END_TEST

static uint64_t ms_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

START_TEST(test_watch_debounced_save_and_rename)
{
	char dir[] = "/tmp/axwatchXXXXXX";
	ck_assert_ptr_nonnull(mkdtemp(dir));
	char path[256], tmp[256];
	snprintf(path, sizeof path, "%s/ex.c", dir);
	snprintf(tmp, sizeof tmp, "%s/ex.c.tmp", dir);
	FILE *f = fopen(path, "w");
	fputs("x", f);
	fclose(f);
	watch w;
	ck_assert_int_eq(watch_open(&w, path, 50), 0);
	ck_assert_int_eq(watch_poll(&w, ms_now()), 0);
	/* Two quick writes: one change once it settles. */
	for (int i = 0; i < 2; i++) {
		f = fopen(path, "w");
		fputs("y", f);
		fclose(f);
	}
	uint64_t t = ms_now();
	ck_assert_int_eq(watch_poll(&w, t), 0); /* not yet settled */
	ck_assert_int_eq(watch_poll(&w, t + 60), 1);
	ck_assert_int_eq(watch_poll(&w, t + 200), 0); /* only once */
	/* A save by rename over the file counts. */
	f = fopen(tmp, "w");
	fputs("z", f);
	fclose(f);
	ck_assert_int_eq(rename(tmp, path), 0);
	t = ms_now();
	watch_poll(&w, t);
	ck_assert_int_eq(watch_poll(&w, t + 60), 1);
	/* Another file in the folder does not. */
	f = fopen(tmp, "w");
	fclose(f);
	t = ms_now();
	watch_poll(&w, t);
	ck_assert_int_eq(watch_poll(&w, t + 60), 0);
	watch_close(&w);
	unlink(tmp);
	unlink(path);
	rmdir(dir);
}
END_TEST

static Suite *tui_suite(void)
{
	Suite *s = suite_create("tui-model");
	TCase *tc = tcase_create("model");
	tcase_add_test(tc, test_md_wraps_to_width);
	tcase_add_test(tc, test_md_code_highlight);
	tcase_add_test(tc, test_md_lists_and_ascii);
	tcase_add_test(tc, test_md_verdicts_and_diff);
	tcase_add_test(tc, test_timeline_grid);
	tcase_add_test(tc, test_app_list_navigation_and_search);
	tcase_add_test(tc, test_app_quit_says_which_view);
	tcase_add_test(tc, test_app_lesson_actions);
	tcase_add_test(tc, test_app_keys_ignored_while_checking);
	tcase_add_test(tc, test_app_scrolling);
	tcase_add_test(tc, test_watch_debounced_save_and_rename);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(tui_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
