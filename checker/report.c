/* report.c - the typed run report's memory (an arena for strings, growable
 * arrays for findings, tasks, spans and trace events), its lookups and the
 * verdict a report deserves. */
#include "config.h"

#include "finding_ids.h"
#include "report_priv.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define BLOCK_SIZE (64u * 1024u)

struct axc__block {
	axc__block *next;
	size_t used, cap;
	_Alignas(16) char data[];
};

axc_report *axc__report_new(void)
{
	axc_report *r = calloc(1, sizeof *r);
	axc_report_priv *p = calloc(1, sizeof *p);
	if (!r || !p) {
		free(r);
		free(p);
		return NULL;
	}
	r->version = AXC_REPORT_VERSION;
	r->priv = p;
	r->outcome.status = -1;
	r->build_output = "";
	r->out = r->err = "";
	return r;
}

void *axc__ralloc(axc_report *r, size_t n)
{
	n = (n + 15) & ~(size_t)15;
	axc__block *b = r->priv->blocks;
	if (!b || b->cap - b->used < n) {
		size_t cap = n > BLOCK_SIZE / 4 ? n : BLOCK_SIZE;
		axc__block *nb = malloc(sizeof *nb + cap);
		if (!nb)
			return NULL;
		nb->used = 0;
		nb->cap = cap;
		if (cap == n && b) {
			/* A big piece gets a block of its own, behind the current
			 * one, which keeps its free room. */
			nb->next = b->next;
			b->next = nb;
		} else {
			nb->next = b;
			r->priv->blocks = nb;
		}
		b = nb;
	}
	void *p = b->data + b->used;
	b->used += n;
	memset(p, 0, n);
	return p;
}

const char *axc__rstrn(axc_report *r, const char *s, size_t n)
{
	if (!s)
		return NULL;
	char *d = axc__ralloc(r, n + 1);
	if (!d)
		return NULL;
	memcpy(d, s, n);
	d[n] = '\0';
	return d;
}

const char *axc__rstr(axc_report *r, const char *s)
{
	return s ? axc__rstrn(r, s, strlen(s)) : NULL;
}

/* Grow *arr (const view, owned) to hold one more element of size sz. */
static void *add(void *arrp, size_t *n, size_t *cap, size_t sz)
{
	void **arr = arrp;
	if (*n == *cap) {
		size_t nc = *cap ? *cap * 2 : 16;
		void *na = realloc(*arr, nc * sz);
		if (!na)
			return NULL;
		*arr = na;
		*cap = nc;
	}
	char *e = (char *)*arr + (*n)++ * sz;
	memset(e, 0, sz);
	return e;
}

axc_finding *axc__add_finding(axc_report *r)
{
	return add(&r->findings, &r->nfindings, &r->priv->cap_findings, sizeof *r->findings);
}

axc_task *axc__add_task(axc_report *r)
{
	axc_task *t = add(&r->tasks, &r->ntasks, &r->priv->cap_tasks, sizeof *r->tasks);
	if (t)
		t->exit_ns = -1;
	return t;
}

axc_span *axc__add_span(axc_report *r)
{
	return add(&r->spans, &r->nspans, &r->priv->cap_spans, sizeof *r->spans);
}

axc_event *axc__add_event(axc_report *r)
{
	return add(&r->trace.events, &r->trace.nevents, &r->priv->cap_events,
		   sizeof *r->trace.events);
}

void axc_report_free(axc_report *r)
{
	if (!r)
		return;
	if (r->priv) {
		for (axc__block *b = r->priv->blocks, *n; b; b = n) {
			n = b->next;
			free(b);
		}
		free(r->priv->lives);
		free(r->priv);
	}
	free(axc__mut(r->findings));
	free(axc__mut(r->tasks));
	free(axc__mut(r->spans));
	free(axc__mut(r->trace.events));
	free(r);
}

int axc_report_set_output(axc_report *r, const char *out, size_t out_len, const char *err,
			  size_t err_len)
{
	const char *o = axc__rstrn(r, out ? out : "", out ? out_len : 0);
	const char *e = axc__rstrn(r, err ? err : "", err ? err_len : 0);
	if (!o || !e)
		return -ENOMEM;
	r->out = o;
	r->out_len = out ? out_len : 0;
	r->err = e;
	r->err_len = err ? err_len : 0;
	return 0;
}

const axc_task *axc_report_task(const axc_report *r, int64_t id)
{
	if (!r || id <= 0)
		return NULL;
	if (r->priv && r->priv->tasks_unsorted) {
		for (size_t i = 0; i < r->ntasks; i++)
			if (r->tasks[i].id == id)
				return &r->tasks[i];
		return NULL;
	}
	size_t lo = 0, hi = r->ntasks;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (r->tasks[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < r->ntasks && r->tasks[lo].id == id ? &r->tasks[lo] : NULL;
}

axc_task *axc__task_mut(axc_report *r, int64_t id)
{
	return axc__mut(axc_report_task(r, id));
}

size_t axc_report_nreported(const axc_report *r)
{
	size_t n = 0;
	for (size_t i = 0; r && i < r->nfindings; i++)
		n += r->findings[i].suppressed == NULL;
	return n;
}

int axc_verdict(const axc_report *r)
{
	if (!r)
		return 2;
	const axc_outcome *o = &r->outcome;
	switch (o->end) {
	case AXC_END_NOT_BUILT:
	case AXC_END_SIGNAL:
		return 2;
	case AXC_END_LIMIT:
		/* A run stopped at the time limit carries a finding that says
		 * why, once its tasks ran; the other limits end the run before
		 * it meant to. */
		return o->limit == AXC_LIMIT_TIME && o->tasks_ran ? 1 : 2;
	case AXC_END_STOPPED:
		return 1;
	case AXC_END_EXITED:
		break;
	}
	return axc_report_nreported(r) > 0 ? 1 : 0;
}

/* --- names ------------------------------------------------------------- */

#define NAME_OF(arr, i) ((unsigned)(i) < sizeof(arr) / sizeof(arr)[0] ? (arr)[i] : NULL)

const char *axc_end_name(axc_end e)
{
	static const char *const n[] = { "not_built", "exited", "signal", "limit", "stopped" };
	return NAME_OF(n, e);
}

const char *axc_limit_name(axc_limit l)
{
	static const char *const n[] = { NULL, "time", "memory", "processes", "output" };
	return NAME_OF(n, l);
}

const char *axc_task_state_name(axc_task_state s)
{
	static const char *const n[] = { "pending", "done", "aborted" };
	return NAME_OF(n, s);
}

const char *axc_span_kind_name(axc_span_kind k)
{
	static const char *const n[] = { "poll", "stall", "lock" };
	return NAME_OF(n, k);
}

const char *axc_ev_kind_name(axc_ev_kind k)
{
	static const char *const n[AXC_EV_KIND_COUNT] = {
		[AXC_EV_SPAWN] = "spawn",
		[AXC_EV_READY] = "ready",
		[AXC_EV_POLL] = "poll",
		[AXC_EV_POLL_END] = "poll_end",
		[AXC_EV_EXIT] = "exit",
		[AXC_EV_WAKE] = "wake",
		[AXC_EV_WAKER_CLONE] = "waker_clone",
		[AXC_EV_WAKER_DROP] = "waker_drop",
		[AXC_EV_TIMER_ARM] = "timer_arm",
		[AXC_EV_TIMER_CANCEL] = "timer_cancel",
		[AXC_EV_TIMER_FIRE] = "timer_fire",
		[AXC_EV_LOCK_WAIT] = "lock_wait",
		[AXC_EV_LOCK_ACQUIRE] = "lock_acquire",
		[AXC_EV_LOCK_RELEASE] = "lock_release",
		[AXC_EV_FUTURE_CREATE] = "future_create",
		[AXC_EV_FUTURE_POLL] = "future_poll",
		[AXC_EV_FUTURE_DROP] = "future_drop",
		[AXC_EV_STREAM_NEXT] = "stream_next",
		[AXC_EV_CLOCK] = "clock",
		[AXC_EV_STALL] = "stall",
		[AXC_EV_CANCEL] = "cancel",
		[AXC_EV_DEADLOCK] = "deadlock",
		[AXC_EV_RT_START] = "rt_start",
		[AXC_EV_RT_STOP] = "rt_stop",
	};
	return NAME_OF(n, k);
}

const char *axc_wake_source_name(axc_wake_source s)
{
	static const char *const n[] = { "self", "task", "thread", "timer", "runtime" };
	return NAME_OF(n, s);
}
