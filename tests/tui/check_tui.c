/* check_tui.c - the lab's curses-free models: lesson text layout (long
 * lines wrapped or clipped, never wider than the screen), code
 * highlighting, the result document, the timeline grid, key handling and
 * watch mode. */
#include "../../tui/app.h"
#include "../../tui/lab_int.h"
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


/* A line of n columns: words "w001 w002 ..." (five columns each). */
static char *long_words(int n)
{
	char *s = malloc((size_t)n + 8);
	int k = 0;
	for (int i = 1; k + 5 <= n; i++)
		k += sprintf(s + k, "w%03d ", i);
	s[k > 0 ? k - 1 : 0] = 0;
	return s;
}

/* Every line fits the width, except code lines, which are marked clip. */
static void assert_fits(const md_doc *d, int width)
{
	for (int i = 0; i < d->n; i++) {
		int w = md_cols(d->lines[i].text, (int)strlen(d->lines[i].text));
		if (!d->lines[i].clip)
			ck_assert_msg(w <= width, "line %d is %d columns: %s", i, w, d->lines[i].text);
	}
}

START_TEST(test_md_output_wraps_with_mark)
{
	char *words = long_words(200), src[1200];
	snprintf(src, sizeof src, "Output:\n\n```\n%s\n```\n\n~~~text\n%s\n~~~\n", words, words);
	md_doc d;
	ck_assert_int_eq(md_render(src, 76, 0, &d), 0);
	assert_fits(&d, 76);
	/* Every word shows, in order, and continuation rows carry the mark. */
	int rows = 0, next = 1;
	for (int i = 0; i < d.n; i++) {
		const char *t = d.lines[i].text;
		if (strstr(t, "\xe2\x86\xaa "))
			rows++;
		for (const char *p = t; (p = strchr(p, 'w')); p++) {
			int k;
			if (sscanf(p, "w%3d", &k) == 1 && k == next)
				next++;
		}
		ck_assert(!d.lines[i].clip);
	}
	ck_assert_int_eq(next, 41 * 1 + 0); /* w001..w040 seen (the first block) */
	ck_assert_int_ge(rows, 4);	   /* two blocks, at least two rows more each */
	md_free(&d);
	/* ASCII marks the continuation with "> ". */
	ck_assert_int_eq(md_render(src, 40, 1, &d), 0);
	ck_assert_int_ge(find_line(&d, "    > w0"), 0);
	md_free(&d);
	free(words);
}
END_TEST

START_TEST(test_md_code_is_clipped_not_wrapped)
{
	char *words = long_words(200), src[1200];
	snprintf(src, sizeof src, "```c\nint x = 1; /* %s */\n```\n\n```diff\n+%s\n```\n", words, words);
	md_doc d;
	ck_assert_int_eq(md_render(src, 76, 0, &d), 0);
	ck_assert_int_eq(d.n, 3); /* one line each, a blank between */
	ck_assert(d.lines[0].clip);
	ck_assert_int_eq(d.lines[0].code, 4);
	const char *t0 = d.lines[0].text;
	ck_assert_str_eq(t0 + strlen(t0) - 7, "w040 */");
	ck_assert_int_gt(md_cols(t0, (int)strlen(t0)), 200);
	ck_assert(has_span(&d.lines[0], "int", MD_TYPE));
	ck_assert(d.lines[2].clip);
	ck_assert(has_span(&d.lines[2], "+w001", MD_GOOD));
	md_free(&d);
	free(words);
}
END_TEST

START_TEST(test_md_clean_and_widths)
{
	/* Control characters become visible, bytes that are not UTF-8 the
	 * replacement character, tabs spaces to the next stop. */
	char *c = md_clean("a\tb\x1b[31mred\x7f\xff!", 14, 0);
	ck_assert_str_eq(c, "a   b^[[31mred^?\xef\xbf\xbd!");
	free(c);
	c = md_clean("ab\tc", 4, 1);
	ck_assert_str_eq(c, "ab c");
	free(c);
	/* A wide character takes two columns, a combining mark none. */
	ck_assert_int_eq(md_cols("\xe6\x97\xa5\xe6\x9c\xac", 6), 4);
	ck_assert_int_eq(md_cols("e\xcc\x81", 3), 1);
	ck_assert_int_eq(md_cols("\xe2\x80\x94", 3), 1);
	ck_assert_int_eq(md_cols_bytes("\xe6\x97\xa5\xe6\x9c\xac", 6, 3), 3);
	/* Wrapped text with wide characters stays inside the width. */
	md_doc d = { 0 };
	char wide[400] = "";
	for (int i = 0; i < 60; i++)
		strcat(wide, "\xe6\x97\xa5");
	ck_assert_int_eq(md_wrap(&d, wide, 30, "", "> ", MD_TEXT), 0);
	assert_fits(&d, 30);
	ck_assert_int_eq(d.n, 5); /* 120 columns: 30, then 28 per row */
	md_free(&d);
}
END_TEST

START_TEST(test_md_wrap_prefers_spaces)
{
	md_doc d = { 0 };
	ck_assert_int_eq(md_wrap(&d, "error: has no member named 'totl'; did you mean 'total'?", 30,
				 "  ", "> ", MD_TEXT), 0);
	ck_assert_int_eq(d.n, 3);
	ck_assert_str_eq(d.lines[0].text, "  error: has no member named");
	ck_assert_str_eq(d.lines[1].text, "  > 'totl'; did you mean");
	ck_assert_str_eq(d.lines[2].text, "  > 'total'?");
	ck_assert(has_span(&d.lines[1], ">", MD_MARK));
	md_free(&d);
}
END_TEST

/* A result made by hand, as the engine fills it. */
static char chk_name[] = "no-crash", msg_text[] = "Not judged: killed by SIGSEGV.",
	    title[] = "Crash", lid[] = "crash", verdict[] = "the exercise was killed by SIGSEGV",
	    empty[] = "";
static axl_check chk = { .name = chk_name };

START_TEST(test_result_shows_crash_line)
{
	char dir[] = "/tmp/axresXXXXXX";
	ck_assert_ptr_nonnull(mkdtemp(dir));
	char file[300];
	snprintf(file, sizeof file, "%s/ex.c", dir);
	FILE *f = fopen(file, "w");
	fputs("int main(void)\n{\n\tint *p = 0;\n\treturn *p;\n}\n", f);
	fclose(f);
	axc_frame stack[] = {
		{ .function = "strlen", .file = "../string/strlen.S", .line = 9 },
		{ .function = "work__body", .file = file, .line = 4, .user = true },
		{ .function = "ax__task_run", .file = "../runtime/task.c", .line = 218 },
		{ .function = "main", .file = file, .line = 2, .user = true },
	};
	axc_crash crash = { .signal_name = "SIGSEGV", .stack = stack, .nstack = 4 };
	axc_report rep = { .crash = &crash };
	axl_mark m = { .check = &chk, .message = msg_text };
	axl_lesson l = { .title = title, .id = lid };
	axl_result r = { .lesson = &l, .end = AXL_END_SIGNAL, .verdict = verdict,
			 .build_output = empty, .out = empty, .err = empty,
			 .marks = &m, .nmarks = 1, .nfailed = 1, .report = &rep };
	char *md = lab_result_markdown(&r, &l, file);
	ck_assert_ptr_nonnull(md);
	char want[400];
	snprintf(want, sizeof want, "killed by **SIGSEGV** at `%s:4`, in `work`", file);
	ck_assert_msg(strstr(md, want), "%s", md);
	ck_assert_ptr_nonnull(strstr(md, "    4 | \treturn *p;"));
	snprintf(want, sizeof want, "- `%s:2` in `main`", file);
	ck_assert_ptr_nonnull(strstr(md, want));
	ck_assert_ptr_null(strstr(md, "strlen")); /* library frames are not the learner's */
	free(md);
	unlink(file);
	rmdir(dir);
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
	{ "welcome", "Welcome", ST_DONE, 0 },
	{ "async-fn", "An async function", ST_CURRENT, 1 },
	{ "await", "Awaiting in sequence", ST_LATER, 2 },
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


START_TEST(test_app_hint_key_in_hint_page)
{
	app a;
	app_init(&a, L3, 3);
	app_key(&a, K_ENTER);
	ck_assert_int_eq(app_key(&a, 'h'), A_HINT);
	/* The lab shows the hint in the pager; h there asks for the next. */
	a.back = a.view;
	a.view = V_PAGER;
	a.pager = PG_HINT;
	ck_assert_int_eq(app_key(&a, 'h'), A_HINT);
	ck_assert_ptr_nonnull(strstr(app_prompt(&a), "h next hint"));
	/* Not in the solution's page. */
	a.pager = PG_SOLUTION;
	ck_assert_int_eq(app_key(&a, 'h'), A_NONE);
}
END_TEST

START_TEST(test_app_search_reset_after_open)
{
	app a;
	app_init(&a, L3, 3);
	app_key(&a, '/');
	app_key(&a, 'a');
	app_key(&a, 'w');
	app_key(&a, K_ENTER);
	ck_assert_str_eq(a.search, "aw");
	ck_assert_int_eq(a.sel, 2);
	ck_assert_int_eq(app_key(&a, K_ENTER), A_OPEN);
	ck_assert_int_eq(a.cur, 2);
	/* Back in the list, every lesson shows again. */
	app_key(&a, 'l');
	ck_assert_int_eq(a.view, V_LIST);
	ck_assert_str_eq(a.search, "");
	for (int i = 0; i < 3; i++)
		ck_assert(app_matches(&a, i));
}
END_TEST

START_TEST(test_app_sideways_scroll)
{
	app a;
	app_init(&a, L3, 3);
	app_key(&a, K_ENTER);
	a.hmax = 50;
	a.hpage = 40;
	app_key(&a, K_RIGHT);
	ck_assert_int_eq(a.hscroll, 20);
	app_key(&a, K_RIGHT);
	app_key(&a, K_RIGHT);
	ck_assert_int_eq(a.hscroll, 50);
	ck_assert_ptr_nonnull(strstr(app_prompt(&a), "sideways"));
	app_key(&a, K_LEFT);
	ck_assert_int_eq(a.hscroll, 30);
	app_key(&a, 'g');
	ck_assert_int_eq(a.hscroll, 0);
	a.hmax = 0;
	app_key(&a, K_RIGHT);
	ck_assert_int_eq(a.hscroll, 0);
	ck_assert_ptr_null(strstr(app_prompt(&a), "sideways"));
}
END_TEST

START_TEST(test_app_numbers_and_time)
{
	app_lesson c[2] = { { "welcome", "Welcome", ST_DONE, 0 }, { "join", "Join", ST_CURRENT, 4 } };
	app a;
	app_init(&a, c, 2);
	char buf[64];
	ck_assert_str_eq(app_lesson_number(&a, 1, buf, sizeof buf), "04");
	a.course = 1;
	ck_assert_str_eq(app_lesson_number(&a, 1, buf, sizeof buf), "04 (2/2)");
	/* Search by the lesson's own number, not its place. */
	strcpy(a.search, "4");
	ck_assert(app_matches(&a, 1));
	strcpy(a.search, "2");
	ck_assert(!app_matches(&a, 1));
	ck_assert_str_eq(app_time_text(12 * 60 + 5, 20, 0, buf, sizeof buf), "8 of 20 min left");
	ck_assert_str_eq(app_time_text(25 * 60, 20, 0, buf, sizeof buf), "5 min over the 20 min box");
	ck_assert_str_eq(app_time_text(12 * 60, 20, 1, buf, sizeof buf), "passed in 12 of 20 min");
	ck_assert_str_eq(app_time_text(3 * 60, 0, 0, buf, sizeof buf), "3 min so far");
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
	tcase_add_test(tc, test_md_output_wraps_with_mark);
	tcase_add_test(tc, test_md_code_is_clipped_not_wrapped);
	tcase_add_test(tc, test_md_clean_and_widths);
	tcase_add_test(tc, test_md_wrap_prefers_spaces);
	tcase_add_test(tc, test_result_shows_crash_line);
	tcase_add_test(tc, test_timeline_grid);
	tcase_add_test(tc, test_app_list_navigation_and_search);
	tcase_add_test(tc, test_app_quit_says_which_view);
	tcase_add_test(tc, test_app_lesson_actions);
	tcase_add_test(tc, test_app_keys_ignored_while_checking);
	tcase_add_test(tc, test_app_scrolling);
	tcase_add_test(tc, test_app_hint_key_in_hint_page);
	tcase_add_test(tc, test_app_search_reset_after_open);
	tcase_add_test(tc, test_app_sideways_scroll);
	tcase_add_test(tc, test_app_numbers_and_time);
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
