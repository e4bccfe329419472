/* present_model.c - the executor's state at any step of a recorded run,
 * rebuilt by applying the trace's events from the first one: stepping
 * back is replaying one event fewer, so forward and back always agree and
 * nothing is kept but the report.  A replay is linear in the step (a few
 * milliseconds for the largest trace kept), well below a key press. */
#include "config.h"

#include "present.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct grow {
	bool nomem;
} grow;

/* Make room for one more element in *v (n of them, element size sz). */
static void *more(grow *g, void *v, size_t n, size_t sz)
{
	if (g->nomem)
		return NULL;
	/* Capacity doubles at powers of two. */
	if (n && (n & (n - 1)))
		return v;
	void *nv = realloc(v, (n ? n * 2 : 1) * sz);
	if (!nv)
		g->nomem = true;
	return nv;
}

static pres_task *task(pres_state *s, int64_t id)
{
	for (size_t i = 0; i < s->ntasks; i++)
		if (s->tasks[i].id == id)
			return &s->tasks[i];
	return NULL;
}

const pres_task *pres_task_of(const pres_state *s, int64_t id)
{
	for (size_t i = 0; i < s->ntasks; i++)
		if (s->tasks[i].id == id)
			return &s->tasks[i];
	return NULL;
}

static void ready_remove(pres_state *s, int64_t id)
{
	for (size_t i = 0; i < s->nready; i++)
		if (s->ready[i] == id) {
			memmove(&s->ready[i], &s->ready[i + 1], (s->nready - i - 1) * sizeof *s->ready);
			s->nready--;
			return;
		}
}

static bool in_ready(const pres_state *s, int64_t id)
{
	for (size_t i = 0; i < s->nready; i++)
		if (s->ready[i] == id)
			return true;
	return false;
}

static pres_lock *lock(grow *g, pres_state *s, uint64_t id, int kind)
{
	for (size_t i = 0; i < s->nlocks; i++)
		if (s->locks[i].id == id)
			return &s->locks[i];
	pres_lock *nl = more(g, s->locks, s->nlocks, sizeof *nl);
	if (!nl)
		return NULL;
	s->locks = nl;
	pres_lock *L = &nl[s->nlocks++];
	memset(L, 0, sizeof *L);
	L->id = id;
	L->kind = kind;
	return L;
}

static void waiter_remove(pres_lock *L, int64_t t)
{
	for (size_t i = 0; i < L->nwaiters; i++)
		if (L->waiters[i] == t) {
			memmove(&L->waiters[i], &L->waiters[i + 1],
				(L->nwaiters - i - 1) * sizeof *L->waiters);
			L->nwaiters--;
			return;
		}
}

static void timer_remove(pres_state *s, uint64_t id)
{
	for (size_t i = 0; i < s->ntimers; i++)
		if (s->timers[i].id == id) {
			memmove(&s->timers[i], &s->timers[i + 1],
				(s->ntimers - i - 1) * sizeof *s->timers);
			s->ntimers--;
			return;
		}
}

/* A waker of t released: the newest one held for it goes. */
static void waker_remove(pres_state *s, int64_t t)
{
	for (size_t i = s->nwakers; i-- > 0;)
		if (s->wakers[i].task == t) {
			memmove(&s->wakers[i], &s->wakers[i + 1],
				(s->nwakers - i - 1) * sizeof *s->wakers);
			s->nwakers--;
			pres_task *T = task(s, t);
			if (T && T->wakers > 0)
				T->wakers--;
			return;
		}
}

static void apply(grow *g, pres_state *s, const axc_event *e)
{
	pres_task *T = e->task ? task(s, e->task) : NULL;
	uint64_t before = s->now;
	bool stall_began = false;
	if (e->t > s->now)
		s->now = e->t;
	if (e->out_len > s->out_len)
		s->out_len = e->out_len;
	if (e->file && e->line) {
		s->file = e->file;
		s->line = e->line;
	}
	switch (e->kind) {
	case AXC_EV_SPAWN: {
		if (T)
			break;
		pres_task *nt = more(g, s->tasks, s->ntasks, sizeof *nt);
		if (!nt)
			return;
		s->tasks = nt;
		T = &nt[s->ntasks++];
		memset(T, 0, sizeof *T);
		T->id = e->task;
		T->parent = e->by;
		T->future = e->name;
		break;
	}
	case AXC_EV_READY:
		if (!in_ready(s, e->task)) {
			int64_t *nr = more(g, s->ready, s->nready, sizeof *nr);
			if (!nr)
				return;
			s->ready = nr;
			s->ready[s->nready++] = e->task;
			if (T)
				T->ready_since = s->now;
		}
		if (T && T->state != PRES_RUNNING)
			T->state = PRES_READY;
		break;
	case AXC_EV_POLL:
		ready_remove(s, e->task);
		s->running = e->task;
		if (T) {
			T->state = PRES_RUNNING;
			T->polls++;
			T->wait_on = NULL;
		}
		break;
	case AXC_EV_POLL_END:
		if (s->running == e->task)
			s->running = 0;
		if (T && e->result == AXC_POLL_PENDING) {
			/* Woken during its own poll: it is back in the queue. */
			T->state = in_ready(s, e->task) ? PRES_READY : PRES_WAITING;
			T->wait_on = e->name;
			T->wait_file = e->file;
			T->wait_line = e->line;
		}
		break;
	case AXC_EV_EXIT:
		ready_remove(s, e->task);
		if (s->running == e->task)
			s->running = 0;
		if (T) {
			T->state = e->flag ? PRES_ABORTED : PRES_DONE;
			T->wait_on = NULL;
		}
		break;
	case AXC_EV_WAKER_CLONE: {
		pres_waker *nw = more(g, s->wakers, s->nwakers, sizeof *nw);
		if (!nw)
			return;
		s->wakers = nw;
		nw[s->nwakers++] = (pres_waker){ e->task, e->name, e->by };
		if (T)
			T->wakers++;
		break;
	}
	case AXC_EV_WAKER_DROP:
		waker_remove(s, e->task);
		break;
	case AXC_EV_TIMER_ARM: {
		pres_timer *nt = more(g, s->timers, s->ntimers, sizeof *nt);
		if (!nt)
			return;
		s->timers = nt;
		size_t at = s->ntimers;
		/* Kept by deadline, equal ones in the order they were armed. */
		while (at > 0 && s->timers[at - 1].deadline > e->deadline)
			at--;
		memmove(&s->timers[at + 1], &s->timers[at], (s->ntimers - at) * sizeof *s->timers);
		s->timers[at] = (pres_timer){ e->obj, e->task, e->deadline };
		s->ntimers++;
		break;
	}
	case AXC_EV_TIMER_CANCEL:
	case AXC_EV_TIMER_FIRE:
		timer_remove(s, e->obj);
		break;
	case AXC_EV_LOCK_WAIT: {
		pres_lock *L = lock(g, s, e->obj, e->lock_kind);
		if (!L)
			return;
		int64_t *nw = more(g, L->waiters, L->nwaiters, sizeof *nw);
		if (!nw)
			return;
		L->waiters = nw;
		L->waiters[L->nwaiters++] = e->task;
		if (T && e->lock_kind) {
			T->state = PRES_BLOCKED;
			T->blocked_on = e->obj;
		}
		break;
	}
	case AXC_EV_LOCK_ACQUIRE: {
		pres_lock *L = lock(g, s, e->obj, e->lock_kind);
		if (!L)
			return;
		waiter_remove(L, e->task);
		L->holder = e->task;
		L->file = e->file;
		L->line = e->line;
		if (T && T->state == PRES_BLOCKED) {
			T->state = s->running == e->task ? PRES_RUNNING : PRES_READY;
			T->blocked_on = 0;
		}
		break;
	}
	case AXC_EV_LOCK_RELEASE: {
		pres_lock *L = lock(g, s, e->obj, e->lock_kind);
		if (L && L->holder == e->task)
			L->holder = 0;
		break;
	}
	case AXC_EV_CLOCK:
		if (e->deadline > s->now)
			s->now = e->deadline;
		/* The clock moved while a task was being polled: a blocking
		 * call (a sleep on the virtual clock) held the thread from the
		 * time before. */
		if (s->running && s->now > before) {
			s->stalled_until = s->now;
			s->stall_task = s->running;
			s->stall_from = before;
			s->stall_from_known = true;
			stall_began = true;
		}
		break;
	case AXC_EV_STALL:
		if (!s->stall_from_known || s->stall_task != e->task ||
		    s->stalled_until != e->deadline)
			s->stall_from_known = false; /* not the stall the clock showed */
		s->stalled_until = e->deadline;
		s->stall_task = e->task;
		break;
	case AXC_EV_DEADLOCK:
		s->deadlock = true;
		break;
	default:
		break;
	}
	/* A stall is over once the clock has passed it (the event after the
	 * one that showed it). */
	if (e->kind != AXC_EV_STALL && !stall_began && s->stalled_until &&
	    s->now >= s->stalled_until) {
		s->stalled_until = 0;
		s->stall_from_known = false;
	}
}

void pres_state_free(pres_state *s)
{
	for (size_t i = 0; i < s->nlocks; i++)
		free(s->locks[i].waiters);
	free(s->locks);
	free(s->ready);
	free(s->tasks);
	free(s->wakers);
	free(s->timers);
	memset(s, 0, sizeof *s);
}

/* The run's time starts with its runtime: events before the first
 * rt_start (a future made in main() before block_on) carry the raw
 * monotonic clock and count as t = 0.  The first event that is timed. */
static size_t timed_from(const axc_report *r)
{
	for (size_t i = 0; i < r->trace.nevents; i++)
		if (r->trace.events[i].kind == AXC_EV_RT_START)
			return i;
	return 0;
}

static uint64_t ev_t(const axc_report *r, size_t i, size_t from)
{
	return i < from ? 0 : r->trace.events[i].t;
}

int pres_state_at(const axc_report *r, size_t k, pres_state *s)
{
	memset(s, 0, sizeof *s);
	grow g = { false };
	size_t n = r->trace.nevents;
	if (!n)
		return 0;
	if (k >= n)
		k = n - 1;
	size_t from = timed_from(r);
	for (size_t i = 0; i <= k && !g.nomem; i++) {
		axc_event e = r->trace.events[i];
		e.t = ev_t(r, i, from);
		apply(&g, s, &e);
	}
	s->step = k;
	/* Names and futures from the task table, which the trace's spawn
	 * events may leave out (a task's name is set after its spawn). */
	for (size_t i = 0; i < s->ntasks; i++) {
		const axc_task *t = axc_report_task(r, s->tasks[i].id);
		if (t) {
			s->tasks[i].name = t->name;
			if (!s->tasks[i].future)
				s->tasks[i].future = t->future;
		}
	}
	if (g.nomem) {
		pres_state_free(s);
		return -ENOMEM;
	}
	return 0;
}

const char *pres_tstate_name(pres_tstate st)
{
	static const char *const names[] = { "new", "ready", "running", "waiting", "blocked",
					     "done", "aborted" };
	return (unsigned)st < sizeof names / sizeof *names ? names[st] : "?";
}

void pres_task_label(const axc_report *r, int64_t id, char *buf, size_t n)
{
	const axc_task *t = axc_report_task(r, id);
	const char *nm = t ? (t->name ? t->name : t->future) : NULL;
	if (nm)
		snprintf(buf, n, "#%lld %s", (long long)id, nm);
	else
		snprintf(buf, n, "#%lld", (long long)id);
}

static const char *base(const char *f)
{
	const char *s = f ? strrchr(f, '/') : NULL;
	return s ? s + 1 : f ? f : "";
}

/* The task being polled when event k happened (its poll began before k
 * and had not ended), or 0 when the executor was between polls. */
static int64_t polled_at(const axc_report *r, size_t k)
{
	for (size_t i = k; i-- > 0;) {
		const axc_event *e = &r->trace.events[i];
		if (e->kind == AXC_EV_POLL)
			return e->task;
		if (e->kind == AXC_EV_POLL_END || e->kind == AXC_EV_EXIT)
			return 0;
	}
	return 0;
}

void pres_describe(const axc_report *r, size_t k, char *buf, size_t n)
{
	if (k >= r->trace.nevents) {
		snprintf(buf, n, "the end of the run");
		return;
	}
	const axc_event *e = &r->trace.events[k];
	char t[64], by[64], at[96] = "";
	pres_task_label(r, e->task, t, sizeof t);
	pres_task_label(r, e->by, by, sizeof by);
	if (e->file && e->line)
		snprintf(at, sizeof at, " at %s:%d", base(e->file), e->line);
	double ms = (double)e->deadline / 1e6;
	switch (e->kind) {
	case AXC_EV_SPAWN:
		snprintf(buf, n, "%s spawned %s (%s)%s", e->by ? by : "block_on", t,
			 e->name ? e->name : "?", at);
		break;
	case AXC_EV_READY:
		snprintf(buf, n, "%s joins the ready queue", t);
		break;
	case AXC_EV_POLL:
		snprintf(buf, n, "the executor polls %s%s", t, e->file ? at : " (its first poll)");
		break;
	case AXC_EV_POLL_END:
		if (e->result == AXC_POLL_READY)
			snprintf(buf, n, "%s returned READY: it is finished", t);
		else
			snprintf(buf, n, "%s returned PENDING, waiting on %s%s", t,
				 e->name ? e->name : "a future", at);
		break;
	case AXC_EV_EXIT:
		snprintf(buf, n, "%s %s", t, e->flag ? "was aborted" : "completed");
		break;
	case AXC_EV_WAKE: {
		static const char *const src[] = { "itself", "", "another thread", "its timer",
						   "the runtime" };
		snprintf(buf, n, "%s is woken by %s", t,
			 e->source == AXC_WAKE_TASK ? by : src[e->source % 5]);
		break;
	}
	case AXC_EV_WAKER_CLONE:
		snprintf(buf, n, "%s's waker is stored by %s", t, e->name ? e->name : "a future");
		break;
	case AXC_EV_WAKER_DROP:
		snprintf(buf, n, "a waker of %s is dropped", t);
		break;
	case AXC_EV_TIMER_ARM:
		snprintf(buf, n, "a timer for %s is set for t = %.3f ms", t, ms);
		break;
	case AXC_EV_TIMER_CANCEL:
		snprintf(buf, n, "%s's timer is cancelled", t);
		break;
	case AXC_EV_TIMER_FIRE:
		snprintf(buf, n, "the timer of %s fires", t);
		break;
	case AXC_EV_LOCK_WAIT:
		snprintf(buf, n, "%s waits for %s lock %llu%s%s", t,
			 e->lock_kind ? "the blocking" : "the async", (unsigned long long)e->obj, at,
			 e->lock_kind ? ": the whole thread stops" : "");
		break;
	case AXC_EV_LOCK_ACQUIRE:
		snprintf(buf, n, "%s takes lock %llu%s", t, (unsigned long long)e->obj, at);
		break;
	case AXC_EV_LOCK_RELEASE:
		snprintf(buf, n, "%s releases lock %llu%s", t, (unsigned long long)e->obj, at);
		break;
	case AXC_EV_FUTURE_CREATE:
		snprintf(buf, n, "%s makes the future %s%s", t, e->name ? e->name : "?", at);
		break;
	case AXC_EV_FUTURE_POLL:
		snprintf(buf, n, "%s polls %s: %s", t, e->name ? e->name : "a future",
			 e->result == AXC_POLL_READY ? "ready" : "pending");
		break;
	case AXC_EV_FUTURE_DROP:
		snprintf(buf, n, "%s drops %s%s", t, e->name ? e->name : "a future",
			 e->flag ? "" : " before it finished");
		break;
	case AXC_EV_STREAM_NEXT:
		snprintf(buf, n, "%s asks %s for its next item", t, e->name ? e->name : "a stream");
		break;
	case AXC_EV_CLOCK: {
		int64_t in = polled_at(r, k);
		if (in) {
			char who[64];
			pres_task_label(r, in, who, sizeof who);
			snprintf(buf, n, "the clock moves to t = %.3f ms inside the poll of %s: "
				 "a blocking call holds the thread, nothing else can run", ms, who);
		} else {
			snprintf(buf, n, "every task waits: the clock jumps to t = %.3f ms", ms);
		}
		break;
	}
	case AXC_EV_STALL:
		snprintf(buf, n, "%s blocks the thread until t = %.3f ms%s: nothing else can run",
			 t, ms, at);
		break;
	case AXC_EV_CANCEL:
		snprintf(buf, n, e->task ? "%s asks %s to stop" : "%s cancels a token", by, t);
		break;
	case AXC_EV_DEADLOCK:
		snprintf(buf, n, "every task is asleep and nothing can wake one: a deadlock");
		break;
	case AXC_EV_RT_START:
		snprintf(buf, n, "the runtime starts (%s clock)", e->flag ? "virtual" : "real");
		break;
	case AXC_EV_RT_STOP:
		snprintf(buf, n, "the runtime stops");
		break;
	default:
		snprintf(buf, n, "%s", axc_ev_kind_name(e->kind));
	}
}

size_t pres_next_poll(const axc_report *r, size_t from, int64_t task)
{
	for (size_t i = from + 1; i < r->trace.nevents; i++)
		if (r->trace.events[i].kind == AXC_EV_POLL &&
		    (!task || r->trace.events[i].task == task))
			return i;
	return (size_t)-1;
}

size_t pres_at_time(const axc_report *r, uint64_t t)
{
	size_t from = timed_from(r);
	for (size_t i = 0; i < r->trace.nevents; i++)
		if (ev_t(r, i, from) >= t)
			return i;
	return r->trace.nevents ? r->trace.nevents - 1 : 0;
}

static bool same_file(const char *a, const char *b)
{
	return a && b && !strcmp(base(a), base(b));
}

/* The step that shows finding f. */
static size_t finding_step(const axc_report *r, const axc_finding *f)
{
	const axc_event *ev = r->trace.events;
	size_t n = r->trace.nevents, best = (size_t)-1;
	for (size_t i = 0; i < n && best == (size_t)-1; i++) {
		/* The event at the finding's line in its task. */
		if (f->line && ev[i].line == f->line && same_file(ev[i].file, f->file) &&
		    (!f->task || ev[i].task == f->task))
			best = i;
	}
	for (size_t i = 0; i < n && best == (size_t)-1; i++) {
		/* A stall or a deadlock is what a stall, a blocking call or a
		 * leak looks like in the trace. */
		if ((ev[i].kind == AXC_EV_STALL && (!f->task || ev[i].task == f->task)) ||
		    ev[i].kind == AXC_EV_DEADLOCK || (ev[i].kind == AXC_EV_LOCK_WAIT && ev[i].lock_kind))
			best = i;
	}
	return best == (size_t)-1 ? (n ? n - 1 : 0) : best;
}

int pres_finding_steps(const axc_report *r, size_t **steps, size_t **order)
{
	size_t n = r->nfindings;
	*steps = calloc(n ? n : 1, sizeof **steps);
	*order = calloc(n ? n : 1, sizeof **order);
	if (!*steps || !*order) {
		free(*steps);
		free(*order);
		*steps = *order = NULL;
		return -ENOMEM;
	}
	for (size_t i = 0; i < n; i++) {
		size_t s = finding_step(r, &r->findings[i]), at = i;
		/* Insertion by step: a handful of findings. */
		while (at > 0 && (*steps)[at - 1] > s) {
			(*steps)[at] = (*steps)[at - 1];
			(*order)[at] = (*order)[at - 1];
			at--;
		}
		(*steps)[at] = s;
		(*order)[at] = i;
	}
	return 0;
}

size_t pres_next_finding(const axc_report *r, const size_t *steps, const size_t *order,
			 size_t from, size_t *which)
{
	for (size_t i = 0; i < r->nfindings; i++)
		if (steps[i] > from || (from == (size_t)-1)) {
			*which = order[i];
			return steps[i];
		}
	return (size_t)-1;
}
