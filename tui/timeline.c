/* timeline.c - builds the task-by-time grid the timeline screen draws:
 * a task's life from spawn to exit, its polls and waits, the locks it held
 * and the blocking lock it was blocked on, the spans it stalled the
 * executor, the futures it ran inside a join or select, and how the run
 * ended.  From the scheduler trace when the run has one, else from the
 * report's timeline spans. */
#include "timeline.h"

#include <errno.h>
#include <stdarg.h>
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

static void mark_cols(const tl_grid *g, tl_row *r, int a, int b, unsigned char k)
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
	mark_cols(g, r, a, b, k);
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

/* --- what the trace says ------------------------------------------------ */

typedef struct fut {
	uint64_t parent;
	int64_t task;
	const char *name;
	int c0, c1; /* columns: first seen, dropped (-1: never) */
	int row;    /* its row, -1 none */
	bool seen;
} fut;

typedef struct lock {
	bool seen;
	int kind;	   /* 0 async mutex, 1 blocking lock */
	int64_t holder;	   /* 0 free */
	int since;	   /* the column it was taken in */
	const char *file;  /* where the holder took it */
	int line;
	int64_t waiters[4];
	int nwaiters;
} lock;

typedef struct task_st {
	int row;	/* -1: no row */
	int poll;	/* the column its poll started in, -1 none */
	int blocked;	/* the column it blocked on a blocking lock in, -1 */
	uint64_t lock;	/* the lock it waits for (blocked or async), 0 */
	int start, end; /* alive, in columns (end -1: to the end) */
	bool spawned, exited;
} task_st;

static void *grow(void *p, size_t *cap, size_t need, size_t size)
{
	if (need <= *cap)
		return p;
	size_t n = *cap ? *cap : 16;
	while (n < need)
		n *= 2;
	char *q = realloc(p, n * size);
	if (!q)
		return NULL;
	memset(q + *cap * size, 0, (n - *cap) * size);
	*cap = n;
	return q;
}

static const char *task_name(const axc_task *t)
{
	if (!t)
		return "";
	return t->name ? t->name : t->future ? t->future : "";
}

static const axc_task *task_of(const axc_report *r, int64_t id)
{
	/* Ids are in spawn order from 1: the task is usually at id - 1. */
	if (id >= 1 && (size_t)id <= r->ntasks && r->tasks[id - 1].id == id)
		return &r->tasks[id - 1];
	for (size_t i = 0; i < r->ntasks; i++)
		if (r->tasks[i].id == id)
			return &r->tasks[i];
	return NULL;
}

static void task_ref(const axc_report *r, int64_t id, char *buf, size_t n)
{
	const axc_task *t = task_of(r, id);
	const char *nm = task_name(t);
	snprintf(buf, n, "#%lld%s%s", (long long)id, *nm ? " " : "", nm);
}

static void note(tl_grid *g, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void note(tl_grid *g, const char *fmt, ...)
{
	if (g->nnotes >= TL_NOTES)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(g->notes[g->nnotes++], sizeof g->notes[0], fmt, ap);
	va_end(ap);
}

static const char *base_name(const char *f)
{
	const char *s = f ? strrchr(f, '/') : NULL;
	return s ? s + 1 : f;
}

/* A sentence per lock that was taken or waited for: its kind, who held
 * it, who was blocked on it or waited for it, and who still held it or
 * waited when the run ended. */
static void lock_notes(tl_grid *g, const axc_report *r, const lock *L, size_t nlocks,
		       const task_st *ts, size_t nts)
{
	for (size_t i = 0; i < nlocks; i++) {
		const lock *l = &L[i];
		if (!l->seen)
			continue;
		char s[160], who[48];
		size_t k = 0;
		k += (size_t)snprintf(s + k, sizeof s - k, "lock %zu (%s)", i + 1,
				      l->kind ? "blocking lock" : "async mutex");
		if (l->holder) {
			task_ref(r, l->holder, who, sizeof who);
			k += (size_t)snprintf(s + k, k < sizeof s ? sizeof s - k : 0,
					      ": held by %s at the end", who);
			if (l->file && k < sizeof s)
				k += (size_t)snprintf(s + k, sizeof s - k, ", taken at %s:%d",
						      base_name(l->file), l->line);
		} else if (k < sizeof s) {
			k += (size_t)snprintf(s + k, sizeof s - k, ": free at the end");
		}
		for (size_t t = 0; t < nts && k < sizeof s; t++) {
			if (ts[t].lock != i + 1)
				continue;
			task_ref(r, (int64_t)t, who, sizeof who);
			k += (size_t)snprintf(s + k, sizeof s - k, "; %s %s", who,
					      ts[t].blocked >= 0 ? "blocked on it (the thread waits)"
								 : "waiting for it");
		}
		note(g, "%s", s);
	}
}

/* The most tasks alive at once by the trace's order of spawns and exits. */
static uint64_t trace_peak(const axc_report *r)
{
	uint64_t alive = 0, peak = 0;
	for (size_t i = 0; i < r->trace.nevents; i++) {
		const axc_event *e = &r->trace.events[i];
		if (e->kind == AXC_EV_SPAWN && ++alive > peak)
			peak = alive;
		else if (e->kind == AXC_EV_EXIT && alive)
			alive--;
	}
	return peak;
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
		uint64_t tp = trace_peak(r);
		if (tp != r->stats.peak_live_tasks)
			snprintf(g->peak + k, sizeof g->peak - k,
				 " (the trace saw %llu: it missed spawns made before it started)",
				 (unsigned long long)tp);
	} else if (r->stats.tasks_dropped && k < sizeof g->peak) {
		snprintf(g->peak + k, sizeof g->peak - k, " (%llu tasks over the checker's cap are not drawn)",
			 (unsigned long long)r->stats.tasks_dropped);
	}
}

/* --- building ------------------------------------------------------------ */

typedef struct build {
	const axc_report *r;
	tl_grid *g;
	task_st *ts; /* by task id */
	size_t nts;
	fut *fs; /* by future id - 1 */
	size_t nfs, capfs;
	lock *ls; /* by lock id - 1 */
	size_t nls, capls;
} build;

static int ev_col(const build *b, size_t i)
{
	const tl_grid *g = b->g;
	if (g->by_order)
		return tl_col(g, i);
	uint64_t t = b->r->trace.events[i].t;
	return tl_col(g, t > g->origin ? t - g->origin : 0);
}

static task_st *tst(build *b, int64_t id)
{
	return id > 0 && (size_t)id < b->nts ? &b->ts[id] : NULL;
}

static tl_row *trow(build *b, int64_t id)
{
	task_st *s = tst(b, id);
	return s && s->row >= 0 ? &b->g->rows[s->row] : NULL;
}

static fut *fut_of(build *b, uint64_t id)
{
	if (id == 0 || id > 1000000)
		return NULL;
	b->fs = grow(b->fs, &b->capfs, id, sizeof *b->fs);
	if (!b->fs)
		return NULL;
	if (id > b->nfs)
		b->nfs = id;
	return &b->fs[id - 1];
}

static lock *lock_of(build *b, uint64_t id)
{
	if (id == 0 || id > 100000)
		return NULL;
	b->ls = grow(b->ls, &b->capls, id, sizeof *b->ls);
	if (!b->ls)
		return NULL;
	if (id > b->nls)
		b->nls = id;
	lock *l = &b->ls[id - 1];
	l->seen = true;
	return l;
}

/* First pass over the trace: the futures (who made them, inside which
 * future, when) and the tasks' spawns and exits. */
static int scan_trace(build *b)
{
	const axc_report *r = b->r;
	for (size_t i = 0; i < r->trace.nevents; i++) {
		const axc_event *e = &r->trace.events[i];
		int c = ev_col(b, i);
		task_st *s = tst(b, e->task);
		switch (e->kind) {
		case AXC_EV_SPAWN:
			if (s && !s->spawned) {
				s->spawned = true;
				s->start = c;
			}
			break;
		case AXC_EV_EXIT:
			if (s) {
				s->exited = true;
				s->end = c;
			}
			break;
		case AXC_EV_FUTURE_CREATE:
		case AXC_EV_FUTURE_POLL:
		case AXC_EV_FUTURE_DROP: {
			fut *f = fut_of(b, e->future);
			if (!f)
				return b->fs ? 0 : -ENOMEM;
			if (!f->seen) {
				f->seen = true;
				f->task = e->task;
				f->parent = e->parent;
				f->name = e->name;
				f->c0 = c;
				f->c1 = -1;
				f->row = -1;
			}
			if (!f->parent && e->parent)
				f->parent = e->parent;
			if (!f->name && e->name)
				f->name = e->name;
			if (e->kind == AXC_EV_FUTURE_DROP)
				f->c1 = c;
			break;
		}
		default:
			break;
		}
	}
	return 0;
}

static int fut_depth(const build *b, const fut *f)
{
	int d = 1;
	for (int k = 0; k < 8 && f->parent && f->parent <= b->nfs; k++) {
		f = &b->fs[f->parent - 1];
		if (!f->seen || !f->parent)
			break;
		d++;
	}
	return d < 4 ? d : 4;
}

/* A child future, for sorting by task, then by first appearance. */
typedef struct kid {
	int64_t task;
	size_t idx;
} kid;

static int cmp_kid(const void *x, const void *y)
{
	const kid *a = x, *c = y;
	if (a->task != c->task)
		return a->task < c->task ? -1 : 1;
	return a->idx < c->idx ? -1 : a->idx > c->idx;
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

/* Second pass: polls, locks, blocked tasks, stalls, child futures. */
static int walk_trace(build *b)
{
	const axc_report *r = b->r;
	tl_grid *g = b->g;
	for (size_t i = 0; i < r->trace.nevents; i++) {
		const axc_event *e = &r->trace.events[i];
		int c = ev_col(b, i);
		task_st *s = tst(b, e->task);
		tl_row *row = trow(b, e->task);
		switch (e->kind) {
		case AXC_EV_POLL:
			if (s)
				s->poll = c;
			break;
		case AXC_EV_POLL_END:
			if (s) {
				mark_cols(g, row, s->poll >= 0 ? s->poll : c, c, TL_POLL);
				s->poll = -1;
			}
			break;
		case AXC_EV_LOCK_WAIT: {
			lock *l = lock_of(b, e->obj);
			if (!l)
				return -ENOMEM;
			l->kind = e->lock_kind;
			if (s) {
				s->lock = e->obj;
				s->blocked = e->lock_kind ? c : -1;
			}
			break;
		}
		case AXC_EV_LOCK_ACQUIRE: {
			lock *l = lock_of(b, e->obj);
			if (!l)
				return -ENOMEM;
			if (s && s->lock == e->obj) {
				if (s->blocked >= 0)
					mark_cols(g, row, s->blocked, c, TL_BLOCKED);
				s->lock = 0;
				s->blocked = -1;
			}
			l->kind = e->lock_kind;
			l->holder = e->task;
			l->since = c;
			l->file = e->file;
			l->line = e->line;
			break;
		}
		case AXC_EV_LOCK_RELEASE: {
			lock *l = lock_of(b, e->obj);
			if (!l)
				return -ENOMEM;
			if (l->holder)
				mark_cols(g, trow(b, l->holder), l->since, c, TL_LOCK);
			l->holder = 0;
			break;
		}
		case AXC_EV_STALL: {
			int c1 = c;
			if (!g->by_order && e->deadline > e->t)
				c1 = tl_col(g, e->deadline > g->origin ? e->deadline - g->origin : 0);
			mark_cols(g, row, c, c1, TL_STALL);
			break;
		}
		case AXC_EV_FUTURE_POLL: {
			fut *f = e->future && e->future <= b->nfs ? &b->fs[e->future - 1] : NULL;
			if (f && f->row >= 0)
				mark_cols(g, &g->rows[f->row], c, c, TL_POLL);
			break;
		}
		default:
			break;
		}
	}
	/* What was still going on at the end: a poll that never returned (the
	 * task blocked the thread), locks held, a task blocked on one. */
	int end = g->end_col;
	for (size_t id = 1; b->ts && id < b->nts; id++) {
		task_st *s = &b->ts[id];
		tl_row *row = trow(b, (int64_t)id);
		if (s->poll >= 0)
			mark_cols(g, row, s->poll, end, TL_POLL);
		if (s->blocked >= 0)
			mark_cols(g, row, s->blocked, end, TL_BLOCKED);
	}
	for (size_t k = 0; k < b->nls; k++)
		if (b->ls[k].seen && b->ls[k].holder)
			mark_cols(g, trow(b, b->ls[k].holder), b->ls[k].since, end, TL_LOCK);
	return 0;
}

int tl_build(const axc_report *report, int cols, int max_rows, tl_grid *g)
{
	memset(g, 0, sizeof *g);
	if (cols < 1)
		cols = 1;
	g->cols = cols;
	g->traced = report->trace.on && report->trace.nevents > 0;
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
	for (size_t i = 0; g->traced && i < report->trace.nevents; i++)
		SEE(report->trace.events[i].t);
#undef SEE
	/* The end of time: the last thing that happened, or the runtime's clock
	 * at the end when that is later (a task sleeping until the stop). */
	if (report->stats.end_ns >= origin && report->stats.end_ns > last)
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

	build b = { .r = report, .g = g };
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
	int rc = g->traced ? scan_trace(&b) : 0;
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
			if (b.fs[k].seen && b.fs[k].parent)
				kids[nkids++] = (kid){ b.fs[k].task, k };
		qsort(kids, nkids, sizeof *kids, cmp_kid);
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
		snprintf(r->label, sizeof r->label, "#%lld %s", (long long)r->task, task_name(t));
		r->pending = t->state == AXC_TASK_PENDING;
		task_st *s = tst(&b, t->id);
		if (s)
			s->row = g->nrows - 1;
		if (g->by_order) {
			int c0 = s && s->spawned ? s->start : 0;
			int c1 = s && s->exited ? s->end : g->end_col;
			mark_cols(g, r, c0, c1, TL_ALIVE);
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
			fr->depth = fut_depth(&b, f);
			snprintf(fr->label, sizeof fr->label, "%*s%s", 1 + fr->depth, "",
				 f->name ? f->name : "future");
			f->row = g->nrows - 1;
			int c1 = f->c1 >= 0 ? f->c1 : s && s->exited ? s->end : g->end_col;
			fr->pending = f->c1 < 0 && r->pending;
			mark_cols(g, fr, f->c0, c1, TL_ALIVE);
		}
	}
	g->clipped = (int)total - g->nrows;

	if (g->traced) {
		rc = walk_trace(&b);
		if (rc < 0)
			goto out;
		lock_notes(g, report, b.ls, b.nls, b.ts, b.nts);
	} else {
		for (size_t i = 0; i < report->nspans; i++) {
			const axc_span *s = &report->spans[i];
			tl_row *r = trow(&b, s->task);
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
