/* inspect_events.c - reads the probe's JSON-lines event stream (protocol
 * version 1, docs/checker.md) as it arrives: tasks with their exits,
 * timeline spans and trace events go into the typed report under
 * construction, with times made relative to the start of the run; hello,
 * findings, stats, a crash and the checker's end stay raw for the report
 * builder.  Input arrives in arbitrary chunks; malformed lines are counted
 * and skipped. */
#include "config.h"

#include "inspect.h"

#include <stdlib.h>
#include <string.h>

/* A runaway program could send millions of spans; the report keeps this
 * many and counts the rest as dropped. */
#define MAX_SPANS 20000
#define MAX_FINDINGS 5000
#define MAX_TRACE 2000000
#define MAX_LINE (1 << 20)

void axc__ev_init(axc__events *ev)
{
	memset(ev, 0, sizeof *ev);
	ev->rep = axc__report_new();
	ev->findings = json_array();
}

void axc__ev_free(axc__events *ev)
{
	axc_report_free(ev->rep);
	json_decref(ev->hello);
	json_decref(ev->findings);
	json_decref(ev->stats);
	json_decref(ev->crash);
	json_decref(ev->end);
	free(ev->buf);
	memset(ev, 0, sizeof *ev);
}

/* A time of the probe's, from the start of the run. */
static uint64_t norm(axc__events *ev, json_int_t t)
{
	uint64_t v = t > 0 && (uint64_t)t > ev->t_base ? (uint64_t)t - ev->t_base : 0;
	if (!ev->seen_t || v > ev->last_t)
		ev->last_t = v;
	ev->seen_t = true;
	return v;
}

static const char *str(axc__events *ev, const json_t *o, const char *key)
{
	return axc__rstr(ev->rep, axc__jstr(o, key));
}

/* The function a site names, as the program wrote it: an async
 * function's body is NAME__body. */
static const char *func_of(axc__events *ev, const char *f)
{
	if (!f)
		return NULL;
	size_t n = strlen(f);
	if (n > 6 && !strcmp(f + n - 6, "__body"))
		n -= 6;
	else if (n > 6 && !strcmp(f + n - 6, "__poll"))
		n -= 6;
	return axc__rstrn(ev->rep, f, n);
}

static void on_hello(axc__events *ev, json_t *o)
{
	json_decref(ev->hello);
	ev->hello = json_incref(o);
	const char *clock = axc__jstr(o, "clock");
	ev->virt = clock && !strcmp(clock, "virtual");
	/* A real clock counts from wherever the system's does: the probe
	 * says where the run started. */
	ev->t_base = ev->virt ? 0 : (uint64_t)axc__jint(o, "t0", 0);
	ev->rep->trace.on = json_is_true(json_object_get(o, "trace"));
	ev->rep->outcome.probe = true;
}

/* A runtime started: its clock is the one the program's times are on
 * (the program may choose another than the checker's option). */
static void on_rt(axc__events *ev, const json_t *o)
{
	const char *clock = axc__jstr(o, "clock");
	bool virt = clock && !strcmp(clock, "virtual");
	if (!ev->rt_seen) {
		ev->virt = virt;
		ev->t_base = virt ? 0 : (uint64_t)axc__jint(ev->hello, "t0", 0);
	}
	ev->rt_seen = true;
}

static void on_task(axc__events *ev, const json_t *o)
{
	json_int_t id = axc__jint(o, "id", -1);
	axc_report *r = ev->rep;
	if (id <= 0 || axc_report_task(r, id))
		return;
	if (r->ntasks && r->tasks[r->ntasks - 1].id > id)
		r->priv->tasks_unsorted = true;
	axc_task *t = axc__add_task(r);
	if (!t)
		return;
	t->id = id;
	t->parent = axc__jint(o, "parent", 0);
	t->name = str(ev, o, "name");
	t->future = str(ev, o, "future");
	t->spawn_file = str(ev, o, "file");
	t->spawn_line = (int)axc__jint(o, "line", 0);
	t->spawn_func = func_of(ev, axc__jstr(o, "func"));
	t->state = AXC_TASK_PENDING;
	t->spawn_ns = norm(ev, axc__jint(o, "t", 0));
	t->root = t->parent == 0 && t->name && !strcmp(t->name, "main");
}

static void on_task_exit(axc__events *ev, const json_t *o)
{
	axc_task *t = axc__task_mut(ev->rep, axc__jint(o, "id", -1));
	if (!t)
		return;
	t->state = json_is_true(json_object_get(o, "aborted")) ? AXC_TASK_ABORTED : AXC_TASK_DONE;
	t->exit_ns = (int64_t)norm(ev, axc__jint(o, "t", 0));
}

static void on_span(axc__events *ev, const json_t *o)
{
	uint64_t t0 = norm(ev, axc__jint(o, "t0", 0)), t1 = norm(ev, axc__jint(o, "t1", 0));
	if (ev->rep->nspans >= MAX_SPANS) {
		ev->spans_dropped++;
		return;
	}
	const char *kind = axc__jstr(o, "kind");
	axc_span *s = axc__add_span(ev->rep);
	if (!s)
		return;
	s->task = axc__jint(o, "task", 0);
	s->kind = kind && !strcmp(kind, "stall")  ? AXC_SPAN_STALL
		  : kind && !strcmp(kind, "lock") ? AXC_SPAN_LOCK
						  : AXC_SPAN_POLL;
	s->t0 = t0;
	s->t1 = t1 < t0 ? t0 : t1;
}

/* --- trace events ------------------------------------------------------ */

static int kind_of(const char *k)
{
	for (int i = 0; k && i < AXC_EV_KIND_COUNT; i++)
		if (!strcmp(axc_ev_kind_name((axc_ev_kind)i), k))
			return i;
	return -1;
}

static void on_trace(axc__events *ev, const json_t *o)
{
	axc_report *r = ev->rep;
	int k = kind_of(axc__jstr(o, "k"));
	if (k < 0) {
		ev->bad_lines++;
		return;
	}
	if (r->trace.nevents >= MAX_TRACE) {
		ev->trace_dropped++;
		return;
	}
	axc_event *e = axc__add_event(r);
	if (!e)
		return;
	r->trace.on = true;
	e->kind = (axc_ev_kind)k;
	e->t = norm(ev, axc__jint(o, "t", 0));
	e->out_len = (uint64_t)axc__jint(o, "out", 0);
	e->task = axc__jint(o, "task", 0);
	e->by = axc__jint(o, "by", 0);
	e->future = (uint64_t)axc__jint(o, "f", 0);
	e->parent = (uint64_t)axc__jint(o, "p", 0);
	e->obj = (uint64_t)axc__jint(o, "obj", 0);
	json_int_t d = axc__jint(o, "d", 0);
	/* Deadlines and clock jumps are times too. */
	e->deadline = d > 0 && (uint64_t)d > ev->t_base ? (uint64_t)d - ev->t_base : 0;
	e->result = (axc_poll_result)axc__jint(o, "r", 0);
	e->source = (axc_wake_source)axc__jint(o, "src", 0);
	e->lock_kind = (int)axc__jint(o, "lk", 0);
	e->flag = axc__jint(o, "fl", 0) != 0;
	e->name = str(ev, o, "name");
	e->file = str(ev, o, "file");
	e->line = (int)axc__jint(o, "line", 0);
	e->func = func_of(ev, axc__jstr(o, "func"));
	if (e->kind == AXC_EV_RT_START && !ev->rt_seen) {
		ev->virt = e->flag;
		ev->rt_seen = true;
	}
}

static void on_line(axc__events *ev, const char *line, size_t n)
{
	while (n > 0 && (line[n - 1] == '\r' || line[n - 1] == ' '))
		n--;
	if (n == 0)
		return;
	json_t *o = json_loadb(line, n, JSON_REJECT_DUPLICATES, NULL);
	const char *kind = axc__jstr(o, "ev");
	if (!json_is_object(o) || !kind) {
		ev->bad_lines++;
		json_decref(o);
		return;
	}
	if (!strcmp(kind, "tr")) {
		on_trace(ev, o);
	} else if (!strcmp(kind, "hello")) {
		on_hello(ev, o);
	} else if (!strcmp(kind, "rt")) {
		on_rt(ev, o);
	} else if (!strcmp(kind, "task")) {
		on_task(ev, o);
	} else if (!strcmp(kind, "exit")) {
		on_task_exit(ev, o);
	} else if (!strcmp(kind, "daemon")) {
		axc_task *t = axc__task_mut(ev->rep, axc__jint(o, "id", -1));
		if (t)
			t->daemon = true;
	} else if (!strcmp(kind, "span")) {
		on_span(ev, o);
	} else if (!strcmp(kind, "tasks_dropped")) {
		ev->tasks_dropped += (uint64_t)axc__jint(o, "n", 0);
	} else if (!strcmp(kind, "spans_dropped")) {
		ev->spans_dropped += (uint64_t)axc__jint(o, "n", 0);
	} else if (!strcmp(kind, "trace_dropped")) {
		ev->trace_dropped += (uint64_t)axc__jint(o, "n", 0);
	} else if (!strcmp(kind, "finding")) {
		const char *id = axc__jstr(o, "id");
		if (id && !strcmp(id, "stalled-poll"))
			ev->stalled = true;
		if (json_array_size(ev->findings) < MAX_FINDINGS)
			json_array_append(ev->findings, o);
	} else if (!strcmp(kind, "deadlock")) {
		ev->deadlock = true;
		norm(ev, axc__jint(o, "t", 0));
	} else if (!strcmp(kind, "stats")) {
		json_decref(ev->stats);
		ev->stats = json_incref(o);
	} else if (!strcmp(kind, "crash")) {
		json_decref(ev->crash);
		ev->crash = json_incref(o);
	} else if (!strcmp(kind, "end")) {
		json_decref(ev->end);
		ev->end = json_incref(o);
	} else if (!strcmp(kind, "bye")) {
		ev->bye = true;
	}
	/* Unknown kinds are ignored: later protocol versions may add some. */
	json_decref(o);
}

void axc__ev_feed(axc__events *ev, const char *data, size_t n)
{
	while (n > 0) {
		const char *nl = memchr(data, '\n', n);
		size_t part = nl ? (size_t)(nl - data) : n;
		if (ev->len == 0 && nl) {
			on_line(ev, data, part);
		} else if (ev->len + part > MAX_LINE) {
			/* An endless line: drop it whole. */
			ev->len = 0;
			if (nl)
				ev->bad_lines++;
		} else {
			if (ev->len + part + 1 > ev->cap) {
				size_t cap = ev->cap ? ev->cap : 4096;
				while (cap < ev->len + part + 1)
					cap *= 2;
				char *b = realloc(ev->buf, cap);
				if (!b)
					return;
				ev->buf = b;
				ev->cap = cap;
			}
			memcpy(ev->buf + ev->len, data, part);
			ev->len += part;
			if (nl) {
				on_line(ev, ev->buf, ev->len);
				ev->len = 0;
			}
		}
		data += part + (nl ? 1 : 0);
		n -= part + (nl ? 1 : 0);
	}
}

void axc__ev_finish(axc__events *ev)
{
	if (ev->len > 0) {
		on_line(ev, ev->buf, ev->len);
		ev->len = 0;
	}
}
