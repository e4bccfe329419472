/* inspect_events.c - reads the probe's JSON-lines event stream (protocol
 * version 1, docs/checker.md) into tables the report builder uses: hello,
 * tasks with their exits, timeline spans, raw findings and stats.  Input
 * arrives in arbitrary chunks; malformed lines are counted and skipped. */
#include "config.h"

#include "inspect.h"

#include <stdlib.h>
#include <string.h>

/* A runaway program could send millions of spans; the report keeps this
 * many and counts the rest as dropped. */
#define MAX_SPANS 20000
#define MAX_FINDINGS 5000
#define MAX_LINE (1 << 20)

void axc__ev_init(axc__events *ev)
{
	memset(ev, 0, sizeof *ev);
	ev->tasks = json_array();
	ev->task_ix = json_object();
	ev->spans = json_array();
	ev->findings = json_array();
}

void axc__ev_free(axc__events *ev)
{
	json_decref(ev->hello);
	json_decref(ev->tasks);
	json_decref(ev->task_ix);
	json_decref(ev->spans);
	json_decref(ev->findings);
	json_decref(ev->stats);
	json_decref(ev->crash);
	free(ev->buf);
	memset(ev, 0, sizeof *ev);
}

static void see_time(axc__events *ev, const json_t *o, const char *key)
{
	json_int_t t = axc__jint(o, key, -1);
	if (t < 0)
		return;
	if (!ev->seen_t || (uint64_t)t < ev->first_t)
		ev->first_t = (uint64_t)t;
	if (!ev->seen_t || (uint64_t)t > ev->last_t)
		ev->last_t = (uint64_t)t;
	ev->seen_t = true;
}

static json_t *task_get(axc__events *ev, json_int_t id)
{
	char key[32];
	snprintf(key, sizeof key, "%lld", (long long)id);
	json_t *ix = json_object_get(ev->task_ix, key);
	return ix ? json_array_get(ev->tasks, (size_t)json_integer_value(ix)) : NULL;
}

/* A string member copied over, or null. */
static json_t *str_or_null(const json_t *o, const char *key)
{
	const char *s = axc__jstr(o, key);
	return s ? json_string(s) : json_null();
}

static void on_task(axc__events *ev, const json_t *o)
{
	json_int_t id = axc__jint(o, "id", -1);
	if (id < 0 || task_get(ev, id))
		return;
	json_t *t = json_pack("{s:I, s:o, s:o, s:I, s:o, s:I, s:s, s:I, s:n}",
			      "id", id, "name", str_or_null(o, "name"),
			      "future", str_or_null(o, "future"),
			      "parent", axc__jint(o, "parent", 0),
			      "spawn_file", str_or_null(o, "file"),
			      "spawn_line", axc__jint(o, "line", 0),
			      "state", "pending", "spawn_ns", axc__jint(o, "t", 0),
			      "exit_ns");
	if (!t)
		return;
	char key[32];
	snprintf(key, sizeof key, "%lld", (long long)id);
	json_object_set_new(ev->task_ix, key, json_integer((json_int_t)json_array_size(ev->tasks)));
	json_array_append_new(ev->tasks, t);
	see_time(ev, o, "t");
}

static void on_task_exit(axc__events *ev, const json_t *o)
{
	json_t *t = task_get(ev, axc__jint(o, "id", -1));
	if (!t)
		return;
	bool aborted = json_is_true(json_object_get(o, "aborted"));
	json_object_set_new(t, "state", json_string(aborted ? "aborted" : "done"));
	json_object_set_new(t, "exit_ns", json_integer(axc__jint(o, "t", 0)));
	see_time(ev, o, "t");
}

static void on_span(axc__events *ev, const json_t *o)
{
	see_time(ev, o, "t1");
	if (json_array_size(ev->spans) >= MAX_SPANS) {
		ev->spans_dropped++;
		return;
	}
	const char *kind = axc__jstr(o, "kind");
	json_t *s = json_pack("{s:I, s:s, s:I, s:I}", "task", axc__jint(o, "task", 0),
			      "kind", kind ? kind : "poll", "t0", axc__jint(o, "t0", 0),
			      "t1", axc__jint(o, "t1", 0));
	if (s)
		json_array_append_new(ev->spans, s);
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
	if (!strcmp(kind, "hello")) {
		json_decref(ev->hello);
		ev->hello = json_incref(o);
	} else if (!strcmp(kind, "task")) {
		on_task(ev, o);
	} else if (!strcmp(kind, "exit")) {
		on_task_exit(ev, o);
	} else if (!strcmp(kind, "span")) {
		on_span(ev, o);
	} else if (!strcmp(kind, "tasks_dropped")) {
		ev->tasks_dropped += (uint64_t)axc__jint(o, "n", 0);
	} else if (!strcmp(kind, "spans_dropped")) {
		ev->spans_dropped += (uint64_t)axc__jint(o, "n", 0);
	} else if (!strcmp(kind, "finding")) {
		if (json_array_size(ev->findings) < MAX_FINDINGS)
			json_array_append(ev->findings, o);
	} else if (!strcmp(kind, "stats")) {
		json_decref(ev->stats);
		ev->stats = json_incref(o);
	} else if (!strcmp(kind, "crash")) {
		json_decref(ev->crash);
		ev->crash = json_incref(o);
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
