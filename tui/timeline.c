/* timeline.c - builds the task-by-time grid the timeline screen draws:
 * a task's life from spawn to exit, its polls and waits, the locks it held
 * and the blocking lock it was blocked on, the spans it stalled the
 * executor, the futures it ran inside a join or select, and how the run
 * ended.  From the scheduler trace when the run has one, else from the
 * report's timeline spans. */
#include "timeline_int.h"

#include <errno.h>
#include <stdbool.h>
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

void tl__mark_cols(const tl_grid *g, tl_row *r, int a, int b, unsigned char k)
{
	if (!r)
		return;
	if (a < 0)
		a = 0;
	if (b >= g->cols)
		b = g->cols - 1;
	for (int c = a; c <= b; c++)
		if (r->cells[c] < k)
			r->cells[c] = k;
}

/* Mark times t0..t1 (from the origin). */
static void mark(const tl_grid *g, tl_row *r, uint64_t t0, uint64_t t1, unsigned char k)
{
	int a = tl_col(g, t0), b = tl_col(g, t1);
	if (t1 > t0 && b > a && t1 < g->t_end &&
	    (uint64_t)((long double)b * g->t_end / g->cols) == t1)
		b--; /* a span ending exactly on a boundary does not spill over */
	tl__mark_cols(g, r, a, b, k);
}

/* How the run ended, in a few words, for the line under the grid. */
static void end_text(const axc_report *r, char *buf, size_t n)
{
	const axc_outcome *o = &r->outcome;
	switch (o->end) {
	case AXC_END_EXITED:
		snprintf(buf, n, "the program exited with status %d", o->status);
		break;
	case AXC_END_SIGNAL:
		snprintf(buf, n, "the program was killed by %s",
			 o->signal_name ? o->signal_name : "a signal");
		break;
	case AXC_END_LIMIT:
		snprintf(buf, n, "the sandbox stopped the program at its %s limit",
			 o->limit == AXC_LIMIT_MEMORY	   ? "memory"
			 : o->limit == AXC_LIMIT_PROCESSES ? "process"
			 : o->limit == AXC_LIMIT_OUTPUT	   ? "output"
							   : "time");
		break;
	case AXC_END_STOPPED:
		snprintf(buf, n, "deadlock, stopped by the checker%s%s", o->message ? ": " : "",
			 o->message ? o->message : "");
		break;
	default:
		buf[0] = 0;
		return;
	}
	if (o->end != AXC_END_STOPPED && o->deadlock)
		snprintf(buf + strlen(buf), n - strlen(buf), " (after a deadlock)");
}

static void peak_text(tl_grid *g, const axc_report *r)
{
	bool root = false;
	for (size_t i = 0; i < r->ntasks; i++)
		root |= r->tasks[i].root;
	unsigned long long p = (unsigned long long)r->stats.peak_live_tasks;
	size_t k = (size_t)snprintf(g->peak, sizeof g->peak,
				    "peak: %llu task%s alive at once%s", p, p == 1 ? "" : "s",
				    root ? ", the main task included" : "");
	if (g->traced && !r->trace.dropped && k < sizeof g->peak) {
		uint64_t tp = tl__trace_peak(r);
		if (tp != r->stats.peak_live_tasks)
			snprintf(g->peak + k, sizeof g->peak - k,
				 " (the trace saw %llu: it missed spawns made before it started)",
				 (unsigned long long)tp);
	} else if (r->stats.tasks_dropped && k < sizeof g->peak) {
		snprintf(g->peak + k, sizeof g->peak - k, " (%llu tasks over the checker's cap are not drawn)",
			 (unsigned long long)r->stats.tasks_dropped);
	}
}

static tl_row *add_row(tl_grid *g, int cols)
{
	tl_row *r = &g->rows[g->nrows];
	r->cells = calloc((size_t)cols, 1);
	if (!r->cells)
		return NULL;
	g->nrows++;
	return r;
}

int tl_build(const axc_report *report, int cols, int max_rows, tl_grid *g)
{
	memset(g, 0, sizeof *g);
	if (cols < 1)
		cols = 1;
	g->cols = cols;
	/* A trace cut at its cap lacks the run's end: the spans have it. */
	g->traced = report->trace.on && report->trace.nevents > 0 && !report->trace.dropped;
	if (report->trace.on && report->trace.dropped)
		snprintf(g->notes[g->nnotes++], sizeof g->notes[0],
			 "the trace went over its cap (%llu events left out): drawn from the "
			 "checker's timeline spans",
			 (unsigned long long)report->trace.dropped);
	g->virtual_clock = report->stats.virtual_clock;

	/* The origin: the run's first event.  The report counts times from the
	 * start of the run, but a report whose times are a raw clock (the real
	 * clock's monotonic time since boot) would otherwise put every bar at
	 * the far right of an axis hours long. */
	bool any = false;
	uint64_t origin = 0, last = 0;
#define SEE(t)                           \
	do {                             \
		uint64_t t_ = (t);       \
		if (!any || t_ < origin) \
			origin = t_;     \
		if (!any || t_ > last)   \
			last = t_;       \
		any = true;              \
	} while (0)
	for (size_t i = 0; i < report->ntasks; i++) {
		SEE(report->tasks[i].spawn_ns);
		if (report->tasks[i].exit_ns >= 0)
			SEE((uint64_t)report->tasks[i].exit_ns);
	}
	for (size_t i = 0; i < report->nspans; i++) {
		SEE(report->spans[i].t0);
		SEE(report->spans[i].t1);
	}
	size_t rt0 = g->traced ? tl__trace_start(report) : 0;
	for (size_t i = 0; g->traced && i < report->trace.nevents; i++)
		SEE(tl__ev_t(report, rt0, i));
#undef SEE
	/* The end of time: the last thing that happened, or, without a trace
	 * (whose clock events say it), the runtime's clock at the end when that
	 * is later (a task sleeping until the stop). */
	if (!g->traced && report->stats.end_ns >= origin && report->stats.end_ns > last)
		last = report->stats.end_ns;
	g->origin = origin;
	uint64_t end = last - origin;
	g->run_ns = end;
	g->instant = any && end == 0 && (report->stats.polls > 0 || g->traced);
	g->by_order = g->instant && g->traced;
	end_text(report, g->end, sizeof g->end);
	if (g->by_order) {
		g->steps = report->trace.nevents;
		g->t_end = g->steps;
		g->end_col = cols - 1; /* the last event's columns run to the edge */
	} else {
		/* Leave room so that the last instant has its own column. */
		g->t_end = end + (end / (uint64_t)cols) + 1;
		g->end_col = tl_col(g, end);
	}

	build b = { .r = report, .g = g, .rt0 = rt0 };
	size_t nkids = 0;
	kid *kids = NULL;
	int64_t maxid = 0;
	for (size_t i = 0; i < report->ntasks; i++)
		if (report->tasks[i].id > maxid && report->tasks[i].id < 10000000)
			maxid = report->tasks[i].id;
	b.nts = (size_t)maxid + 1;
	b.ts = calloc(b.nts, sizeof *b.ts);
	if (!b.ts)
		return -ENOMEM;
	for (size_t id = 0; id < b.nts; id++) {
		b.ts[id].row = -1;
		b.ts[id].poll = -1;
		b.ts[id].blocked = -1;
		b.ts[id].end = -1;
	}
	int rc = g->traced ? tl__scan_trace(&b) : 0;
	if (rc < 0)
		goto out;

	/* The child futures, grouped by task: those made or polled inside
	 * another future (a join's, a select's). */
	if (b.nfs) {
		kids = malloc(b.nfs * sizeof *kids);
		if (!kids) {
			rc = -ENOMEM;
			goto out;
		}
		for (size_t k = 0; k < b.nfs; k++)
			if (b.fs[k].seen && !b.fs[k].root && b.fs[k].parent)
				kids[nkids++] = (kid){ b.fs[k].task, k };
		qsort(kids, nkids, sizeof *kids, tl__cmp_kid);
	}

	size_t total = report->ntasks + nkids;
	int n = total < (size_t)max_rows ? (int)total : max_rows;
	g->rows = calloc((size_t)(n ? n : 1), sizeof *g->rows);
	if (!g->rows) {
		rc = -ENOMEM;
		goto out;
	}
	size_t kk = 0;
	for (size_t k = 0; k < report->ntasks && g->nrows < n; k++) {
		const axc_task *t = &report->tasks[k];
		tl_row *r = add_row(g, cols);
		if (!r) {
			rc = -ENOMEM;
			goto out;
		}
		r->task = t->id;
		snprintf(r->label, sizeof r->label, "#%lld %s", (long long)r->task, tl__task_name(t));
		r->pending = t->state == AXC_TASK_PENDING;
		task_st *s = tl__tst(&b, t->id);
		if (s)
			s->row = g->nrows - 1;
		if (g->by_order) {
			int c0 = s && s->spawned ? s->start : 0;
			int c1 = s && s->exited ? s->end : g->end_col;
			tl__mark_cols(g, r, c0, c1, TL_ALIVE);
		} else {
			uint64_t e = t->exit_ns >= 0 ? (uint64_t)t->exit_ns - origin : end;
			mark(g, r, t->spawn_ns - origin, e, TL_ALIVE);
		}
		/* Its child futures, under it. */
		while (kk < nkids && kids[kk].task < t->id)
			kk++;
		for (; kk < nkids && kids[kk].task == t->id; kk++) {
			if (g->nrows >= n)
				break;
			fut *f = &b.fs[kids[kk].idx];
			tl_row *fr = add_row(g, cols);
			if (!fr) {
				rc = -ENOMEM;
				goto out;
			}
			fr->task = t->id;
			fr->future = kids[kk].idx + 1;
			fr->depth = tl__fut_depth(&b, f);
			snprintf(fr->label, sizeof fr->label, "%*s%s", 2 * fr->depth, "",
				 f->name ? f->name : "future");
			f->row = g->nrows - 1;
			int c1 = f->c1 >= 0 ? f->c1 : s && s->exited ? s->end : g->end_col;
			fr->pending = f->c1 < 0 && r->pending;
			tl__mark_cols(g, fr, f->c0, c1, TL_ALIVE);
		}
	}
	g->clipped = (int)total - g->nrows;

	if (g->traced) {
		rc = tl__walk_trace(&b);
		if (rc < 0)
			goto out;
		tl__lock_notes(g, report, &b);
	} else {
		for (size_t i = 0; i < report->nspans; i++) {
			const axc_span *s = &report->spans[i];
			tl_row *r = tl__trow(&b, s->task);
			if (!r)
				continue;
			unsigned char k = s->kind == AXC_SPAN_STALL  ? TL_STALL
					  : s->kind == AXC_SPAN_LOCK ? TL_LOCK
								     : TL_POLL;
			mark(g, r, s->t0 - origin, s->t1 - origin, k);
		}
	}
	peak_text(g, report);
out:
	free(kids);
	free(b.ts);
	free(b.fs);
	free(b.ls);
	if (rc < 0)
		tl_free(g);
	return rc;
}

void tl_free(tl_grid *g)
{
	for (int i = 0; i < g->nrows; i++)
		free(g->rows[i].cells);
	free(g->rows);
	memset(g, 0, sizeof *g);
}
