/* report_json.c - the run report as JSON (version 2, docs/report-schema.json)
 * and back: axc_report_write renders the typed report, axc_report_read
 * rebuilds it from what was written, so a saved run can be judged,
 * rendered or replayed again.  Strings that are not UTF-8 (a program's
 * binary output) are written with U+FFFD in place of the bad bytes. */
#include "config.h"

#include "inspect.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* --- writing ----------------------------------------------------------- */

/* A JSON string from bytes that may not be UTF-8: invalid bytes and NULs
 * (which C consumers of the report would take for the end) become U+FFFD,
 * so a program's binary output cannot break the report. */
static json_t *jbytes(const char *s, size_t n)
{
	if (!s)
		return json_string("");
	json_t *j = memchr(s, '\0', n) ? NULL : json_stringn(s, n);
	if (j)
		return j;
	char *o = malloc(n * 3 + 1), *p = o;
	if (!o)
		return json_string("");
	const unsigned char *u = (const unsigned char *)s, *end = u + n;
	while (u < end) {
		int len = *u == 0 ? 0 : *u < 0x80 ? 1 : (*u >> 5) == 6 ? 2 : (*u >> 4) == 14 ? 3 : (*u >> 3) == 30 ? 4 : 0;
		bool ok = len > 0 && u + len <= end;
		for (int i = 1; ok && i < len; i++)
			ok = (u[i] & 0xc0) == 0x80;
		if (ok && len > 1 && !json_stringn((const char *)u, (size_t)len))
			ok = false; /* overlong or surrogate: jansson rejects it too */
		if (ok) {
			memcpy(p, u, (size_t)len);
			p += len;
			u += len;
		} else {
			p = stpcpy(p, "\xef\xbf\xbd");
			u++;
		}
	}
	j = json_stringn(o, (size_t)(p - o));
	free(o);
	return j ? j : json_string("");
}

static json_t *jstr(const char *s)
{
	return s ? jbytes(s, strlen(s)) : json_null();
}

static json_t *frames_json(const axc_frame *fr, size_t n)
{
	json_t *a = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, json_pack("{s:o, s:o, s:i, s:b}", "function",
						   jstr(fr[i].function), "file", jstr(fr[i].file),
						   "line", fr[i].line, "user", fr[i].user));
	return a;
}

static json_t *task_ref_json(const axc_report *r, int64_t id)
{
	if (id <= 0)
		return json_null();
	const axc_task *t = axc_report_task(r, id);
	return json_pack("{s:I, s:o, s:o, s:i}", "id", (json_int_t)id, "name",
			 jstr(t ? t->name : NULL), "spawn_file", jstr(t ? t->spawn_file : NULL),
			 "spawn_line", t ? t->spawn_line : 0);
}

json_t *axc__finding_json(const axc_report *r, const axc_finding *f)
{
	json_t *notes = json_array();
	for (size_t i = 0; i < f->nnotes; i++)
		json_array_append_new(notes, json_pack("{s:o, s:o, s:i}", "message",
						       jstr(f->notes[i].message), "file",
						       jstr(f->notes[i].file), "line", f->notes[i].line));
	json_t *o = json_pack("{s:s, s:o, s:o, s:i, s:i, s:o, s:o, s:o, s:o, s:o, s:i}", "id",
			      f->name, "message", jstr(f->message), "file", jstr(f->file), "line",
			      f->line, "column", f->column, "function", jstr(f->function), "task",
			      task_ref_json(r, f->task), "notes", notes, "fix", jstr(f->fix),
			      "stack", frames_json(f->stack, f->nstack), "count", f->count);
	if (f->synthesised)
		json_object_set_new(o, "synthesised", json_true());
	json_object_set_new(o, "suppressed", jstr(f->suppressed));
	return o;
}

static const char *const results[] = { "pending", "ready", "done" };

static json_t *event_json(const axc_event *e)
{
	json_t *o = json_pack("{s:s, s:I}", "kind", axc_ev_kind_name(e->kind), "t",
			      (json_int_t)e->t);
#define SET_INT(key, v)                                                     \
	do {                                                                \
		if (v)                                                      \
			json_object_set_new(o, key, json_integer((json_int_t)(v))); \
	} while (0)
	SET_INT("out_len", e->out_len);
	SET_INT("task", e->task);
	SET_INT("by", e->by);
	SET_INT("future", e->future);
	SET_INT("parent", e->parent);
	SET_INT("obj", e->obj);
	SET_INT("deadline", e->deadline);
	SET_INT("line", e->line);
#undef SET_INT
	if (e->kind == AXC_EV_POLL_END || e->kind == AXC_EV_FUTURE_POLL ||
	    e->kind == AXC_EV_STREAM_NEXT)
		json_object_set_new(o, "result", json_string(results[e->result % 3]));
	if (e->kind == AXC_EV_WAKE)
		json_object_set_new(o, "source", json_string(axc_wake_source_name(e->source)));
	if (e->kind >= AXC_EV_LOCK_WAIT && e->kind <= AXC_EV_LOCK_RELEASE)
		json_object_set_new(o, "lock_kind", json_string(e->lock_kind ? "blocking" : "async"));
	if (e->flag)
		json_object_set_new(o, "flag", json_true());
	if (e->name)
		json_object_set_new(o, "name", jstr(e->name));
	if (e->file)
		json_object_set_new(o, "file", jstr(e->file));
	if (e->func)
		json_object_set_new(o, "func", jstr(e->func));
	return o;
}

static json_t *report_json(const axc_report *r)
{
	const axc_outcome *oc = &r->outcome;
	json_t *args = json_array();
	for (size_t i = 0; i < r->nargs; i++)
		json_array_append_new(args, jstr(r->args[i]));
	json_t *rep = json_pack("{s:i, s:o, s:o, s:{s:b, s:o, s:o}}", "version", AXC_REPORT_VERSION,
				"program", jstr(r->program), "args", args, "build", "ok", r->built,
				"command", jstr(r->build_command), "output", jstr(r->build_output));
	json_object_set_new(rep, "outcome",
		json_pack("{s:s, s:o, s:o, s:o, s:o, s:b, s:b, s:b, s:b, s:b, s:b}", "end",
			  axc_end_name(oc->end),
			  "status", oc->end == AXC_END_EXITED ? json_integer(oc->status) : json_null(),
			  "signal", jstr(oc->signal_name), "limit", jstr(axc_limit_name(oc->limit)),
			  "message", jstr(oc->message), "probe", oc->probe, "tasks_ran", oc->tasks_ran,
			  "main_started", oc->main_started, "main_done", oc->main_done, "deadlock",
			  oc->deadlock, "stalled", oc->stalled));
	json_object_set_new(rep, "stdout", jbytes(r->out, r->out_len));
	json_object_set_new(rep, "stderr", jbytes(r->err, r->err_len));
	json_object_set_new(rep, "output_truncated", json_boolean(r->output_truncated));
	const axc_stats *st = &r->stats;
	json_object_set_new(rep, "stats",
		json_pack("{s:I, s:I, s:I, s:I, s:I, s:s, s:I, s:I, s:I}", "end_ns",
			  (json_int_t)st->end_ns, "wall_ns", (json_int_t)st->wall_ns,
			  "peak_live_tasks", (json_int_t)st->peak_live_tasks, "tasks_spawned",
			  (json_int_t)st->tasks_spawned, "polls", (json_int_t)st->polls, "clock",
			  st->virtual_clock ? "virtual" : "real", "spans_dropped",
			  (json_int_t)st->spans_dropped, "tasks_dropped", (json_int_t)st->tasks_dropped,
			  "bad_event_lines", (json_int_t)st->bad_event_lines));
	json_object_set_new(rep, "probe", json_pack("{s:o, s:b}", "path", jstr(r->probe_path),
						   "found", r->probe_found));
	json_t *fs = json_array();
	for (size_t i = 0; i < r->nfindings; i++)
		json_array_append_new(fs, axc__finding_json(r, &r->findings[i]));
	json_object_set_new(rep, "findings", fs);
	if (r->nwarnings) {
		json_t *ws = json_array();
		for (size_t i = 0; i < r->nwarnings; i++)
			json_array_append_new(ws, json_pack("{s:s, s:i, s:s}", "file",
							    r->warnings[i].file, "line",
							    r->warnings[i].line, "message",
							    r->warnings[i].message));
		json_object_set_new(rep, "warnings", ws);
	}
	json_t *ts = json_array();
	for (size_t i = 0; i < r->ntasks; i++) {
		const axc_task *t = &r->tasks[i];
		json_array_append_new(ts,
			json_pack("{s:I, s:I, s:o, s:o, s:o, s:i, s:o, s:s, s:I, s:o, s:b, s:b}", "id",
				  (json_int_t)t->id, "parent", (json_int_t)t->parent, "name",
				  jstr(t->name), "future", jstr(t->future), "spawn_file",
				  jstr(t->spawn_file), "spawn_line", t->spawn_line, "spawn_func",
				  jstr(t->spawn_func), "state", axc_task_state_name(t->state),
				  "spawn_ns", (json_int_t)t->spawn_ns, "exit_ns",
				  t->exit_ns >= 0 ? json_integer(t->exit_ns) : json_null(), "root",
				  t->root, "daemon", t->daemon));
	}
	json_object_set_new(rep, "tasks", ts);
	json_t *tl = json_array();
	for (size_t i = 0; i < r->nspans; i++) {
		const axc_span *s = &r->spans[i];
		json_array_append_new(tl, json_pack("{s:I, s:s, s:I, s:I}", "task", (json_int_t)s->task,
						    "kind", axc_span_kind_name(s->kind), "t0",
						    (json_int_t)s->t0, "t1", (json_int_t)s->t1));
	}
	json_object_set_new(rep, "timeline", tl);
	json_object_set_new(rep, "crash",
		r->crash ? json_pack("{s:o, s:o, s:o}", "signal", jstr(r->crash->signal_name),
				     "stack", frames_json(r->crash->stack, r->crash->nstack),
				     "note", jstr(r->crash->note))
			 : json_null());
	json_t *evs = json_array();
	for (size_t i = 0; i < r->trace.nevents; i++)
		json_array_append_new(evs, event_json(&r->trace.events[i]));
	json_object_set_new(rep, "trace", json_pack("{s:b, s:I, s:o}", "on", r->trace.on, "dropped",
						   (json_int_t)r->trace.dropped, "events", evs));
	return rep;
}

int axc_report_write(const axc_report *r, FILE *out)
{
	json_t *j = report_json(r);
	if (!j)
		return -ENOMEM;
	int rc = json_dumpf(j, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER) < 0 ? -EIO : 0;
	fputc('\n', out);
	json_decref(j);
	return rc || ferror(out) ? -EIO : 0;
}

int axc_report_save(const axc_report *r, const char *path)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "w") : stdout;
	if (!f)
		return -errno;
	int rc = axc_report_write(r, f);
	if (f != stdout && fclose(f) != 0 && !rc)
		rc = -errno;
	return rc;
}

/* --- reading ----------------------------------------------------------- */

struct rd {
	axc_report *r;
	char *err;
	size_t errlen;
	bool bad;
};

static void rd_bad(struct rd *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void rd_bad(struct rd *d, const char *fmt, ...)
{
	if (d->bad)
		return;
	d->bad = true;
	if (d->err && d->errlen) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(d->err, d->errlen, fmt, ap);
		va_end(ap);
	}
}

static const char *rstr(struct rd *d, const json_t *o, const char *key)
{
	const json_t *v = json_object_get(o, key);
	if (!json_is_string(v))
		return NULL;
	return axc__rstrn(d->r, json_string_value(v), json_string_length(v));
}

static int64_t rdint(const json_t *o, const char *key)
{
	return (int64_t)axc__jint(o, key, 0);
}

static bool rbool(const json_t *o, const char *key)
{
	return json_is_true(json_object_get(o, key));
}

/* Index of s in names[0..n), or dflt. */
static int rname(const json_t *o, const char *key, const char *(*name)(int), int n, int dflt)
{
	const char *s = axc__jstr(o, key);
	for (int i = 0; s && i < n; i++)
		if (name(i) && !strcmp(name(i), s))
			return i;
	return dflt;
}

static const char *end_n(int i) { return axc_end_name((axc_end)i); }
static const char *limit_n(int i) { return axc_limit_name((axc_limit)i); }
static const char *state_n(int i) { return axc_task_state_name((axc_task_state)i); }
static const char *span_n(int i) { return axc_span_kind_name((axc_span_kind)i); }
static const char *kind_n(int i) { return axc_ev_kind_name((axc_ev_kind)i); }
static const char *source_n(int i) { return axc_wake_source_name((axc_wake_source)i); }
static const char *result_n(int i) { return i >= 0 && i < 3 ? results[i] : NULL; }
static const char *lock_n(int i) { return i == 0 ? "async" : i == 1 ? "blocking" : NULL; }

static const axc_frame *rframes(struct rd *d, const json_t *a, size_t *n)
{
	*n = json_array_size(a);
	axc_frame *fr = *n ? axc__ralloc(d->r, *n * sizeof *fr) : NULL;
	if (!fr)
		*n = 0;
	for (size_t i = 0; i < *n; i++) {
		const json_t *f = json_array_get(a, i);
		fr[i].function = rstr(d, f, "function");
		fr[i].file = rstr(d, f, "file");
		fr[i].line = (int)rdint(f, "line");
		fr[i].user = rbool(f, "user");
	}
	return fr;
}

static void read_findings(struct rd *d, const json_t *fs)
{
	const json_t *j;
	size_t i;
	json_array_foreach(fs, i, j) {
		axc_finding *f = axc__add_finding(d->r);
		if (!f)
			return;
		f->name = rstr(d, j, "id");
		if (!f->name) {
			rd_bad(d, "finding %zu has no id", i);
			f->name = "";
		}
		f->id = axc_id_lookup(f->name);
		f->message = rstr(d, j, "message");
		f->file = rstr(d, j, "file");
		if (!f->file)
			f->file = d->r->program ? d->r->program : "";
		f->line = (int)rdint(j, "line");
		f->column = (int)rdint(j, "column");
		f->function = rstr(d, j, "function");
		f->task = rdint(json_object_get(j, "task"), "id");
		const json_t *notes = json_object_get(j, "notes");
		size_t nn = json_array_size(notes);
		axc_note *ns = nn ? axc__ralloc(d->r, nn * sizeof *ns) : NULL;
		for (size_t k = 0; ns && k < nn; k++) {
			const json_t *n = json_array_get(notes, k);
			ns[k].message = rstr(d, n, "message");
			ns[k].file = rstr(d, n, "file");
			ns[k].line = (int)rdint(n, "line");
			f->nnotes++;
		}
		f->notes = ns;
		f->stack = rframes(d, json_object_get(j, "stack"), &f->nstack);
		f->fix = rstr(d, j, "fix");
		f->count = (int)axc__jint(j, "count", 1);
		f->synthesised = rbool(j, "synthesised");
		f->suppressed = rstr(d, j, "suppressed");
	}
}

static void read_tasks(struct rd *d, const json_t *ts)
{
	const json_t *j;
	size_t i;
	json_array_foreach(ts, i, j) {
		axc_task *t = axc__add_task(d->r);
		if (!t)
			return;
		t->id = rdint(j, "id");
		if (i && t[-1].id >= t->id)
			d->r->priv->tasks_unsorted = true;
		t->parent = rdint(j, "parent");
		t->name = rstr(d, j, "name");
		t->future = rstr(d, j, "future");
		t->spawn_file = rstr(d, j, "spawn_file");
		t->spawn_line = (int)rdint(j, "spawn_line");
		t->spawn_func = rstr(d, j, "spawn_func");
		t->state = (axc_task_state)rname(j, "state", state_n, 3, AXC_TASK_PENDING);
		t->spawn_ns = (uint64_t)rdint(j, "spawn_ns");
		const json_t *ex = json_object_get(j, "exit_ns");
		t->exit_ns = json_is_integer(ex) ? json_integer_value(ex) : -1;
		t->root = rbool(j, "root");
		t->daemon = rbool(j, "daemon");
	}
}

static void read_trace(struct rd *d, const json_t *tr)
{
	axc_report *r = d->r;
	r->trace.on = rbool(tr, "on");
	r->trace.dropped = (uint64_t)rdint(tr, "dropped");
	const json_t *j;
	size_t i;
	json_array_foreach(json_object_get(tr, "events"), i, j) {
		int k = rname(j, "kind", kind_n, AXC_EV_KIND_COUNT, -1);
		if (k < 0) {
			rd_bad(d, "trace event %zu: unknown kind '%s'", i,
			       axc__jstr(j, "kind") ? axc__jstr(j, "kind") : "(none)");
			return;
		}
		axc_event *e = axc__add_event(r);
		if (!e)
			return;
		e->kind = (axc_ev_kind)k;
		e->t = (uint64_t)rdint(j, "t");
		e->out_len = (uint64_t)rdint(j, "out_len");
		e->task = rdint(j, "task");
		e->by = rdint(j, "by");
		e->future = (uint64_t)rdint(j, "future");
		e->parent = (uint64_t)rdint(j, "parent");
		e->obj = (uint64_t)rdint(j, "obj");
		e->deadline = (uint64_t)rdint(j, "deadline");
		e->result = (axc_poll_result)rname(j, "result", result_n, 3, 0);
		e->source = (axc_wake_source)rname(j, "source", source_n, 5, 0);
		e->lock_kind = rname(j, "lock_kind", lock_n, 2, 0);
		e->flag = rbool(j, "flag");
		e->name = rstr(d, j, "name");
		e->file = rstr(d, j, "file");
		e->line = (int)rdint(j, "line");
		e->func = rstr(d, j, "func");
	}
}

int axc_report_read(const char *json, size_t len, axc_report **out, char *err, size_t errlen)
{
	*out = NULL;
	if (err && errlen)
		err[0] = '\0';
	json_error_t je;
	json_t *j = json_loadb(json, len, 0, &je);
	if (!json_is_object(j)) {
		if (err && errlen)
			snprintf(err, errlen, j ? "not a JSON object" : "line %d: %s", je.line, je.text);
		json_decref(j);
		return -EINVAL;
	}
	json_int_t v = axc__jint(j, "version", 0);
	if (v != AXC_REPORT_VERSION) {
		if (err && errlen)
			snprintf(err, errlen, "report version %lld, expected %d", (long long)v,
				 AXC_REPORT_VERSION);
		json_decref(j);
		return -EINVAL;
	}
	axc_report *r = axc__report_new();
	if (!r) {
		json_decref(j);
		return -ENOMEM;
	}
	struct rd d = { .r = r, .err = err, .errlen = errlen };
	r->program = rstr(&d, j, "program");
	const json_t *args = json_object_get(j, "args");
	r->nargs = json_array_size(args);
	const char **av = r->nargs ? axc__ralloc(r, r->nargs * sizeof *av) : NULL;
	for (size_t i = 0; av && i < r->nargs; i++)
		av[i] = axc__rstr(r, json_string_value(json_array_get(args, i)));
	r->args = av;
	if (!av)
		r->nargs = 0;
	const json_t *b = json_object_get(j, "build");
	r->built = rbool(b, "ok");
	r->build_command = rstr(&d, b, "command");
	r->build_output = rstr(&d, b, "output") ? rstr(&d, b, "output") : "";

	const json_t *oc = json_object_get(j, "outcome");
	axc_outcome *o = &r->outcome;
	o->end = (axc_end)rname(oc, "end", end_n, 5, AXC_END_NOT_BUILT);
	o->status = json_is_integer(json_object_get(oc, "status")) ? (int)rdint(oc, "status") : -1;
	o->signal_name = rstr(&d, oc, "signal");
	o->limit = (axc_limit)rname(oc, "limit", limit_n, 5, AXC_LIMIT_NONE);
	o->message = rstr(&d, oc, "message");
	o->probe = rbool(oc, "probe");
	o->tasks_ran = rbool(oc, "tasks_ran");
	o->main_started = rbool(oc, "main_started");
	o->main_done = rbool(oc, "main_done");
	o->deadlock = rbool(oc, "deadlock");
	o->stalled = rbool(oc, "stalled");
	if (!json_is_object(oc))
		rd_bad(&d, "no outcome");

	const json_t *so = json_object_get(j, "stdout"), *se = json_object_get(j, "stderr");
	r->out = axc__rstrn(r, json_string_value(so) ? json_string_value(so) : "", json_string_length(so));
	r->out_len = json_string_length(so);
	r->err = axc__rstrn(r, json_string_value(se) ? json_string_value(se) : "", json_string_length(se));
	r->err_len = json_string_length(se);
	r->output_truncated = rbool(j, "output_truncated");
	const json_t *st = json_object_get(j, "stats");
	r->stats.end_ns = (uint64_t)rdint(st, "end_ns");
	r->stats.wall_ns = (uint64_t)rdint(st, "wall_ns");
	r->stats.peak_live_tasks = (uint64_t)rdint(st, "peak_live_tasks");
	r->stats.tasks_spawned = (uint64_t)rdint(st, "tasks_spawned");
	r->stats.polls = (uint64_t)rdint(st, "polls");
	r->stats.virtual_clock = axc__jstr(st, "clock") && !strcmp(axc__jstr(st, "clock"), "virtual");
	r->stats.spans_dropped = (uint64_t)rdint(st, "spans_dropped");
	r->stats.tasks_dropped = (uint64_t)rdint(st, "tasks_dropped");
	r->stats.bad_event_lines = (uint64_t)rdint(st, "bad_event_lines");
	const json_t *pr = json_object_get(j, "probe");
	r->probe_path = rstr(&d, pr, "path");
	r->probe_found = rbool(pr, "found");

	read_tasks(&d, json_object_get(j, "tasks"));
	read_findings(&d, json_object_get(j, "findings"));
	const json_t *ws = json_object_get(j, "warnings");
	size_t nw = json_array_size(ws);
	axc_warning *w = nw ? axc__ralloc(r, nw * sizeof *w) : NULL;
	for (size_t k = 0; w && k < nw; k++) {
		const json_t *wj = json_array_get(ws, k);
		w[k].file = rstr(&d, wj, "file");
		if (!w[k].file)
			w[k].file = "";
		w[k].line = (int)rdint(wj, "line");
		w[k].message = rstr(&d, wj, "message");
		if (!w[k].message)
			w[k].message = "";
	}
	r->warnings = w;
	r->nwarnings = w ? nw : 0;
	const json_t *s;
	size_t i;
	json_array_foreach(json_object_get(j, "timeline"), i, s) {
		axc_span *sp = axc__add_span(r);
		if (!sp)
			break;
		sp->task = rdint(s, "task");
		sp->kind = (axc_span_kind)rname(s, "kind", span_n, 3, AXC_SPAN_POLL);
		sp->t0 = (uint64_t)rdint(s, "t0");
		sp->t1 = (uint64_t)rdint(s, "t1");
	}
	const json_t *cr = json_object_get(j, "crash");
	if (json_is_object(cr)) {
		axc_crash *c = axc__ralloc(r, sizeof *c);
		if (c) {
			c->signal_name = rstr(&d, cr, "signal");
			c->stack = rframes(&d, json_object_get(cr, "stack"), &c->nstack);
			c->note = rstr(&d, cr, "note");
			r->crash = c;
		}
	}
	read_trace(&d, json_object_get(j, "trace"));
	json_decref(j);
	if (d.bad) {
		axc_report_free(r);
		return -EINVAL;
	}
	*out = r;
	return 0;
}
