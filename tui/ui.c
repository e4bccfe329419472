/* ui.c - the lab's curses screens.  State comes from the models (app.c,
 * md.c, timeline.c); this file only draws and reads keys.  The terminal is
 * restored on every exit path: ui_end, atexit, and fatal signals. */
#include "config.h"

#include "ui.h"

#include <curses.h>
#include <langinfo.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum {
	P_TITLE = 1, P_DONE, P_CURRENT, P_LATER, P_HEAD, P_CODE, P_KEYWORD,
	P_TYPE, P_STRING, P_COMMENT, P_NUMBER, P_PREPROC, P_API, P_MARK,
	P_POLL, P_LOCK, P_STALL, P_PASS, P_FAIL, P_BAR
};

static ui_opts opts;
static int active;

void ui_decide(ui_opts *o, int force_color, int force_ascii)
{
	const char *nc = getenv("NO_COLOR");
	const char *term = getenv("TERM");
	o->color = !(nc && *nc);
	if (force_color >= 0)
		o->color = force_color;
	setlocale(LC_ALL, "");
	const char *cs = nl_langinfo(CODESET);
	o->ascii = (term && !strcmp(term, "dumb")) || !cs || strcmp(cs, "UTF-8") != 0;
	if (term && !strcmp(term, "dumb"))
		o->color = force_color > 0;
	if (force_ascii >= 0)
		o->ascii = force_ascii;
}

static void fatal_signal(int sig)
{
	if (active) {
		endwin();
		active = 0;
	}
	signal(sig, SIG_DFL);
	raise(sig);
}

static void at_exit_restore(void)
{
	ui_end();
}

int ui_begin(const ui_opts *o)
{
	opts = *o;
	if (!initscr())
		return -1;
	active = 1;
	atexit(at_exit_restore);
	signal(SIGSEGV, fatal_signal);
	signal(SIGABRT, fatal_signal);
	signal(SIGBUS, fatal_signal);
	signal(SIGFPE, fatal_signal);
	cbreak();
	noecho();
	keypad(stdscr, TRUE);
	nonl();
	intrflush(stdscr, FALSE);
	set_escdelay(25);
	if (opts.color && has_colors()) {
		start_color();
		use_default_colors(); /* light themes stay readable */
		init_pair(P_TITLE, COLOR_WHITE, COLOR_BLUE);
		init_pair(P_DONE, COLOR_GREEN, -1);
		init_pair(P_CURRENT, COLOR_YELLOW, -1);
		init_pair(P_LATER, -1, -1);
		init_pair(P_HEAD, COLOR_CYAN, -1);
		init_pair(P_CODE, COLOR_YELLOW, -1);
		init_pair(P_KEYWORD, COLOR_MAGENTA, -1);
		init_pair(P_TYPE, COLOR_GREEN, -1);
		init_pair(P_STRING, COLOR_RED, -1);
		init_pair(P_COMMENT, COLOR_BLUE, -1);
		init_pair(P_NUMBER, COLOR_CYAN, -1);
		init_pair(P_PREPROC, COLOR_MAGENTA, -1);
		init_pair(P_API, COLOR_CYAN, -1);
		init_pair(P_MARK, COLOR_BLUE, -1);
		init_pair(P_POLL, COLOR_GREEN, -1);
		init_pair(P_LOCK, COLOR_YELLOW, -1);
		init_pair(P_STALL, COLOR_RED, -1);
		init_pair(P_PASS, COLOR_GREEN, -1);
		init_pair(P_FAIL, COLOR_RED, -1);
		init_pair(P_BAR, COLOR_GREEN, -1);
	} else {
		opts.color = 0;
	}
	return 0;
}

void ui_end(void)
{
	if (!active)
		return;
	active = 0;
	curs_set(1);
	endwin();
}

void ui_suspend(void)
{
	def_prog_mode();
	endwin();
}

void ui_resume(void)
{
	reset_prog_mode();
	clearok(stdscr, TRUE);
	refresh();
}

static attr_t pair(int p)
{
	return opts.color ? COLOR_PAIR(p) : 0;
}

int ui_getkey(int timeout_ms)
{
	timeout(timeout_ms);
	int c = getch();
	switch (c) {
	case ERR:
		return -1;
	case KEY_UP:
		return K_UP;
	case KEY_DOWN:
		return K_DOWN;
	case KEY_PPAGE:
		return K_PGUP;
	case KEY_NPAGE:
		return K_PGDN;
	case KEY_HOME:
		return K_HOME;
	case KEY_END:
		return K_END;
	case KEY_ENTER:
	case '\r':
	case '\n':
		return K_ENTER;
	case 27:
		return K_ESC;
	case KEY_BACKSPACE:
	case 127:
	case 8:
		return K_BACKSPACE;
	case KEY_F(1):
		return K_F1;
	case KEY_RESIZE:
		return K_RESIZE;
	}
	return c;
}

int ui_too_small(void)
{
	if (COLS >= UI_MIN_COLS && LINES >= UI_MIN_LINES)
		return 0;
	erase();
	const char *m = "terminal too small (need 80x24)";
	int y = LINES / 2, x = (COLS - (int)strlen(m)) / 2;
	mvaddnstr(y > 0 ? y : 0, x > 0 ? x : 0, m, COLS);
	char now[40];
	snprintf(now, sizeof now, "now %dx%d", COLS, LINES);
	x = (COLS - (int)strlen(now)) / 2;
	if (y + 1 < LINES)
		mvaddnstr(y + 1, x > 0 ? x : 0, now, COLS);
	move(y > 0 ? y : 0, x > 0 ? x : 0);
	return 1;
}

static void title_bar(const char *title)
{
	attr_t a = opts.color ? pair(P_TITLE) : A_REVERSE;
	attron(a | A_BOLD);
	mvhline(0, 0, ' ', COLS);
	mvaddnstr(0, 1, "asynclab", COLS - 2);
	if (title && *title) {
		addnstr(opts.ascii ? " - " : " \xe2\x80\x94 ", 5);
		addnstr(title, COLS - 14);
	}
	attroff(a | A_BOLD);
}

int ui_text_width(void)
{
	int w = COLS - 4;
	return w > 100 ? 100 : w;
}

static int content_rows(void)
{
	return LINES - 4; /* title, status, progress, prompt */
}

int ui_timeline_width(void)
{
	return COLS - 18;
}

void ui_draw_bars(app *a, const char *file)
{
	int y = LINES - 3;
	move(y, 0);
	clrtoeol();
	if (a->msg[0])
		mvaddnstr(y, 1, a->msg, COLS - 2);
	/* Progress bar: text as well as colour. */
	int done = app_done_count(a), n = a->nlessons > 0 ? a->nlessons : 1;
	char lbl[64];
	snprintf(lbl, sizeof lbl, " %d/%d done ", done, a->nlessons);
	int w = 30;
	move(y + 1, 0);
	clrtoeol();
	mvaddstr(y + 1, 1, "Progress [");
	int fill = done * w / n;
	attron(pair(P_BAR) | A_BOLD);
	for (int i = 0; i < fill; i++)
		addstr(opts.ascii ? "#" : "\xe2\x96\x88");
	attroff(pair(P_BAR) | A_BOLD);
	for (int i = fill; i < w; i++)
		addstr(opts.ascii ? "-" : "\xe2\x96\x91");
	addstr("]");
	addstr(lbl);
	if (file && *file) {
		int x = getcurx(stdscr);
		mvaddnstr(y + 1, x + 1, file, COLS - x - 2);
	}
	move(y + 2, 0);
	clrtoeol();
	attron(A_BOLD);
	mvaddnstr(y + 2, 1, app_prompt(a), COLS - 2);
	attroff(A_BOLD);
}

void ui_draw_list(app *a)
{
	erase();
	title_bar("lessons");
	int rows = content_rows(), top = 1;
	/* Matching lessons in order; keep the selection visible. */
	int idx[256], n = 0;
	for (int i = 0; i < a->nlessons && n < 256; i++)
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
		mvaddstr(y, 0, sel ? (opts.ascii ? ">" : "\xe2\x96\xb6") : " ");
		attron(pair(p) | (l->status == ST_CURRENT ? A_BOLD : 0));
		mvaddstr(y, 2, st);
		attroff(pair(p) | A_BOLD);
		char line[160];
		snprintf(line, sizeof line, " %2d  %-18s %s", idx[k], l->id, l->title);
		addnstr(line, COLS - 13);
		if (sel) {
			attroff(A_REVERSE);
			cy = y;
		}
	}
	if (n == 0)
		mvaddnstr(top + 1, 2, "no lesson matches the search", COLS - 4);
	if (a->searching || a->search[0]) {
		move(LINES - 4, 0);
		clrtoeol();
		mvprintw(LINES - 4, 1, "/%s", a->search);
	}
	ui_draw_bars(a, NULL);
	if (a->searching)
		move(LINES - 4, 2 + (int)strlen(a->search));
	else
		move(cy, cx);
}

static attr_t style_attr(md_style s)
{
	switch (s) {
	case MD_H1:
		return pair(P_HEAD) | A_BOLD | A_UNDERLINE;
	case MD_H2:
		return pair(P_HEAD) | A_BOLD;
	case MD_H3:
		return A_BOLD;
	case MD_EMPH:
		return A_UNDERLINE;
	case MD_STRONG:
		return A_BOLD;
	case MD_CODE:
		return pair(P_CODE) | (opts.color ? 0 : A_BOLD);
	case MD_BLOCK:
		return 0;
	case MD_KEYWORD:
		return pair(P_KEYWORD) | A_BOLD;
	case MD_TYPE:
		return pair(P_TYPE);
	case MD_STRING:
		return pair(P_STRING);
	case MD_COMMENT:
		return pair(P_COMMENT) | (opts.color ? 0 : A_DIM);
	case MD_NUMBER:
		return pair(P_NUMBER);
	case MD_PREPROC:
		return pair(P_PREPROC);
	case MD_API:
		return pair(P_API);
	case MD_MARK:
		return pair(P_MARK);
	case MD_GOOD:
		return pair(P_PASS) | A_BOLD;
	case MD_BAD:
		return pair(P_FAIL) | A_BOLD;
	default:
		return 0;
	}
}

/* Draw one laid-out line: base text, then each span over it. */
static void draw_line(int y, int x, const md_line *ln, int maxcols)
{
	const char *t = ln->text;
	int len = (int)strlen(t);
	/* Attribute per byte: the last span covering it wins. */
	for (int i = 0; i < len;) {
		md_style st = MD_TEXT;
		for (int k = 0; k < ln->nspans; k++)
			if (i >= ln->spans[k].start && i < ln->spans[k].start + ln->spans[k].len &&
			    ln->spans[k].style != MD_BLOCK)
				st = ln->spans[k].style;
		int j = i + 1;
		while (j < len) {
			md_style sj = MD_TEXT;
			for (int k = 0; k < ln->nspans; k++)
				if (j >= ln->spans[k].start && j < ln->spans[k].start + ln->spans[k].len &&
				    ln->spans[k].style != MD_BLOCK)
					sj = ln->spans[k].style;
			if (sj != st)
				break;
			j++;
		}
		int used = md_cols(t, i);
		if (used >= maxcols)
			break;
		attr_t a = style_attr(st);
		attron(a);
		mvaddnstr(y, x + used, t + i, j - i);
		attroff(a);
		i = j;
	}
}

void ui_draw_doc(app *a, const char *title, const md_doc *doc)
{
	erase();
	title_bar(title);
	int rows = content_rows();
	a->page = rows;
	a->lines = doc->n;
	if (a->scroll > doc->n - 1)
		a->scroll = doc->n > 0 ? doc->n - 1 : 0;
	int x = (COLS - ui_text_width()) / 2;
	if (x > 2)
		x = 2;
	for (int i = 0; i < rows && a->scroll + i < doc->n; i++)
		draw_line(1 + i, x, &doc->lines[a->scroll + i], COLS - x - 1);
	if (doc->n > rows) {
		char pos[32];
		snprintf(pos, sizeof pos, " %d-%d/%d ", a->scroll + 1,
			 a->scroll + rows < doc->n ? a->scroll + rows : doc->n, doc->n);
		mvaddstr(0, COLS - (int)strlen(pos) - 1, pos);
	}
	ui_draw_bars(a, NULL);
	move(1, x);
}

void ui_draw_timeline(app *a, const char *title, const tl_grid *g)
{
	erase();
	title_bar(title);
	int rows = content_rows() - 3; /* axis + legend */
	a->page = rows;
	a->lines = g->nrows;
	int lw = 16;
	/* Axis: 0 and the end, in ms. */
	double end_ms = (double)g->t_end / 1e6;
	mvprintw(1, 1, "%-*s", lw - 1, "task");
	mvprintw(1, lw, "0 ms");
	char e[32];
	snprintf(e, sizeof e, "%.1f ms", end_ms);
	mvaddstr(1, lw + g->cols - (int)strlen(e), e);
	snprintf(e, sizeof e, "%.1f", end_ms / 2);
	mvaddstr(1, lw + g->cols / 2 - (int)strlen(e) / 2, e);
	for (int i = 0; i < rows && a->scroll + i < g->nrows; i++) {
		const tl_row *r = &g->rows[a->scroll + i];
		int y = 2 + i;
		mvaddnstr(y, 1, r->label, lw - 2);
		for (int c = 0; c < g->cols; c++) {
			const char *ch = " ";
			int p = 0;
			switch (r->cells[c]) {
			case TL_ALIVE:
				ch = opts.ascii ? "-" : "\xe2\x94\x80";
				p = P_MARK;
				break;
			case TL_POLL:
				ch = opts.ascii ? "#" : "\xe2\x96\x88";
				p = P_POLL;
				break;
			case TL_LOCK:
				ch = opts.ascii ? "=" : "\xe2\x96\x92";
				p = P_LOCK;
				break;
			case TL_STALL:
				ch = "!";
				p = P_STALL;
				break;
			}
			if (p)
				attron(pair(p));
			mvaddstr(y, lw + c, ch);
			if (p)
				attroff(pair(p));
		}
	}
	if (g->nrows == 0)
		mvaddstr(3, lw, "no tasks were recorded in the last run");
	int ly = LINES - 5;
	move(ly, 0);
	clrtoeol();
	mvprintw(ly, 1, "legend: %s poll   %s waiting   %s blocking lock held   ! stall (blocking call or long poll)",
		 opts.ascii ? "#" : "\xe2\x96\x88", opts.ascii ? "-" : "\xe2\x94\x80",
		 opts.ascii ? "=" : "\xe2\x96\x92");
	if (g->clipped)
		mvprintw(ly - 1, 1, "(%d more tasks not shown)", g->clipped);
	ui_draw_bars(a, NULL);
	move(2, lw);
}

static const char *const help_lines[] = {
	"Everywhere",
	"  ?  F1        this help",
	"  q  Esc       quit the current view (from the list: quit asynclab)",
	"  j k  arrows  move / scroll        g G  Home End   first / last",
	"  PgUp PgDn Space  scroll a page    Ctrl-C  quit at once",
	"",
	"Lesson list",
	"  Enter        open the selected lesson",
	"  /            search by id, title or number; Enter keeps it, Esc clears",
	"",
	"Lesson and result",
	"  r            verify now (saving the exercise also verifies it)",
	"  e            edit the exercise in $VISUAL / $EDITOR (default vi)",
	"  h            reveal the next hint (three levels)",
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
	title_bar("help");
	int rows = content_rows(), n = 0;
	while (help_lines[n])
		n++;
	a->page = rows;
	a->lines = n;
	for (int i = 0; i < rows && a->scroll + i < n; i++) {
		const char *s = help_lines[a->scroll + i];
		if (s[0] && s[0] != ' ')
			attron(A_BOLD);
		mvaddnstr(1 + i, 2, s, COLS - 3);
		attroff(A_BOLD);
	}
	ui_draw_bars(a, NULL);
	move(1, 2);
}

void ui_flush(void)
{
	curs_set(1);
	refresh();
}

void ui_drop_keys(void)
{
	flushinp();
}
