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

/* Lesson 16's numbers: the program counts the uploads it spawned, the
 * checker every task, main too; the result says so. */
START_TEST(test_result_explains_peak)
{
	axc_task tasks[] = { { .id = 1, .name = "main", .root = true }, { .id = 2 } };
	axc_report rep = { .tasks = tasks, .ntasks = 2 };
	axl_lesson l = { .title = title, .id = lid };
	axl_result r = { .lesson = &l, .end = AXL_END_EXITED, .verdict = verdict,
			 .build_output = empty, .out = empty, .err = empty, .peak_live = 241,
			 .report = &rep };
	char *md = lab_result_markdown(&r, &l, "ex.c");
	ck_assert_ptr_nonnull(md);
	ck_assert_msg(strstr(md, "Peak live tasks: 241 (the most tasks alive at once, as the "
				 "checker counted them, the main task included: a count of the "
				 "spawned tasks alone is one lower)."),
		      "%s", md);
	free(md);
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

/* A real-clock report whose times are the raw clock (hours since boot):
 * column 0 is the run's first event, the axis spans the run and no more,
 * and a poll 50 ms into a 100 ms run is drawn in the middle. */
START_TEST(test_timeline_origin)
{
	const uint64_t T = 10542519700000000ULL; /* 10 542 519.7 ms */
	axc_task tasks[] = {
		{ .id = 1, .name = "main", .spawn_ns = T, .exit_ns = (int64_t)(T + 100000000) },
	};
	axc_span spans[] = {
		{ .task = 1, .kind = AXC_SPAN_POLL, .t0 = T + 50000000, .t1 = T + 51000000 },
	};
	axc_report rep = { .tasks = tasks, .ntasks = 1, .spans = spans, .nspans = 1,
			   .stats = { .end_ns = 100000000, .polls = 2 },
			   .outcome = { .end = AXC_END_EXITED, .status = 0 } };
	tl_grid g;
	ck_assert_int_eq(tl_build(&rep, 60, 10, &g), 0);
	ck_assert_uint_eq(g.run_ns, 100000000);
	ck_assert(!g.instant);
	ck_assert_int_eq(g.rows[0].cells[0], TL_ALIVE);
	ck_assert_int_eq(g.rows[0].cells[tl_col(&g, 50500000)], TL_POLL);
	ck_assert_int_eq(g.rows[0].cells[tl_col(&g, 20000000)], TL_ALIVE);
	/* The exit is the run's last instant, in the last column. */
	ck_assert_int_eq(g.end_col, 59);
	ck_assert_int_eq(g.rows[0].cells[59], TL_ALIVE);
	ck_assert_str_eq(g.end, "the program exited with status 0");
	tl_free(&g);
}
END_TEST

/* Lesson 15's starter on the real clock: the deadlock happens within one
 * tick, every time is 0.  The grid says so, and how the run ended. */
START_TEST(test_timeline_instant_deadlock)
{
	axc_task tasks[] = {
		{ .id = 1, .name = "main", .exit_ns = -1, .state = AXC_TASK_PENDING },
		{ .id = 2, .future = "count_view", .exit_ns = -1, .state = AXC_TASK_PENDING },
		{ .id = 3, .future = "count_view", .exit_ns = -1, .state = AXC_TASK_PENDING },
	};
	axc_report rep = { .tasks = tasks, .ntasks = 3,
			   .stats = { .polls = 3 },
			   .outcome = { .end = AXC_END_STOPPED,
					.message = "task 3 (count_view) waits for a lock that "
						   "task 2 (count_view) holds" } };
	tl_grid g;
	ck_assert_int_eq(tl_build(&rep, 60, 10, &g), 0);
	ck_assert(g.instant);
	ck_assert_uint_eq(g.run_ns, 0);
	ck_assert(g.rows[2].pending);
	ck_assert_msg(strstr(g.end, "deadlock") && strstr(g.end, "task 2 (count_view) holds"),
		      "%s", g.end);
	tl_free(&g);
	/* On the virtual clock too, no time passed; without a trace there is
	 * no order to lay the events out by. */
	rep.stats.virtual_clock = true;
	ck_assert_int_eq(tl_build(&rep, 60, 10, &g), 0);
	ck_assert(g.instant && g.virtual_clock && !g.by_order);
	tl_free(&g);
}
END_TEST

/* Lesson 15's starter with the scheduler trace: every event at 0 ms of
 * the virtual clock.  The columns follow the events; task 2 holds the
 * blocking lock to the end, task 3 is blocked on it, task 4 never ran,
 * and the notes and the end line say who and why. */
#define EV(k, ...) { .kind = AXC_EV_##k, __VA_ARGS__ }
static const axc_event tl15_ev[] = {
	EV(SPAWN, .task = 1),
	EV(POLL, .task = 1),
	EV(SPAWN, .task = 2, .by = 1),
	EV(SPAWN, .task = 3, .by = 1),
	EV(SPAWN, .task = 4, .by = 1),
	EV(POLL_END, .task = 1),
	EV(POLL, .task = 2),
	EV(LOCK_ACQUIRE, .task = 2, .obj = 1, .lock_kind = 1, .file = "starter.c", .line = 16),
	EV(POLL_END, .task = 2),
	EV(POLL, .task = 3),
	EV(LOCK_WAIT, .task = 3, .obj = 1, .lock_kind = 1, .file = "starter.c", .line = 16),
};
static const axc_task tl15_tasks[] = {
	{ .id = 1, .name = "main", .exit_ns = -1, .root = true },
	{ .id = 2, .parent = 1, .future = "one_view", .exit_ns = -1 },
	{ .id = 3, .parent = 1, .future = "one_view", .exit_ns = -1 },
	{ .id = 4, .parent = 1, .future = "one_view", .exit_ns = -1 },
};

START_TEST(test_timeline_trace_deadlock)
{
	axc_report rep = { .tasks = tl15_tasks, .ntasks = 4,
			   .stats = { .polls = 3, .virtual_clock = true, .peak_live_tasks = 4 },
			   .outcome = { .end = AXC_END_STOPPED,
					.message = "task 3 (one_view) waits for a lock that "
						   "task 2 (one_view) holds" },
			   .trace = { .on = true, .events = tl15_ev, .nevents = 11 } };
	tl_grid g;
	ck_assert_int_eq(tl_build(&rep, 44, 10, &g), 0); /* 4 columns per event */
	ck_assert(g.instant && g.by_order && g.traced);
	ck_assert_int_eq(g.nrows, 4);
	ck_assert_int_eq(g.end_col, 43);
	/* main: polled at the start, then waiting to the end. */
	ck_assert_int_eq(g.rows[0].cells[tl_col(&g, 1)], TL_POLL);
	ck_assert_int_eq(g.rows[0].cells[tl_col(&g, 8)], TL_ALIVE);
	ck_assert_int_eq(g.rows[0].cells[43], TL_ALIVE);
	/* Task 2 is not alive before its spawn, holds the lock from its
	 * acquire to the end. */
	ck_assert_int_eq(g.rows[1].cells[tl_col(&g, 1)], TL_NONE);
	ck_assert_int_eq(g.rows[1].cells[tl_col(&g, 6)], TL_POLL);
	ck_assert_int_eq(g.rows[1].cells[tl_col(&g, 7)], TL_LOCK);
	ck_assert_int_eq(g.rows[1].cells[43], TL_LOCK);
	/* Task 3 is blocked on it from its wait to the end. */
	ck_assert_int_eq(g.rows[2].cells[tl_col(&g, 9)], TL_POLL);
	ck_assert_int_eq(g.rows[2].cells[tl_col(&g, 10)], TL_BLOCKED);
	ck_assert_int_eq(g.rows[2].cells[43], TL_BLOCKED);
	/* Task 4 was spawned and never polled. */
	for (int c = tl_col(&g, 4); c < 44; c++)
		ck_assert_int_eq(g.rows[3].cells[c], TL_ALIVE);
	ck_assert(g.rows[3].pending);
	ck_assert_int_eq(g.nnotes, 1);
	ck_assert_str_eq(g.notes[0], "lock 1 (blocking lock): held by #2 one_view at the end, "
				     "taken at starter.c:16; #3 one_view blocked on it (the thread waits)");
	ck_assert_msg(strstr(g.end, "deadlock") && strstr(g.end, "task 2 (one_view) holds"), "%s",
		      g.end);
	ck_assert_str_eq(g.peak, "peak: 4 tasks alive at once, the main task included");
	tl_free(&g);
}
END_TEST

/* Time passes (a timer): the axis is time from 0 to the run's end, the
 * bars are where the polls were; futures inside a join get their rows
 * under their task; waiting for the async mutex is a wait, holding it a
 * lock held, and the lock is free at the end. */
#define MS 1000000ULL
static const axc_event tlj_ev[] = {
	EV(SPAWN, .task = 1, .t = 0),
	EV(POLL, .task = 1, .t = 0),
	EV(FUTURE_CREATE, .task = 1, .future = 1, .name = "join"),
	EV(FUTURE_CREATE, .task = 1, .future = 2, .parent = 1, .name = "fetch_a"),
	EV(FUTURE_CREATE, .task = 1, .future = 3, .parent = 1, .name = "fetch_b"),
	EV(FUTURE_POLL, .task = 1, .future = 2, .parent = 1, .flag = true),
	EV(FUTURE_POLL, .task = 1, .future = 3, .parent = 1, .flag = true),
	EV(LOCK_ACQUIRE, .task = 1, .obj = 1, .lock_kind = 0),
	EV(SPAWN, .task = 2, .by = 1),
	EV(POLL_END, .task = 1),
	EV(POLL, .task = 2, .t = 0),
	EV(LOCK_WAIT, .task = 2, .obj = 1, .lock_kind = 0),
	EV(POLL_END, .task = 2, .t = 0),
	EV(POLL, .task = 1, .t = 50 * MS),
	EV(FUTURE_POLL, .task = 1, .t = 50 * MS, .future = 2, .parent = 1),
	EV(FUTURE_DROP, .task = 1, .t = 50 * MS, .future = 2, .flag = true),
	EV(LOCK_RELEASE, .task = 1, .t = 50 * MS, .obj = 1),
	EV(POLL_END, .task = 1, .t = 50 * MS),
	EV(POLL, .task = 2, .t = 50 * MS),
	EV(LOCK_ACQUIRE, .task = 2, .t = 50 * MS, .obj = 1),
	EV(LOCK_RELEASE, .task = 2, .t = 50 * MS, .obj = 1),
	EV(POLL_END, .task = 2, .t = 50 * MS),
	EV(EXIT, .task = 2, .t = 50 * MS),
	EV(POLL, .task = 1, .t = 100 * MS),
	EV(FUTURE_POLL, .task = 1, .t = 100 * MS, .future = 3, .parent = 1),
	EV(FUTURE_DROP, .task = 1, .t = 100 * MS, .future = 3, .flag = true),
	EV(POLL_END, .task = 1, .t = 100 * MS),
	EV(EXIT, .task = 1, .t = 100 * MS),
};
static const axc_task tlj_tasks[] = {
	{ .id = 1, .name = "main", .exit_ns = 100 * MS, .state = AXC_TASK_DONE, .root = true },
	{ .id = 2, .parent = 1, .future = "bump", .exit_ns = 50 * MS, .state = AXC_TASK_DONE },
};

START_TEST(test_timeline_trace_join_and_mutex)
{
	axc_report rep = { .tasks = tlj_tasks, .ntasks = 2,
			   .stats = { .polls = 5, .virtual_clock = true, .end_ns = 100 * MS,
				      .peak_live_tasks = 2 },
			   .outcome = { .end = AXC_END_EXITED },
			   .trace = { .on = true, .events = tlj_ev,
				      .nevents = sizeof tlj_ev / sizeof tlj_ev[0] } };
	tl_grid g;
	ck_assert_int_eq(tl_build(&rep, 60, 10, &g), 0);
	ck_assert(!g.by_order && !g.instant);
	ck_assert_uint_eq(g.run_ns, 100 * MS);
	ck_assert_int_eq(g.nrows, 4);
	ck_assert_str_eq(g.rows[0].label, "#1 main");
	ck_assert_str_eq(g.rows[1].label, "  fetch_a");
	ck_assert_int_eq(g.rows[1].depth, 1);
	ck_assert_uint_eq(g.rows[1].future, 2);
	ck_assert_str_eq(g.rows[2].label, "  fetch_b");
	ck_assert_str_eq(g.rows[3].label, "#2 bump");
	int c0 = tl_col(&g, 0), c50 = tl_col(&g, 50 * MS), c100 = tl_col(&g, 100 * MS);
	ck_assert_int_eq(c0, 0);
	ck_assert_int_eq(c100, g.end_col);
	/* main holds the async mutex from 0 to 50 ms, then polls at 100 ms. */
	ck_assert_int_eq(g.rows[0].cells[c0], TL_LOCK);
	ck_assert_int_eq(g.rows[0].cells[c50 - 5], TL_LOCK);
	ck_assert_int_eq(g.rows[0].cells[c50 + 5], TL_ALIVE);
	ck_assert_int_eq(g.rows[0].cells[c100], TL_POLL);
	/* fetch_a: polled at 0 and 50 ms, gone after; fetch_b to 100 ms. */
	ck_assert_int_eq(g.rows[1].cells[c0], TL_POLL);
	ck_assert_int_eq(g.rows[1].cells[c0 + 5], TL_ALIVE);
	ck_assert_int_eq(g.rows[1].cells[c50], TL_POLL);
	ck_assert_int_eq(g.rows[1].cells[c50 + 5], TL_NONE);
	ck_assert_int_eq(g.rows[2].cells[c50 + 5], TL_ALIVE);
	ck_assert_int_eq(g.rows[2].cells[c100], TL_POLL);
	/* bump waits for the mutex (a wait, not a block) until 50 ms. */
	ck_assert_int_eq(g.rows[3].cells[c0 + 5], TL_ALIVE);
	ck_assert_int_eq(g.rows[3].cells[c50], TL_LOCK);
	ck_assert_int_eq(g.rows[3].cells[c50 + 5], TL_NONE);
	for (int i = 0; i < g.nrows; i++)
		for (int c = 0; c < g.cols; c++)
			ck_assert_int_ne(g.rows[i].cells[c], TL_BLOCKED);
	ck_assert_int_eq(g.nnotes, 1);
	ck_assert_str_eq(g.notes[0], "lock 1 (async mutex): free at the end");
	ck_assert_str_eq(g.end, "the program exited with status 0");
	tl_free(&g);
	/* Rows are capped, children included. */
	ck_assert_int_eq(tl_build(&rep, 60, 2, &g), 0);
	ck_assert_int_eq(g.nrows, 2);
	ck_assert_int_eq(g.clipped, 2);
	tl_free(&g);
}
END_TEST

/* Events without an id (a lock or future the trace could not number) are
 * skipped, not the end of the trace; a trace cut at its cap gives way to
 * the spans, and the screen says why. */
static const axc_event tlodd_ev[] = {
	EV(SPAWN, .task = 1),
	EV(FUTURE_CREATE, .task = 1, .future = 0, .name = "odd"),
	EV(LOCK_WAIT, .task = 1, .obj = 0, .lock_kind = 1),
	EV(POLL, .task = 1, .t = 10 * MS),
	EV(LOCK_ACQUIRE, .task = 1, .t = 10 * MS, .obj = 1, .lock_kind = 1),
	EV(POLL_END, .task = 1, .t = 10 * MS),
	EV(EXIT, .task = 1, .t = 20 * MS),
};
static const axc_task tlodd_tasks[] = {
	{ .id = 1, .name = "main", .exit_ns = 20 * MS, .state = AXC_TASK_DONE, .root = true },
};
static const axc_span tlodd_spans[] = {
	{ .task = 1, .kind = AXC_SPAN_STALL, .t0 = 0, .t1 = 5 * MS },
};

START_TEST(test_timeline_trace_odd_and_cut)
{
	axc_report rep = { .tasks = tlodd_tasks, .ntasks = 1, .spans = tlodd_spans, .nspans = 1,
			   .stats = { .polls = 1, .end_ns = 20 * MS, .peak_live_tasks = 1 },
			   .outcome = { .end = AXC_END_EXITED },
			   .trace = { .on = true, .events = tlodd_ev, .nevents = 7 } };
	tl_grid g;
	ck_assert_int_eq(tl_build(&rep, 40, 10, &g), 0);
	ck_assert(g.traced);
	ck_assert_int_eq(g.nrows, 1);
	ck_assert_int_eq(g.rows[0].cells[tl_col(&g, 15 * MS)], TL_LOCK);
	ck_assert_int_eq(g.rows[0].cells[tl_col(&g, 2 * MS)], TL_ALIVE); /* spans unused */
	ck_assert_int_eq(g.nnotes, 1);
	ck_assert_str_eq(g.notes[0], "lock 1 (blocking lock): held by #1 main at the end");
	tl_free(&g);
	rep.trace.dropped = 5;
	ck_assert_int_eq(tl_build(&rep, 40, 10, &g), 0);
	ck_assert(!g.traced);
	ck_assert_int_eq(g.rows[0].cells[tl_col(&g, 2 * MS)], TL_STALL);
	ck_assert_int_eq(g.nnotes, 1);
	ck_assert_str_eq(g.notes[0], "the trace went over its cap (5 events left out): drawn "
				     "from the checker's timeline spans");
	tl_free(&g);
}
END_TEST

/* As the probe writes it: main's future is made in main() before the
 * runtime starts (a time on no run's clock), and a spawned task's future
 * is made inside its parent's poll.  A task's own future is its task's
 * row, not a child's; depth counts from the task. */
static const axc_event tlroot_ev[] = {
	EV(FUTURE_CREATE, .t = 62042375933076ULL, .future = 1, .name = "lesson_main"),
	EV(RT_START, .flag = true),
	EV(SPAWN, .task = 1, .future = 1, .name = "lesson_main"),
	EV(POLL, .task = 1),
	EV(FUTURE_CREATE, .task = 1, .future = 2, .parent = 1, .name = "one_view"),
	EV(SPAWN, .task = 2, .by = 1, .future = 2, .name = "one_view"),
	EV(FUTURE_CREATE, .task = 1, .future = 3, .parent = 1, .name = "join_handle"),
	EV(POLL_END, .task = 1),
	EV(POLL, .task = 2, .t = 10 * MS),
	EV(FUTURE_CREATE, .task = 2, .t = 10 * MS, .future = 4, .parent = 2, .name = "count_view"),
	EV(FUTURE_CREATE, .task = 2, .t = 10 * MS, .future = 5, .parent = 4, .name = "audit"),
	EV(POLL_END, .task = 2, .t = 10 * MS),
};
static const axc_task tlroot_tasks[] = {
	{ .id = 1, .name = "main", .exit_ns = -1, .root = true },
	{ .id = 2, .parent = 1, .future = "one_view", .exit_ns = -1 },
};

START_TEST(test_timeline_trace_task_futures)
{
	/* The stats' clock at the end is not the trace's: the trace has the
	 * run's end. */
	axc_report rep = { .tasks = tlroot_tasks, .ntasks = 2,
			   .stats = { .polls = 2, .virtual_clock = true,
				      .end_ns = 62042375933076ULL },
			   .outcome = { .end = AXC_END_EXITED },
			   .trace = { .on = true, .events = tlroot_ev,
				      .nevents = sizeof tlroot_ev / sizeof tlroot_ev[0] } };
	tl_grid g;
	ck_assert_int_eq(tl_build(&rep, 40, 10, &g), 0);
	ck_assert_uint_eq(g.origin, 0);
	ck_assert_uint_eq(g.run_ns, 10 * MS);
	ck_assert_int_eq(g.nrows, 5);
	ck_assert_str_eq(g.rows[0].label, "#1 main");
	ck_assert_str_eq(g.rows[1].label, "  join_handle");
	ck_assert_str_eq(g.rows[2].label, "#2 one_view");
	ck_assert_str_eq(g.rows[3].label, "  count_view");
	ck_assert_str_eq(g.rows[4].label, "    audit");
	ck_assert_int_eq(g.rows[4].depth, 2);
	ck_assert_int_eq(g.rows[0].cells[0], TL_POLL);
	ck_assert_int_eq(g.rows[2].cells[g.end_col], TL_POLL);
	tl_free(&g);
}
END_TEST

/* The peak the checker counted is explained when the trace differs. */
START_TEST(test_timeline_peak)
{
	axc_report rep = { .tasks = tlj_tasks, .ntasks = 2,
			   .stats = { .polls = 5, .end_ns = 100 * MS, .peak_live_tasks = 3 },
			   .outcome = { .end = AXC_END_EXITED },
			   .trace = { .on = true, .events = tlj_ev,
				      .nevents = sizeof tlj_ev / sizeof tlj_ev[0] } };
	tl_grid g;
	ck_assert_int_eq(tl_build(&rep, 60, 10, &g), 0);
	ck_assert_msg(strstr(g.peak, "peak: 3 tasks alive at once, the main task included") &&
			      strstr(g.peak, "the trace saw 2"),
		      "%s", g.peak);
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
	tcase_add_test(tc, test_result_explains_peak);
	tcase_add_test(tc, test_timeline_grid);
	tcase_add_test(tc, test_timeline_origin);
	tcase_add_test(tc, test_timeline_instant_deadlock);
	tcase_add_test(tc, test_timeline_trace_deadlock);
	tcase_add_test(tc, test_timeline_trace_join_and_mutex);
	tcase_add_test(tc, test_timeline_trace_odd_and_cut);
	tcase_add_test(tc, test_timeline_trace_task_futures);
	tcase_add_test(tc, test_timeline_peak);
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
