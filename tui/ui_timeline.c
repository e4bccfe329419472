/* ui_timeline.c - the timeline screen: the grid timeline.c lays out, one
 * row per task, with its time axis and a legend. */
#include "config.h"

#include "ui_int.h"

#include <stdio.h>
#include <string.h>

/* The axis: 0 and the end of the run in ms, or, for a run in which no time
 * passed, its events in order and why. */
static void draw_axis(const tl_grid *g, int lw)
{
	char e[48];
	mvprintw(1, 1, "%-*s", lw - 1, "task");
	if (g->by_order) {
		mvaddstr(1, lw, "start");
		snprintf(e, sizeof e, "end (%llu events)", (unsigned long long)g->steps);
		mvaddstr(1, lw + g->cols - (int)strlen(e), e);
		return;
	}
	double end_ms = (double)g->run_ns / 1e6;
	mvprintw(1, lw, "0 ms");
	snprintf(e, sizeof e, "%.1f ms", end_ms);
	mvaddstr(1, lw + g->cols - (int)strlen(e), e);
	if (!g->instant) {
		snprintf(e, sizeof e, "%.1f", end_ms / 2);
		mvaddstr(1, lw + g->cols / 2 - (int)strlen(e) / 2, e);
	}
}

/* Why a run's axis has no time on it, for the line under the grid. */
static const char *instant_text(const tl_grid *g)
{
	if (!g->instant)
		return NULL;
	if (g->by_order)
		return g->virtual_clock
			       ? "no virtual time passed (no timer): columns are the events in order"
			       : "the run took less than one tick of the clock: columns are the "
				 "events in order";
	return g->virtual_clock ? "no virtual time passed (no timer): the whole run is at 0 ms"
				: "the whole run took less than one tick of the clock: all at 0 ms";
}

static void cell(const tl_grid *g, const tl_row *r, int y, int x, int c)
{
	const char *ch = " ";
	int p = 0;
	switch (r->cells[c]) {
	case TL_ALIVE:
		ch = ui__opts.ascii ? "-" : "\xe2\x94\x80";
		p = P_MARK;
		break;
	case TL_POLL:
		ch = ui__opts.ascii ? "#" : "\xe2\x96\x88";
		p = P_POLL;
		break;
	case TL_LOCK:
		ch = ui__opts.ascii ? "=" : "\xe2\x96\x92";
		p = P_LOCK;
		break;
	case TL_BLOCKED:
		ch = "X";
		p = P_BLOCKED;
		break;
	case TL_STALL:
		ch = "!";
		p = P_STALL;
		break;
	}
	(void)g;
	if (p)
		attron(ui__pair(p));
	mvaddstr(y, x, ch);
	if (p)
		attroff(ui__pair(p));
}

/* The lines under the grid, wrapped at spaces to the screen's width under
 * a continuation mark, so that every word can be read. */
#define UNDER_MAX 16

typedef struct under {
	char text[UNDER_MAX][400];
	int n;
} under;

static void under_add(under *u, const char *head, const char *text)
{
	if (u->n < UNDER_MAX)
		snprintf(u->text[u->n++], sizeof u->text[0], "%s%s", head, text);
}

/* Rows of text at width w from offset 0; with draw, drawn from row y. */
static int wrap(const char *text, int w, bool draw, int y)
{
	const char *mark = ui__glyph("\xe2\x86\xaa ", "> ");
	int rows = 0;
	size_t len = strlen(text), at = 0;
	while (at < len || rows == 0) {
		int room = rows ? w - 2 : w;
		if (room < 10)
			room = 10;
		size_t take = len - at;
		if (take > (size_t)room) {
			take = (size_t)room;
			while (take > (size_t)room / 2 && text[at + take] != ' ')
				take--;
			if (text[at + take] != ' ')
				take = (size_t)room;
		}
		if (draw) {
			move(y + rows, 0);
			clrtoeol();
			if (rows)
				mvaddstr(y + rows, 1, mark);
			else
				move(y, 1);
			addnstr(text + at, (int)take);
		}
		at += take;
		while (at < len && text[at] == ' ')
			at++;
		rows++;
	}
	return rows;
}

void ui_draw_timeline(app *a, const char *title, const tl_grid *g)
{
	erase();
	ui_title_bar(title, NULL);
	/* Under the grid: rows left out, why there is no time (if so), the
	 * locks, the end of the run, the peak; then the legend. */
	under u = { .n = 0 };
	char s[64];
	if (g->clipped) {
		snprintf(s, sizeof s, "(%d more rows not shown)", g->clipped);
		under_add(&u, "", s);
	}
	const char *why = instant_text(g);
	if (why)
		under_add(&u, "", why);
	for (int i = 0; i < g->nnotes; i++)
		under_add(&u, "", g->notes[i]);
	if (g->end[0]) {
		/* How the run ended, and who was still waiting then. */
		int waiting = 0;
		for (int i = 0; i < g->nrows; i++)
			waiting += g->rows[i].pending && g->rows[i].depth == 0;
		char e[300];
		snprintf(e, sizeof e, "%s", g->end);
		if (waiting)
			snprintf(e + strlen(e), sizeof e - strlen(e), "; %d task%s still waiting",
				 waiting, waiting == 1 ? "" : "s");
		under_add(&u, "end: ", e);
	}
	if (g->peak[0])
		under_add(&u, "", g->peak);
	int w = COLS - 2, nunder = 1;
	for (int i = 0; i < u.n; i++)
		nunder += wrap(u.text[i], w, false, 0);
	int rows = ui__content_rows(a) - 1 - nunder;
	if (rows < 1)
		rows = 1;
	a->page = rows;
	a->lines = g->nrows;
	int lw = 16;
	draw_axis(g, lw);
	for (int i = 0; i < rows && a->scroll + i < g->nrows; i++) {
		const tl_row *r = &g->rows[a->scroll + i];
		int y = 2 + i;
		mvaddnstr(y, 1, r->label, lw - 2);
		for (int c = 0; c < g->cols; c++)
			cell(g, r, y, lw + c, c);
	}
	if (g->nrows == 0)
		mvaddstr(3, lw, "no tasks were recorded in the last run");
	int ly = 1 + ui__content_rows(a) - 1;
	int y = ly - nunder + 1;
	if (y < 3)
		y = 3;
	for (int i = 0; i < u.n && y < ly; i++)
		y += wrap(u.text[i], w, true, y);
	move(ly, 0);
	clrtoeol();
	mvprintw(ly, 1, "legend: %s poll  %s waiting  %s lock held  X blocked on a lock  ! stall",
		 ui__opts.ascii ? "#" : "\xe2\x96\x88", ui__opts.ascii ? "-" : "\xe2\x94\x80",
		 ui__opts.ascii ? "=" : "\xe2\x96\x92");
	ui_draw_bars(a);
	move(2, lw);
}
