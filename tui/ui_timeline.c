/* ui_timeline.c - the timeline screen: the grid timeline.c lays out, one
 * row per task, with its time axis and a legend. */
#include "config.h"

#include "ui_int.h"

#include <stdio.h>
#include <string.h>

void ui_draw_timeline(app *a, const char *title, const tl_grid *g)
{
	erase();
	ui_title_bar(title, NULL);
	int rows = ui__content_rows(a) - 3; /* axis + legend */
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
			case TL_STALL:
				ch = "!";
				p = P_STALL;
				break;
			}
			if (p)
				attron(ui__pair(p));
			mvaddstr(y, lw + c, ch);
			if (p)
				attroff(ui__pair(p));
		}
	}
	if (g->nrows == 0)
		mvaddstr(3, lw, "no tasks were recorded in the last run");
	int ly = 1 + ui__content_rows(a) - 1;
	move(ly, 0);
	clrtoeol();
	mvprintw(ly, 1, "legend: %s poll   %s waiting   %s blocking lock held   ! stall (blocking call or long poll)",
		 ui__opts.ascii ? "#" : "\xe2\x96\x88", ui__opts.ascii ? "-" : "\xe2\x94\x80",
		 ui__opts.ascii ? "=" : "\xe2\x96\x92");
	if (g->clipped)
		mvprintw(ly - 1, 1, "(%d more tasks not shown)", g->clipped);
	ui_draw_bars(a);
	move(2, lw);
}

