/* ui.c - the lab's curses layer: terminal set-up and restore, colours and
 * the ASCII fallback, keys, the title bar and the bottom bars (status
 * message, progress and the exercise's path, the valid keys).  The
 * screens are in ui_doc.c and ui_timeline.c.  The terminal is restored on
 * every exit path: ui_end, atexit, and fatal signals. */
#include "config.h"

#include "ui_int.h"

#include <langinfo.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

ui_opts ui__opts;
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
	ui__opts = *o;
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
	if (ui__opts.color && has_colors()) {
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
		init_pair(P_WAIT, COLOR_CYAN, -1);
		init_pair(P_BLOCKED, COLOR_MAGENTA, -1);
	} else {
		ui__opts.color = 0;
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

attr_t ui__pair(int p)
{
	return ui__opts.color ? COLOR_PAIR(p) : 0;
}

const char *ui__glyph(const char *utf8, const char *ascii)
{
	return ui__opts.ascii ? ascii : utf8;
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
	case KEY_LEFT:
		return K_LEFT;
	case KEY_RIGHT:
		return K_RIGHT;
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

/* Draw s clipped to cols columns at the cursor; an ellipsis marks a
 * cut.  Returns the columns drawn. */
static int put_clipped(const char *s, int cols)
{
	int len = (int)strlen(s), w = md_cols(s, len);
	if (w <= cols) {
		addstr(s);
		return w;
	}
	if (cols < 1)
		return 0;
	addnstr(s, md_cols_bytes(s, len, cols - 1));
	addstr(ui__glyph("\xe2\x80\xa6", "~"));
	return cols;
}

void ui_title_bar(const char *title, const char *right)
{
	attr_t a = ui__opts.color ? ui__pair(P_TITLE) : A_REVERSE;
	attron(a | A_BOLD);
	mvhline(0, 0, ' ', COLS);
	int rw = right && *right ? md_cols(right, (int)strlen(right)) + 2 : 0;
	move(0, 1);
	int x = 1 + put_clipped("asynclab", COLS - 2 - rw);
	if (title && *title && x + 3 < COLS - 1 - rw) {
		addstr(ui__glyph(" \xe2\x80\x94 ", " - "));
		put_clipped(title, COLS - 1 - rw - (x + 3));
	}
	if (rw)
		mvaddstr(0, COLS - rw, right);
	attroff(a | A_BOLD);
}

attr_t ui_style(md_style s)
{
	int c = ui__opts.color;
	switch (s) {
	case MD_H1:
		return ui__pair(P_HEAD) | A_BOLD | A_UNDERLINE;
	case MD_H2:
		return ui__pair(P_HEAD) | A_BOLD;
	case MD_H3:
		return A_BOLD;
	case MD_EMPH:
		return A_UNDERLINE;
	case MD_STRONG:
		return A_BOLD;
	case MD_CODE:
		return ui__pair(P_CODE) | (c ? 0 : A_BOLD);
	case MD_BLOCK:
		return 0;
	case MD_KEYWORD:
		return ui__pair(P_KEYWORD) | A_BOLD;
	case MD_TYPE:
		return ui__pair(P_TYPE);
	case MD_STRING:
		return ui__pair(P_STRING);
	case MD_COMMENT:
		return ui__pair(P_COMMENT) | (c ? 0 : A_DIM);
	case MD_NUMBER:
		return ui__pair(P_NUMBER);
	case MD_PREPROC:
		return ui__pair(P_PREPROC);
	case MD_API:
		return ui__pair(P_API);
	case MD_MARK:
		return ui__pair(P_MARK);
	case MD_GOOD:
		return ui__pair(P_PASS) | A_BOLD;
	case MD_BAD:
		return ui__pair(P_FAIL) | A_BOLD;
	default:
		return 0;
	}
}

int ui_text_width(void)
{
	int w = COLS - 4;
	return w > 100 ? 100 : w;
}

int ui_timeline_width(void)
{
	return COLS - 18;
}

/* The bottom bars, laid out for the screen's width: the status message
 * wrapped (at most MSG_ROWS rows), the progress bar with the exercise's
 * path beside it or, when it does not fit there, on rows of its own, and
 * the valid keys, wrapped between keys. */
#define MSG_ROWS 4
#define BAR_MIN 10
#define BAR_MAX 30

typedef struct bottom {
	md_doc msg, path, keys;
	int bar;      /* cells of the progress bar; -1: no progress line */
	int path_own; /* the path has rows of its own */
	int rows;
} bottom;

/* Wrap the prompt between its "key  word" groups. */
static void wrap_keys(md_doc *d, const char *prompt, int width)
{
	md_line *ln = md_doc_add(d);
	int col = 0;
	for (const char *p = prompt; ln && *p;) {
		const char *e = strstr(p, "  ");
		int len = e ? (int)(e - p) : (int)strlen(p), w = md_cols(p, len);
		if (col > 0 && col + 2 + w > width) {
			if (!(ln = md_doc_add(d)))
				break;
			col = 0;
		}
		if (col > 0) {
			md_line_add(ln, "  ", 2, MD_TEXT);
			col += 2;
		}
		md_line_add(ln, p, len, MD_TEXT);
		col += w;
		p = e ? e + 2 : p + len;
	}
}

static void bottom_layout(bottom *b, const char *msg, const char *file, int progress,
			  const char *prompt)
{
	memset(b, 0, sizeof *b);
	int width = COLS - 2;
	if (msg && *msg) {
		char *clean = md_clean(msg, (int)strlen(msg), 0);
		if (clean)
			md_wrap(&b->msg, clean, width, "", md_cont_mark(ui__opts.ascii), MD_TEXT);
		free(clean);
		if (b->msg.n > MSG_ROWS) {
			/* Say that more was cut rather than cut silently. */
			md_line *last = &b->msg.lines[MSG_ROWS - 1];
			int len = (int)strlen(last->text);
			last->text[md_cols_bytes(last->text, len, width - 1)] = 0;
			md_line_add(last, ui__glyph("\xe2\x80\xa6", "~"), ui__opts.ascii ? 1 : 3, MD_MARK);
			while (b->msg.n > MSG_ROWS) {
				md_line *x = &b->msg.lines[--b->msg.n];
				free(x->text);
				free(x->spans);
			}
		}
	}
	b->bar = -1;
	if (progress) {
		/* " Progress [" bar "] 17/17 done " then the path. */
		int fixed = 10 + 1 + 12, fw = file ? md_cols(file, (int)strlen(file)) + 1 : 0;
		b->bar = width - fixed - fw;
		if (b->bar > BAR_MAX)
			b->bar = BAR_MAX;
		if (b->bar < BAR_MIN) {
			b->bar = BAR_MAX < width - fixed ? BAR_MAX : width - fixed;
			if (file) {
				b->path_own = 1;
				char *clean = md_clean(file, (int)strlen(file), 0);
				if (clean)
					md_wrap(&b->path, clean, width, "", md_cont_mark(ui__opts.ascii), MD_TEXT);
				free(clean);
			}
		}
	}
	wrap_keys(&b->keys, prompt, width);
	b->rows = (b->msg.n ? b->msg.n : 1) + (progress ? 1 + b->path.n : 0) + b->keys.n;
}

static void bottom_free(bottom *b)
{
	md_free(&b->msg);
	md_free(&b->path);
	md_free(&b->keys);
}

int ui__content_rows(const app *a)
{
	bottom b;
	bottom_layout(&b, a->msg, a->file, 1, app_prompt(a));
	int rows = LINES - 1 - b.rows;
	bottom_free(&b);
	return rows > 1 ? rows : 1;
}

static void draw_bottom(const bottom *b, const app *a, const char *file)
{
	int y = LINES - b->rows;
	for (int i = y; i < LINES; i++) {
		move(i, 0);
		clrtoeol();
	}
	for (int i = 0; i < b->msg.n; i++)
		ui__draw_line(y + i, 1, &b->msg.lines[i], COLS - 2, 0);
	y += b->msg.n ? b->msg.n : 1;
	if (b->bar >= 0 && a) {
		/* Progress: text as well as colour. */
		int done = app_done_count(a), n = a->nlessons > 0 ? a->nlessons : 1;
		mvaddstr(y, 1, "Progress [");
		int fill = done * b->bar / n;
		attron(ui__pair(P_BAR) | A_BOLD);
		for (int i = 0; i < fill; i++)
			addstr(ui__glyph("\xe2\x96\x88", "#"));
		attroff(ui__pair(P_BAR) | A_BOLD);
		for (int i = fill; i < b->bar; i++)
			addstr(ui__glyph("\xe2\x96\x91", "-"));
		printw("] %d/%d done", done, a->nlessons);
		if (file && !b->path_own) {
			addstr(" ");
			char *clean = md_clean(file, (int)strlen(file), 0);
			put_clipped(clean ? clean : "", COLS - 1 - getcurx(stdscr));
			free(clean);
		}
		y++;
		for (int i = 0; i < b->path.n; i++)
			ui__draw_line(y++, 1, &b->path.lines[i], COLS - 2, 0);
	}
	attron(A_BOLD);
	for (int i = 0; i < b->keys.n; i++)
		ui__draw_line(y + i, 1, &b->keys.lines[i], COLS - 2, 0);
	attroff(A_BOLD);
}

void ui_draw_bars(app *a)
{
	bottom b;
	bottom_layout(&b, a->msg, a->file, 1, app_prompt(a));
	draw_bottom(&b, a, a->file);
	bottom_free(&b);
}

void ui_draw_screen(const char *title, const md_doc *body, int scroll, const char *status,
		    const char *prompt)
{
	erase();
	ui_title_bar(title, NULL);
	bottom b;
	bottom_layout(&b, status, NULL, 0, prompt ? prompt : "");
	int rows = LINES - 1 - b.rows;
	for (int i = 0; body && i < rows && scroll + i < body->n; i++)
		ui__draw_line(1 + i, 2, &body->lines[scroll + i], COLS - 3, 0);
	draw_bottom(&b, NULL, NULL);
	bottom_free(&b);
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
