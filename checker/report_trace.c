/* report_trace.c - questions over a report's scheduler trace that more than
 * one reader asks (the lessons' trace checks, the lab's timeline, the
 * presenter): the life of every future, poll counts by name, spawns from a
 * function, overlapping lifetimes, futures alive at once, early drops,
 * aborts, wakes from elsewhere, a lock held over an await.  "At once" is
 * decided by the order of events, not their times, so the answers are the
 * same on the virtual and the real clock. */
#include "config.h"

#include "report_priv.h"

#include <stdlib.h>
#include <string.h>

static bool name_is(const char *have, const char *want)
{
	return !want || (have && !strcmp(have, want));
}

/* --- future lives ------------------------------------------------------ */

typedef struct idx {
	uint64_t id;
	size_t at; /* index in lives, plus one */
} idx;

static size_t *slot_of(idx *tab, size_t cap, uint64_t id)
{
	size_t h = (size_t)(id * 0x9E3779B97F4A7C15ull) & (cap - 1);
	while (tab[h].at && tab[h].id != id)
		h = (h + 1) & (cap - 1);
	tab[h].id = id;
	return &tab[h].at;
}

static void compute_lives(const axc_report *r)
{
	axc_report_priv *p = r->priv;
	p->lives_done = true;
	const axc_event *ev = r->trace.events;
	size_t n = r->trace.nevents, cap = 16;
	while (cap < 2 * n + 2)
		cap *= 2;
	idx *tab = calloc(cap, sizeof *tab);
	axc_future_life *lives = calloc(n ? n : 1, sizeof *lives);
	if (!tab || !lives) {
		free(tab);
		free(lives);
		return;
	}
	size_t nl = 0;
	for (size_t i = 0; i < n; i++) {
		const axc_event *e = &ev[i];
		if ((e->kind != AXC_EV_FUTURE_CREATE && e->kind != AXC_EV_FUTURE_POLL &&
		     e->kind != AXC_EV_FUTURE_DROP) || !e->future)
			continue;
		size_t *at = slot_of(tab, cap, e->future);
		if (!*at) {
			axc_future_life *l = &lives[nl++];
			*at = nl;
			l->id = e->future;
			l->name = e->name;
			l->file = e->file;
			l->line = e->line;
			l->task = e->task;
			l->parent = e->parent;
			l->first = i;
			l->t0 = e->t;
		}
		axc_future_life *l = &lives[*at - 1];
		if (!l->name)
			l->name = e->name;
		if (!l->file && e->file) {
			l->file = e->file;
			l->line = e->line;
		}
		if (!l->parent)
			l->parent = e->parent;
		if (e->kind == AXC_EV_FUTURE_POLL) {
			l->polls++;
			l->completed |= e->result == AXC_POLL_READY;
		} else if (e->kind == AXC_EV_FUTURE_DROP && !l->dropped) {
			l->dropped = true;
			l->completed |= e->flag;
			l->last = i;
			l->t1 = e->t;
		}
	}
	for (size_t i = 0; i < nl; i++)
		if (!lives[i].dropped) {
			lives[i].last = n ? n - 1 : 0;
			lives[i].t1 = n ? ev[n - 1].t : 0;
		}
	free(tab);
	p->lives = lives;
	p->nlives = nl;
}

const axc_future_life *axc_trace_futures(const axc_report *r, size_t *n)
{
	*n = 0;
	if (!r || !r->priv)
		return NULL;
	if (!r->priv->lives_done)
		compute_lives(r);
	*n = r->priv->nlives;
	return r->priv->lives;
}

/* --- counts ------------------------------------------------------------ */

uint64_t axc_trace_polls(const axc_report *r, const char *name)
{
	size_t n;
	const axc_future_life *l = axc_trace_futures(r, &n);
	uint64_t polls = 0;
	for (size_t i = 0; i < n; i++)
		if (name_is(l[i].name, name))
			polls += l[i].polls;
	return polls;
}

uint64_t axc_trace_stream_nexts(const axc_report *r, const char *name)
{
	uint64_t k = 0;
	for (size_t i = 0; r && i < r->trace.nevents; i++)
		k += r->trace.events[i].kind == AXC_EV_STREAM_NEXT &&
		     name_is(r->trace.events[i].name, name);
	return k;
}

uint64_t axc_trace_spawns_from(const axc_report *r, const char *func)
{
	uint64_t k = 0;
	for (size_t i = 0; r && i < r->trace.nevents; i++)
		k += r->trace.events[i].kind == AXC_EV_SPAWN &&
		     name_is(r->trace.events[i].func, func);
	return k;
}

bool axc_trace_overlapped(const axc_report *r, const char *a, const char *b)
{
	size_t n;
	const axc_future_life *l = axc_trace_futures(r, &n);
	for (size_t i = 0; i < n; i++) {
		if (!name_is(l[i].name, a))
			continue;
		for (size_t j = 0; j < n; j++)
			if (j != i && name_is(l[j].name, b) && l[i].first < l[j].last &&
			    l[j].first < l[i].last)
				return true;
	}
	return false;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

uint64_t axc_trace_peak_alive(const axc_report *r, const char *name)
{
	size_t n;
	const axc_future_life *l = axc_trace_futures(r, &n);
	/* Starts sort before ends at the same event: 2*index for a start,
	 * 2*index+1 for an end. */
	uint64_t *marks = malloc((2 * n + 1) * sizeof *marks);
	if (!marks)
		return 0;
	size_t m = 0;
	for (size_t i = 0; i < n; i++)
		if (name_is(l[i].name, name)) {
			marks[m++] = 2 * (uint64_t)l[i].first;
			marks[m++] = 2 * (uint64_t)l[i].last + 1;
		}
	qsort(marks, m, sizeof *marks, cmp_u64);
	uint64_t alive = 0, peak = 0;
	for (size_t i = 0; i < m; i++) {
		if (marks[i] & 1)
			alive--;
		else if (++alive > peak)
			peak = alive;
	}
	free(marks);
	return peak;
}

uint64_t axc_trace_dropped_early(const axc_report *r, const char *name)
{
	size_t n;
	const axc_future_life *l = axc_trace_futures(r, &n);
	uint64_t k = 0;
	for (size_t i = 0; i < n; i++)
		k += name_is(l[i].name, name) && l[i].dropped && !l[i].completed;
	return k;
}

static bool task_called(const axc_report *r, int64_t id, const char *name)
{
	const axc_task *t = axc_report_task(r, id);
	return t && (name_is(t->future, name) || (name && t->name && !strcmp(t->name, name)));
}

uint64_t axc_trace_aborted(const axc_report *r, const char *name)
{
	uint64_t k = 0;
	for (size_t i = 0; r && i < r->trace.nevents; i++) {
		const axc_event *e = &r->trace.events[i];
		k += e->kind == AXC_EV_EXIT && e->flag && task_called(r, e->task, name);
	}
	return k;
}

uint64_t axc_trace_woken_elsewhere(const axc_report *r, const char *name)
{
	uint64_t k = 0;
	/* Tasks with a stored waker not yet used, by task id: a small list is
	 * enough, lesson programs have few tasks waiting at once. */
	int64_t stored[256];
	size_t ns = 0;
	for (size_t i = 0; r && i < r->trace.nevents; i++) {
		const axc_event *e = &r->trace.events[i];
		if (e->kind == AXC_EV_WAKER_CLONE && ns < 256) {
			stored[ns++] = e->task;
		} else if (e->kind == AXC_EV_WAKE && e->source != AXC_WAKE_SELF) {
			for (size_t j = 0; j < ns; j++)
				if (stored[j] == e->task) {
					k += task_called(r, e->task, name);
					stored[j] = stored[--ns];
					break;
				}
		}
	}
	return k;
}

bool axc_trace_lock_over_await(const axc_report *r, int kind)
{
	/* Locks held, as (lock, task) pairs. */
	struct held {
		uint64_t lock;
		int64_t task;
	} held[64];
	size_t nh = 0;
	for (size_t i = 0; r && i < r->trace.nevents; i++) {
		const axc_event *e = &r->trace.events[i];
		if ((e->kind == AXC_EV_LOCK_ACQUIRE || e->kind == AXC_EV_LOCK_RELEASE) && kind >= 0 &&
		    e->lock_kind != kind)
			continue;
		if (e->kind == AXC_EV_LOCK_ACQUIRE && nh < 64) {
			held[nh++] = (struct held){ e->obj, e->task };
		} else if (e->kind == AXC_EV_LOCK_RELEASE) {
			for (size_t j = 0; j < nh; j++)
				if (held[j].lock == e->obj) {
					held[j] = held[--nh];
					break;
				}
		} else if (e->kind == AXC_EV_POLL_END && e->result == AXC_POLL_PENDING) {
			for (size_t j = 0; j < nh; j++)
				if (held[j].task == e->task)
					return true;
		}
	}
	return false;
}
