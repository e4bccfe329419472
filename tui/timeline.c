/* timeline.c - builds the task-by-time grid the timeline screen draws:
 * a task's life from spawn to exit, its polls, the spans it held a
 * blocking lock and the spans it stalled the executor. */
#include "timeline.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t jnum(const json_t *o, const char *k, uint64_t def)
{
	json_t *v = json_object_get(o, k);
	if (json_is_integer(v))
		return (uint64_t)json_integer_value(v);
	if (json_is_real(v))
		return (uint64_t)json_real_value(v);
	return def;
}

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

int tl_build(const json_t *report, int cols, int max_rows, tl_grid *g)
{
	memset(g, 0, sizeof *g);
	if (cols < 1)
		cols = 1;
	g->cols = cols;
	json_t *tasks = json_object_get(report, "tasks");
	json_t *spans = json_object_get(report, "timeline");
	json_t *stats = json_object_get(report, "stats");
	size_t i;
	json_t *v;

	/* The end of time: the last thing that happened. */
	uint64_t end = jnum(stats, "virtual_ns", 0);
	json_array_foreach(spans, i, v) {
		uint64_t t1 = jnum(v, "t1", 0);
		if (t1 > end)
			end = t1;
	}
	json_array_foreach(tasks, i, v) {
		uint64_t e = jnum(v, "exit_ns", 0);
		if (e > end)
			end = e;
	}
	/* Leave room so that the last instant has its own column. */
	g->t_end = end + (end / (uint64_t)cols) + 1;

	size_t ntasks = json_array_size(tasks);
	int n = ntasks < (size_t)max_rows ? (int)ntasks : max_rows;
	g->clipped = (int)ntasks - n;
	g->rows = calloc((size_t)(n ? n : 1), sizeof *g->rows);
	if (!g->rows)
		return -ENOMEM;
	for (int k = 0; k < n; k++) {
		json_t *t = json_array_get(tasks, (size_t)k);
		tl_row *r = &g->rows[g->nrows];
		r->cells = calloc((size_t)cols, 1);
		if (!r->cells) {
			tl_free(g);
			return -ENOMEM;
		}
		g->nrows++;
		r->task = (int64_t)jnum(t, "id", 0);
		const char *name = json_string_value(json_object_get(t, "name"));
		if (!name)
			name = json_string_value(json_object_get(t, "future"));
		snprintf(r->label, sizeof r->label, "#%lld %s", (long long)r->task,
			 name ? name : "");
		uint64_t s = jnum(t, "spawn_ns", 0);
		json_t *ex = json_object_get(t, "exit_ns");
		uint64_t e = json_is_integer(ex) ? (uint64_t)json_integer_value(ex) : end;
		mark(g, r, s, e, TL_ALIVE);
	}
	json_array_foreach(spans, i, v) {
		tl_row *r = row_of(g, (int64_t)jnum(v, "task", 0));
		if (!r)
			continue;
		const char *kind = json_string_value(json_object_get(v, "kind"));
		unsigned char k = TL_POLL;
		if (kind && !strcmp(kind, "stall"))
			k = TL_STALL;
		else if (kind && !strcmp(kind, "lock"))
			k = TL_LOCK;
		mark(g, r, jnum(v, "t0", 0), jnum(v, "t1", 0), k);
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
