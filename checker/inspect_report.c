/* inspect_report.c - builds the run report (version 1) from the build, the
 * run and the probe's events: findings get source locations (symbolised
 * when the probe sent addresses), their task, fix and lesson; identical
 * findings are merged with a count; a run stopped at the time limit gets a
 * finding even when the probe could not send one. */
#include "config.h"

#include "inspect.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct ctx {
	const axc_opts *o;
	const axc__inputs *in;
	const axc__events *ev;
	axc__sym *sym;
	char **real;	  /* realpath of each input file, or NULL */
	char cwd[PATH_MAX];
	const char *exe;  /* the program's path as the probe saw it */
};

/* A JSON string from bytes that may not be UTF-8: invalid bytes and NULs
 * (which C consumers of the report would take for the end) become U+FFFD,
 * so a program's binary output cannot break the report. */
static json_t *jstring_bytes(const char *s, size_t n)
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

static json_t *jstr_or_null(const char *s)
{
	return s ? jstring_bytes(s, strlen(s)) : json_null();
}

/* A path as the user gave it to the compiler when it names one of the
 * inputs, else relative to the working directory when under it. */
static const char *map_path(struct ctx *c, const char *file, char *buf, size_t n)
{
	if (!file)
		return NULL;
	char rp[PATH_MAX];
	if (realpath(file, rp)) {
		for (size_t i = 0; c->in->build && i < c->o->nfiles; i++)
			if (c->real[i] && !strcmp(c->real[i], rp))
				return c->o->files[i];
		/* "dir/../x.c" from the debug information reads better as x.c. */
		if (file[0] == '/' && strstr(file, "/../")) {
			snprintf(buf, n, "%s", rp);
			file = buf;
		}
	}
	size_t cl = strlen(c->cwd);
	if (cl > 1 && !strncmp(file, c->cwd, cl) && file[cl] == '/')
		return file + cl + 1; /* points into file, which may be buf */
	return file;
}

/* Whether a location is the user's code: one of the compiled files, or,
 * for a prebuilt program, a line inside the program itself (not the
 * runtime or libc). */
static bool user_loc(struct ctx *c, const char *mapped, const json_t *loc)
{
	if (!mapped)
		return false;
	for (size_t i = 0; i < c->o->nfiles; i++)
		if (!strcmp(mapped, c->o->files[i]))
			return true;
	if (c->in->build)
		return false;
	const char *mod = axc__jstr(loc, "mod");
	if (mod)
		return c->exe && !strcmp(mod, c->exe);
	return mapped[0] != '/' && strncmp(mapped, "../", 3) != 0;
}

/* Resolve a protocol location object into function/file/line/column. */
static void resolve(struct ctx *c, const json_t *loc, axc__where *w)
{
	memset(w, 0, sizeof *w);
	if (!json_is_object(loc))
		return;
	const char *file = axc__jstr(loc, "file");
	if (file) {
		w->file = strdup(file);
		w->line = (int)axc__jint(loc, "line", 0);
		w->column = (int)axc__jint(loc, "column", 0);
		const char *fn = axc__jstr(loc, "func");
		w->func = fn ? strdup(fn) : NULL;
		return;
	}
	const char *mod = axc__jstr(loc, "mod");
	json_int_t off = axc__jint(loc, "off", -1);
	if (mod && off >= 0)
		axc__sym_lookup(c->sym, mod, (uint64_t)off, w);
}

static json_t *frame_json(struct ctx *c, const json_t *loc, const axc__where *w, bool *user)
{
	char buf[PATH_MAX];
	const char *f = map_path(c, w->file, buf, sizeof buf);
	*user = user_loc(c, f, loc);
	return json_pack("{s:o, s:o, s:i, s:b}", "function", jstr_or_null(w->func), "file",
			 jstr_or_null(f), "line", w->line, "user", *user);
}

static json_t *task_ref(struct ctx *c, json_int_t id)
{
	char key[32];
	snprintf(key, sizeof key, "%lld", (long long)id);
	json_t *ix = json_object_get(c->ev->task_ix, key);
	json_t *t = ix ? json_array_get(c->ev->tasks, (size_t)json_integer_value(ix)) : NULL;
	if (!t)
		return id > 0 ? json_pack("{s:I, s:n, s:n, s:i}", "id", id, "name", "spawn_file",
					  "spawn_line", 0)
			      : json_null();
	return json_pack("{s:I, s:O, s:O, s:O}", "id", id, "name", json_object_get(t, "name"),
			 "spawn_file", json_object_get(t, "spawn_file"), "spawn_line",
			 json_object_get(t, "spawn_line"));
}

/* One probe finding -> one report finding (NULL when filtered out). */
static json_t *make_finding(struct ctx *c, const json_t *raw)
{
	const char *id = axc__jstr(raw, "id");
	if (!id)
		return NULL;
	int ix = axc_id_lookup(id);
	if (ix >= 0 && (c->o->allow & (1u << ix)))
		return NULL;
	if (c->o->only && (ix < 0 || !(c->o->only & (1u << ix))))
		return NULL;

	char buf[PATH_MAX];
	axc__where w;
	const json_t *loc = json_object_get(raw, "loc");
	resolve(c, loc, &w);
	const char *file = map_path(c, w.file, buf, sizeof buf);
	bool here_user = user_loc(c, file, loc);

	json_t *stack = json_array();
	json_t *first_user = NULL;
	const json_t *fr;
	size_t i;
	json_array_foreach(json_object_get(raw, "stack"), i, fr) {
		axc__where fw;
		bool user;
		resolve(c, fr, &fw);
		json_t *j = frame_json(c, fr, &fw, &user);
		axc__where_free(&fw);
		if (!j)
			continue;
		if (user && !first_user)
			first_user = j;
		json_array_append_new(stack, j);
	}

	json_t *f = json_pack("{s:s, s:o}", "id", id, "message",
			      jstr_or_null(axc__jstr(raw, "message") ? axc__jstr(raw, "message") : id));
	if (!here_user && first_user) {
		/* The probe stopped inside the runtime or libc: point at the
		 * user's innermost line on the stack instead. */
		json_object_set(f, "file", json_object_get(first_user, "file"));
		json_object_set(f, "line", json_object_get(first_user, "line"));
		json_object_set_new(f, "column", json_integer(0));
		json_object_set(f, "function", json_object_get(first_user, "function"));
	} else {
		json_object_set_new(f, "file", jstr_or_null(file ? file : c->in->program));
		json_object_set_new(f, "line", json_integer(w.line));
		json_object_set_new(f, "column", json_integer(w.column));
		json_object_set_new(f, "function", jstr_or_null(w.func));
	}
	axc__where_free(&w);
	json_object_set_new(f, "task", task_ref(c, axc__jint(raw, "task", 0)));

	json_t *notes = json_array();
	json_array_foreach(json_object_get(raw, "notes"), i, fr) {
		axc__where nw;
		resolve(c, json_object_get(fr, "loc"), &nw);
		const char *nf = map_path(c, nw.file, buf, sizeof buf);
		json_array_append_new(notes, json_pack("{s:o, s:o, s:i}", "message",
						       jstr_or_null(axc__jstr(fr, "message")),
						       "file", jstr_or_null(nf), "line", nw.line));
		axc__where_free(&nw);
	}
	json_object_set_new(f, "notes", notes);
	json_object_set_new(f, "fix", jstr_or_null(ix >= 0 ? axc_id_fix(ix) : NULL));
	json_object_set_new(f, "lesson", jstr_or_null(ix >= 0 ? axc_id_lesson(ix) : NULL));
	json_object_set_new(f, "stack", stack);
	json_object_set_new(f, "count", json_integer(1));
	return f;
}

/* Merge f into findings unless one with the same id and location exists. */
static void add_dedup(json_t *findings, json_t *f)
{
	size_t i;
	json_t *g;
	json_array_foreach(findings, i, g) {
		if (json_equal(json_object_get(g, "id"), json_object_get(f, "id")) &&
		    json_equal(json_object_get(g, "file"), json_object_get(f, "file")) &&
		    json_equal(json_object_get(g, "line"), json_object_get(f, "line")) &&
		    json_equal(json_object_get(g, "column"), json_object_get(f, "column"))) {
			json_object_set_new(g, "count",
					    json_integer(axc__jint(g, "count", 1) + axc__jint(f, "count", 1)));
			json_decref(f);
			return;
		}
	}
	json_array_append_new(findings, f);
}

/* The probe could not say why the program never finished (it was killed
 * at the limit): make the finding from what it did send. */
static json_t *synthesise_timeout(struct ctx *c)
{
	const axc__result *r = c->in->res;
	double secs = (double)c->o->time_ms / 1000.0;
	json_t *pending = json_array(), *t;
	size_t i;
	json_array_foreach(c->ev->tasks, i, t)
		if (!strcmp(axc__jstr(t, "state") ? axc__jstr(t, "state") : "", "pending"))
			json_array_append(pending, t);

	json_t *raw;
	char msg[512];
	if (json_array_size(pending) > 0) {
		/* Point at the newest pending task: the outermost one (main) is
		 * pending whenever anything is. */
		json_t *last = json_array_get(pending, json_array_size(pending) - 1);
		const char *name = axc__jstr(last, "name");
		snprintf(msg, sizeof msg,
			 "the program was stopped at the %.3g s time limit with %zu task%s still pending (last spawned: %s): %s waiting for something that did not happen",
			 secs, json_array_size(pending), json_array_size(pending) == 1 ? "" : "s",
			 name ? name : axc__jstr(last, "future") ? axc__jstr(last, "future") : "a task",
			 json_array_size(pending) == 1 ? "it was" : "they were");
		raw = json_pack("{s:s, s:s, s:I, s:{s:O, s:O}}", "id", "leaked-task", "message", msg,
				"task", axc__jint(last, "id", 0), "loc", "file",
				json_object_get(last, "spawn_file"), "line",
				json_object_get(last, "spawn_line"));
	} else {
		snprintf(msg, sizeof msg,
			 "the program was stopped at the %.3g s time limit: it was busy or blocked %s",
			 secs, json_array_size(c->ev->tasks) ? "after its tasks finished"
							      : "before any task ran");
		raw = json_pack("{s:s, s:s, s:{s:s, s:i}}", "id", "stalled-poll", "message", msg,
				"loc", "file", c->in->program, "line", 0);
	}
	json_decref(pending);
	(void)r;
	return raw;
}

static json_t *crash_json(struct ctx *c)
{
	char sb[32];
	const axc__result *r = c->in->res;
	json_t *stack = json_array();
	const json_t *fr;
	size_t i;
	json_array_foreach(json_object_get(c->ev->crash, "stack"), i, fr) {
		axc__where w;
		bool user;
		resolve(c, fr, &w);
		json_array_append_new(stack, frame_json(c, fr, &w, &user));
		axc__where_free(&w);
	}
	const char *note = json_array_size(stack)
				   ? NULL
				   : "no stack: the probe did not report one (run under a debugger for it)";
	return json_pack("{s:s, s:o, s:o}", "signal", axc__signame(r->sig, sb, sizeof sb), "stack",
			 stack, "note", jstr_or_null(note));
}

static json_t *stats_json(struct ctx *c)
{
	const json_t *s = c->ev->stats;
	const axc__result *r = c->in->res;
	const char *clock = axc__jstr(c->ev->hello, "clock");
	json_int_t spawned = s ? axc__jint(s, "spawned", 0) : (json_int_t)json_array_size(c->ev->tasks);
	return json_pack("{s:I, s:I, s:I, s:I, s:I, s:s, s:b, s:I, s:I, s:I}", "virtual_ns",
			 s ? axc__jint(s, "virtual_ns", 0) : (json_int_t)(c->ev->last_t - c->ev->first_t), "wall_ns",
			 (json_int_t)(r ? r->wall_ns : 0), "peak_live_tasks",
			 s ? axc__jint(s, "peak_live_tasks", 0) : 0, "tasks_spawned", spawned,
			 "polls", s ? axc__jint(s, "polls", 0) : 0, "clock",
			 clock ? clock : c->o->clock == AXC_CLOCK_VIRTUAL ? "virtual" : "real",
			 "probe", c->ev->hello != NULL, "spans_dropped",
			 (json_int_t)c->ev->spans_dropped, "tasks_dropped",
			 (json_int_t)c->ev->tasks_dropped, "bad_event_lines",
			 (json_int_t)c->ev->bad_lines);
}

json_t *axc__report_make(const axc_opts *o, const axc__inputs *in)
{
	static const axc__events no_events;
	struct ctx c = { .o = o, .in = in, .ev = in->res ? &in->res->ev : &no_events };
	if (!getcwd(c.cwd, sizeof c.cwd))
		c.cwd[0] = '\0';
	c.real = calloc(o->nfiles + 1, sizeof *c.real);
	for (size_t i = 0; c.real && i < o->nfiles; i++)
		c.real[i] = realpath(o->files[i], NULL);
	c.sym = axc__sym_new();
	c.exe = axc__jstr(c.ev->hello, "exe");
	const axc__result *r = in->res;

	json_t *args = json_array();
	for (size_t i = 0; i < o->nargs; i++)
		json_array_append_new(args, jstr_or_null(o->args[i]));
	const axc__build *b = in->build;
	json_t *build = b ? json_pack("{s:b, s:o, s:o}", "ok", b->ok, "command",
				      jstr_or_null(b->command), "output", jstr_or_null(b->output))
			  : json_pack("{s:b, s:n, s:s}", "ok", 1, "command", "output", "");
	char sb[32];
	json_t *exit = json_pack("{s:o, s:o, s:b, s:o}", "status",
				 r && r->sig == 0 ? json_integer(r->status) : json_null(), "signal",
				 r && r->sig ? json_string(axc__signame(r->sig, sb, sizeof sb)) : json_null(),
				 "timed_out", r && r->timed_out, "limit",
				 jstr_or_null(r ? r->limit : NULL));

	json_t *findings = json_array();
	const json_t *raw;
	size_t i;
	if (c.ev->findings)
		json_array_foreach(c.ev->findings, i, raw) {
			json_t *f = make_finding(&c, raw);
			if (f)
				add_dedup(findings, f);
		}
	if (r && r->timed_out && !strcmp(r->limit, "time")) {
		/* Only when nothing the probe said explains the hang. */
		bool explained = false;
		json_t *f;
		json_array_foreach(findings, i, f) {
			const char *id = axc__jstr(f, "id");
			explained |= !strcmp(id, "stalled-poll") || !strcmp(id, "leaked-task") ||
				     !strcmp(id, "blocking-call");
		}
		if (!explained) {
			json_t *s = synthesise_timeout(&c);
			json_t *sf = s ? make_finding(&c, s) : NULL;
			if (sf) {
				json_object_set_new(sf, "synthesised", json_true());
				add_dedup(findings, sf);
			}
			json_decref(s);
		}
	}

	json_t *rep = json_pack("{s:i, s:o, s:o, s:o, s:o, s:o, s:o, s:b}", "version",
				AXC_REPORT_VERSION, "program", jstr_or_null(in->program), "args", args,
				"build", build, "exit", exit, "stdout",
				r ? jstring_bytes(r->out, r->out_len) : json_string(""), "stderr",
				r ? jstring_bytes(r->err, r->err_len) : json_string(""),
				"output_truncated", r && r->truncated);
	json_object_set_new(rep, "stats", stats_json(&c));
	json_object_set_new(rep, "probe", json_pack("{s:o, s:b}", "path", jstr_or_null(in->probe),
						   "found", r && !r->probe_missing && in->probe));
	json_object_set_new(rep, "findings", findings);
	json_object_set_new(rep, "tasks", c.ev->tasks ? json_deep_copy(c.ev->tasks) : json_array());
	json_object_set_new(rep, "timeline", c.ev->spans ? json_deep_copy(c.ev->spans) : json_array());
	/* A signal we sent (time or output limit) is not a crash. */
	bool crashed = r && r->sig && !r->killed;
	json_object_set_new(rep, "crash", crashed ? crash_json(&c) : json_null());

	for (size_t k = 0; c.real && k < o->nfiles; k++)
		free(c.real[k]);
	free(c.real);
	axc__sym_free(c.sym);
	return rep;
}
