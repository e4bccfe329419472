/* timeline_trace.c - what the scheduler trace says, for the timeline's
 * grid: the futures a task ran inside a join or select, its polls, the
 * locks it held or waited for (blocked on a blocking lock; an async
 * mutex's wait is a wait), stalls, and a sentence per lock. */
#include "timeline_int.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

const char *tl__task_name(const axc_task *t)
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
	const char *nm = tl__task_name(t);
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
void tl__lock_notes(tl_grid *g, const axc_report *r, const build *b)
{
	const lock *L = b->ls;
	size_t nlocks = b->nls;
	const task_st *ts = b->ts;
	size_t nts = b->nts;
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
uint64_t tl__trace_peak(const axc_report *r)
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

size_t tl__trace_start(const axc_report *r)
{
	for (size_t i = 0; i < r->trace.nevents; i++)
		if (r->trace.events[i].kind == AXC_EV_RT_START)
			return i;
	return 0;
}

uint64_t tl__ev_t(const axc_report *r, size_t rt0, size_t i)
{
	return r->trace.events[i < rt0 ? rt0 : i].t;
}

static int ev_col(const build *b, size_t i)
{
	const tl_grid *g = b->g;
	if (g->by_order)
		return tl_col(g, i);
	uint64_t t = tl__ev_t(b->r, b->rt0, i);
	return tl_col(g, t > g->origin ? t - g->origin : 0);
}

task_st *tl__tst(build *b, int64_t id)
{
	return id > 0 && (size_t)id < b->nts ? &b->ts[id] : NULL;
}

tl_row *tl__trow(build *b, int64_t id)
{
	task_st *s = tl__tst(b, id);
	return s && s->row >= 0 ? &b->g->rows[s->row] : NULL;
}

/* The future or lock with trace id id, made room for; NULL for an id out
 * of range (skipped) or when out of memory (b->oom). */
static fut *fut_of(build *b, uint64_t id)
{
	if (id == 0 || id > 1000000)
		return NULL;
	fut *n = grow(b->fs, &b->capfs, id, sizeof *b->fs);
	if (!n) {
		b->oom = true;
		return NULL;
	}
	b->fs = n;
	if (id > b->nfs)
		b->nfs = id;
	return &b->fs[id - 1];
}

static lock *lock_of(build *b, uint64_t id)
{
	if (id == 0 || id > 100000)
		return NULL;
	lock *n = grow(b->ls, &b->capls, id, sizeof *b->ls);
	if (!n) {
		b->oom = true;
		return NULL;
	}
	b->ls = n;
	if (id > b->nls)
		b->nls = id;
	lock *l = &b->ls[id - 1];
	l->seen = true;
	return l;
}

/* First pass over the trace: the futures (who made them, inside which
 * future, when) and the tasks' spawns and exits. */
int tl__scan_trace(build *b)
{
	const axc_report *r = b->r;
	for (size_t i = 0; i < r->trace.nevents; i++) {
		const axc_event *e = &r->trace.events[i];
		int c = ev_col(b, i);
		task_st *s = tl__tst(b, e->task);
		switch (e->kind) {
		case AXC_EV_SPAWN: {
			if (s && !s->spawned) {
				s->spawned = true;
				s->start = c;
			}
			/* The task's own future is the task's row, not a child's. */
			fut *f = fut_of(b, e->future);
			if (f) {
				if (!f->seen) {
					f->seen = true;
					f->c0 = c;
					f->c1 = -1;
					f->row = -1;
				}
				f->root = true;
				f->task = e->task;
			} else if (b->oom) {
				return -ENOMEM;
			}
			break;
		}
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
			if (!f) {
				if (b->oom)
					return -ENOMEM;
				break;
			}
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

int tl__fut_depth(const build *b, const fut *f)
{
	int d = 1;
	for (int k = 0; k < 8 && f->parent && f->parent <= b->nfs; k++) {
		f = &b->fs[f->parent - 1];
		if (!f->seen || f->root || !f->parent)
			break;
		d++;
	}
	return d < 4 ? d : 4;
}

int tl__cmp_kid(const void *x, const void *y)
{
	const kid *a = x, *c = y;
	if (a->task != c->task)
		return a->task < c->task ? -1 : 1;
	return a->idx < c->idx ? -1 : a->idx > c->idx;
}

/* Second pass: polls, locks, blocked tasks, stalls, child futures. */
int tl__walk_trace(build *b)
{
	const axc_report *r = b->r;
	tl_grid *g = b->g;
	for (size_t i = 0; i < r->trace.nevents; i++) {
		const axc_event *e = &r->trace.events[i];
		int c = ev_col(b, i);
		task_st *s = tl__tst(b, e->task);
		tl_row *row = tl__trow(b, e->task);
		switch (e->kind) {
		case AXC_EV_POLL:
			if (s)
				s->poll = c;
			break;
		case AXC_EV_POLL_END:
			if (s) {
				tl__mark_cols(g, row, s->poll >= 0 ? s->poll : c, c, TL_POLL);
				s->poll = -1;
			}
			break;
		case AXC_EV_LOCK_WAIT: {
			lock *l = lock_of(b, e->obj);
			if (!l) {
				if (b->oom)
					return -ENOMEM;
				break;
			}
			l->kind = e->lock_kind;
			if (s) {
				s->lock = e->obj;
				s->blocked = e->lock_kind ? c : -1;
			}
			break;
		}
		case AXC_EV_LOCK_ACQUIRE: {
			lock *l = lock_of(b, e->obj);
			if (!l) {
				if (b->oom)
					return -ENOMEM;
				break;
			}
			if (s && s->lock == e->obj) {
				if (s->blocked >= 0)
					tl__mark_cols(g, row, s->blocked, c, TL_BLOCKED);
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
			if (!l) {
				if (b->oom)
					return -ENOMEM;
				break;
			}
			if (l->holder)
				tl__mark_cols(g, tl__trow(b, l->holder), l->since, c, TL_LOCK);
			l->holder = 0;
			break;
		}
		case AXC_EV_STALL: {
			int c1 = c;
			if (!g->by_order && e->deadline > e->t)
				c1 = tl_col(g, e->deadline > g->origin ? e->deadline - g->origin : 0);
			tl__mark_cols(g, row, c, c1, TL_STALL);
			break;
		}
		case AXC_EV_FUTURE_POLL: {
			fut *f = e->future && e->future <= b->nfs ? &b->fs[e->future - 1] : NULL;
			if (f && f->row >= 0)
				tl__mark_cols(g, &g->rows[f->row], c, c, TL_POLL);
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
		tl_row *row = tl__trow(b, (int64_t)id);
		if (s->poll >= 0)
			tl__mark_cols(g, row, s->poll, end, TL_POLL);
		if (s->blocked >= 0)
			tl__mark_cols(g, row, s->blocked, end, TL_BLOCKED);
	}
	for (size_t k = 0; k < b->nls; k++)
		if (b->ls[k].seen && b->ls[k].holder)
			tl__mark_cols(g, tl__trow(b, b->ls[k].holder), b->ls[k].since, end, TL_LOCK);
	return 0;
}
