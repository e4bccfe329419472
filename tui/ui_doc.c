/* ui_doc.c - the lab's text screens: the lesson list, laid-out documents
 * (lesson, result, hints, solution diff) and help.  A line never runs
 * past the screen's edge: text is laid out to fit (md.c), and a code line
 * wider than the screen is cut at the edge with a marker and scrolled
 * sideways. */
#include "config.h"

#include "ui_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The style of byte i: the last span covering it wins (code block spans
 * only say "this is code" and draw plain). */
static md_style style_at(const md_line *ln, int i)
{
	md_style st = MD_TEXT;
	for (int k = 0; k < ln->nspans; k++)
		if (i >= ln->spans[k].start && i < ln->spans[k].start + ln->spans[k].len &&
		    ln->spans[k].style != MD_BLOCK)
			st = ln->spans[k].style;
	return st;
}

/* Draw bytes [from, to) of ln at (y, x): the columns after the first skip,
 * at most max of them.  A wide character cut by either edge becomes
 * spaces.  Returns the columns drawn. */
static int draw_run(int y, int x, const md_line *ln, int from, int to, int skip, int max)
{
	const char *t = ln->text;
	int col = 0, drawn = 0, i = from;
	move(y, x);
	while (i < to) {
		int w, n = md_char(t + i, to - i, &w);
		if (col < skip) {
			col += w;
			i += n;
			for (; col > skip && drawn < max; col--, drawn++)
				addch(' ');
			continue;
		}
		if (drawn + w > max) {
			for (; drawn < max; drawn++)
				addch(' ');
			break;
		}
		/* A run of one style that fits. */
		md_style st = style_at(ln, i);
		int j = i + n, dw = w;
		while (j < to) {
			int w2, n2 = md_char(t + j, to - j, &w2);
			if (style_at(ln, j) != st || drawn + dw + w2 > max)
				break;
			j += n2;
			dw += w2;
		}
		attr_t a = ui_style(st);
		attron(a);
		mvaddnstr(y, x + drawn, t + i, j - i);
		attroff(a);
		drawn += dw;
		col += dw;
		i = j;
	}
	return drawn;
}

static void mark(int y, int x, const char *utf8, const char *ascii)
{
	attron(ui__pair(P_MARK) | A_REVERSE);
	mvaddstr(y, x, ui__glyph(utf8, ascii));
	attroff(ui__pair(P_MARK) | A_REVERSE);
}

void ui__draw_line(int y, int x, const md_line *ln, int maxcols, int hscroll)
{
	int len = (int)strlen(ln->text);
	if (!ln->clip) {
		draw_run(y, x, ln, 0, len, 0, maxcols);
		return;
	}
	int p = draw_run(y, x, ln, 0, ln->code, 0, maxcols);
	int avail = maxcols - p, cw = md_cols(ln->text + ln->code, len - ln->code);
	if (avail < 3)
		return;
	int left = hscroll > 0 && cw > 0, right = cw - hscroll > avail;
	int skip = hscroll + left, max = avail - left - right;
	draw_run(y, x + p + left, ln, ln->code, len, skip, max);
	if (left)
		mark(y, x + p, "\xe2\x80\xb9", "<");
	if (right)
		mark(y, x + p + avail - 1, "\xe2\x80\xba", ">");
}

/* The sideways range of a document's code lines for a screen of maxcols
 * columns: how far the widest one can scroll. */
static int doc_hmax(const md_doc *doc, int maxcols)
{
	int hmax = 0;
	for (int i = 0; i < doc->n; i++) {
		const md_line *ln = &doc->lines[i];
		if (!ln->clip)
			continue;
		int len = (int)strlen(ln->text);
		int over = md_cols(ln->text + ln->code, len - ln->code) -
			   (maxcols - md_cols(ln->text, ln->code));
		/* Two more for the markers at either end. */
		if (over > 0 && over + 2 > hmax)
			hmax = over + 2;
	}
	return hmax;
}

void ui_draw_list(app *a)
{
	erase();
	ui_title_bar(a->course ? "lessons of the course" : "lessons", NULL);
	int rows = ui__content_rows(a), top = 1;
	/* Matching lessons in order; keep the selection visible. */
	int *idx = calloc((size_t)(a->nlessons ? a->nlessons : 1), sizeof *idx), n = 0;
	if (!idx)
		return;
	for (int i = 0; i < a->nlessons; i++)
		if (app_matches(a, i))
			idx[n++] = i;
	int selpos = 0;
	for (int k = 0; k < n; k++)
		if (idx[k] == a->sel)
			selpos = k;
	int first = selpos >= rows - 1 ? selpos - (rows - 2) : 0;
	a->page = rows;
	a->lines = n;
	int cy = top, cx = 2;
	for (int k = first, y = top; k < n && y < top + rows - 1; k++, y++) {
		const app_lesson *l = &a->lessons[idx[k]];
		int sel = idx[k] == a->sel;
		const char *st = l->status == ST_DONE ? "[done]   " :
				 l->status == ST_CURRENT ? "[current]" : "[todo]   ";
		int p = l->status == ST_DONE ? P_DONE : l->status == ST_CURRENT ? P_CURRENT : P_LATER;
		if (sel)
			attron(A_REVERSE);
		mvhline(y, 0, ' ', COLS);
		mvaddstr(y, 0, sel ? ui__glyph("\xe2\x96\xb6", ">") : " ");
		attron(ui__pair(p) | (l->status == ST_CURRENT ? A_BOLD : 0));
		mvaddstr(y, 2, st);
		attroff(ui__pair(p) | A_BOLD);
		char num[32], line[200];
		app_lesson_number(a, idx[k], num, sizeof num);
		snprintf(line, sizeof line, " %-*s  %-18s %s", a->course ? 10 : 2, num, l->id, l->title);
		md_line ln = { line, NULL, 0, 0, 0 };
		int w = draw_run(y, 11, &ln, 0, (int)strlen(line), 0, COLS - 12);
		if (w == COLS - 12 && md_cols(line, (int)strlen(line)) > w)
			mvaddstr(y, COLS - 1, ui__glyph("\xe2\x80\xa6", "~"));
		if (sel) {
			attroff(A_REVERSE);
			cy = y;
		}
	}
	free(idx);
	if (n == 0)
		mvaddnstr(top + 1, 2, "no lesson matches the search", COLS - 4);
	int sy = top + rows - 1;
	if (a->searching || a->search[0]) {
		move(sy, 0);
		clrtoeol();
		mvprintw(sy, 1, "/%s", a->search);
	}
	ui_draw_bars(a);
	if (a->searching)
		move(sy, 2 + (int)strlen(a->search));
	else
		move(cy, cx);
}

void ui_draw_doc(app *a, const char *title, const char *right, const md_doc *doc)
{
	erase();
	int rows = ui__content_rows(a);
	a->page = rows;
	a->lines = doc->n;
	if (a->scroll > doc->n - 1)
		a->scroll = doc->n > 0 ? doc->n - 1 : 0;
	int x = (COLS - ui_text_width()) / 2;
	if (x > 2)
		x = 2;
	int maxcols = COLS - x - 1;
	a->hmax = doc_hmax(doc, maxcols);
	a->hpage = maxcols - 8;
	if (a->hscroll > a->hmax)
		a->hscroll = a->hmax;
	char info[160] = "";
	if (doc->n > rows)
		snprintf(info, sizeof info, "%s%s%d-%d/%d", right ? right : "", right ? "  " : "",
			 a->scroll + 1, a->scroll + rows < doc->n ? a->scroll + rows : doc->n, doc->n);
	else if (right)
		snprintf(info, sizeof info, "%s", right);
	ui_title_bar(title, info);
	for (int i = 0; i < rows && a->scroll + i < doc->n; i++)
		ui__draw_line(1 + i, x, &doc->lines[a->scroll + i], maxcols, a->hscroll);
	ui_draw_bars(a);
	move(1, x);
}

static const char *const help_lines[] = {
	"Everywhere",
	"  ?  F1        this help",
	"  q  Esc       quit the current view (from the list: quit asynclab)",
	"  j k  arrows  move / scroll        g G  Home End   first / last",
	"  PgUp PgDn Space  scroll a page    Ctrl-C  quit at once",
	"  Left Right   scroll code sideways (a marker shows where a line is cut)",
	"",
	"Lesson list",
	"  Enter        open the selected lesson",
	"  /            search by id, title or number; Enter keeps it, Esc clears",
	"",
	"Lesson and result",
	"  r            verify now (saving the exercise also verifies it)",
	"  e            edit the exercise in $VISUAL / $EDITOR (default vi)",
	"  h            reveal the next hint (three levels; h again in a hint)",
	"  s            the reference solution as a diff (after the lesson passes)",
	"  x            reset the exercise to the starter (asks y/n; keeps a backup)",
	"  t            timeline of the last run",
	"  n            next lesson         l  lesson list",
	"",
	"Timeline: one row per task over virtual time; legend at the bottom.",
	NULL
};

void ui_draw_help(app *a)
{
	erase();
	ui_title_bar("help", NULL);
	int rows = ui__content_rows(a), n = 0;
	while (help_lines[n])
		n++;
	a->page = rows;
	a->lines = n;
	for (int i = 0; i < rows && a->scroll + i < n; i++) {
		const char *s = help_lines[a->scroll + i];
		if (s[0] && s[0] != ' ')
			attron(A_BOLD);
		char text[200];
		snprintf(text, sizeof text, "%s", s);
		md_line ln = { text, NULL, 0, 0, 0 };
		draw_run(1 + i, 2, &ln, 0, (int)strlen(text), 0, COLS - 3);
		attroff(A_BOLD);
	}
	ui_draw_bars(a);
	move(1, 2);
}
