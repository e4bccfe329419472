/* timeline.c - builds the task-by-time grid the timeline screen draws:
 * a task's life from spawn to exit, its polls, the spans it held a
 * blocking lock and the spans it stalled the executor. */
#include "timeline.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int tl_col(const tl_grid *g, uint64_t t)
{
	if (g->t_end == 0)
		return 0;
	if (t >= g->t_end)
		return g->cols - 1;
	int c = (int)((long double)t * g->cols / g->t_end);
	return c < g->cols ? c : g->cols - 1;
}

static void mark(tl_grid *g, tl_row *r, uint64_t t0, uint64_t t1, unsigned char k)
{
	int a = tl_col(g, t0), b = tl_col(g, t1);
	if (t1 > t0 && b > a && t1 < g->t_end &&
	    (uint64_t)((long double)b * g->t_end / g->cols) == t1)
		b--; /* a span ending exactly on a boundary does not spill over */
	for (int c = a; c <= b; c++)
		if (r->cells[c] < k)
			r->cells[c] = k;
}

static tl_row *row_of(tl_grid *g, int64_t task)
{
	for (int i = 0; i < g->nrows; i++)
		if (g->rows[i].task == task)
			return &g->rows[i];
	return NULL;
}

int tl_build(const axc_report *report, int cols, int max_rows, tl_grid *g)
{
	memset(g, 0, sizeof *g);
	if (cols < 1)
		cols = 1;
	g->cols = cols;

	/* The end of time: the last thing that happened. */
	uint64_t end = report->stats.end_ns;
	for (size_t i = 0; i < report->nspans; i++)
		if (report->spans[i].t1 > end)
			end = report->spans[i].t1;
	for (size_t i = 0; i < report->ntasks; i++)
		if (report->tasks[i].exit_ns > 0 && (uint64_t)report->tasks[i].exit_ns > end)
			end = (uint64_t)report->tasks[i].exit_ns;
	/* Leave room so that the last instant has its own column. */
	g->t_end = end + (end / (uint64_t)cols) + 1;

	size_t ntasks = report->ntasks;
	int n = ntasks < (size_t)max_rows ? (int)ntasks : max_rows;
	g->clipped = (int)ntasks - n;
	g->rows = calloc((size_t)(n ? n : 1), sizeof *g->rows);
	if (!g->rows)
		return -ENOMEM;
	for (int k = 0; k < n; k++) {
		const axc_task *t = &report->tasks[k];
		tl_row *r = &g->rows[g->nrows];
		r->cells = calloc((size_t)cols, 1);
		if (!r->cells) {
			tl_free(g);
			return -ENOMEM;
		}
		g->nrows++;
		r->task = t->id;
		const char *name = t->name ? t->name : t->future;
		snprintf(r->label, sizeof r->label, "#%lld %s", (long long)r->task,
			 name ? name : "");
		uint64_t e = t->exit_ns >= 0 ? (uint64_t)t->exit_ns : end;
		mark(g, r, t->spawn_ns, e, TL_ALIVE);
	}
	for (size_t i = 0; i < report->nspans; i++) {
		const axc_span *s = &report->spans[i];
		tl_row *r = row_of(g, s->task);
		if (!r)
			continue;
		unsigned char k = s->kind == AXC_SPAN_STALL  ? TL_STALL
				  : s->kind == AXC_SPAN_LOCK ? TL_LOCK
							     : TL_POLL;
		mark(g, r, s->t0, s->t1, k);
	}
	return 0;
}

void tl_free(tl_grid *g)
{
	for (int i = 0; i < g->nrows; i++)
		free(g->rows[i].cells);
	free(g->rows);
	memset(g, 0, sizeof *g);
}
