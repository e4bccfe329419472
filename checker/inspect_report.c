/* inspect_report.c - builds the typed run report from the build, the run
 * and the probe's events: how the run ended, findings with source
 * locations (symbolised when the probe sent addresses), their task and
 * fix, identical findings merged with a count, and a finding for a run
 * stopped at the time limit when the probe could not send one.  The
 * events' tasks, spans and trace are typed already (inspect_events.c). */
#include "config.h"

#include "inspect.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct ctx {
	const axc_opts *o;
	const axc__inputs *in;
	const axc__events *ev;
	axc_report *rep;
	axc__sym *sym;
	char **real;	  /* realpath of each input file, or NULL */
	char cwd[PATH_MAX];
	const char *exe;  /* the program's path as the probe saw it */
	axc__srcs *srcs;  /* the sources read for suppression comments */
};

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


/* The length of a function's name as the program wrote it: an async
 * function NAME is compiled into NAME__body (its code) and NAME__poll
 * (the wrapper the executor calls); *wrapper says it was the latter. */
static size_t written_len(const char *f, bool *wrapper)
{
	size_t n = strlen(f);
	*wrapper = false;
	if (n > 6 && !strcmp(f + n - 6, "__body"))
		return n - 6;
	if (n > 6 && !strcmp(f + n - 6, "__poll")) {
		*wrapper = true;
		return n - 6;
	}
	return n;
}

static const char *written_name(struct ctx *c, const char *f)
{
	bool wrapper;
	return f ? axc__rstrn(c->rep, f, written_len(f, &wrapper)) : NULL;
}

/* A stack frame of the report from a protocol location. */
static void frame_of(struct ctx *c, const json_t *loc, axc_frame *fr, bool *wrapper)
{
	char buf[PATH_MAX];
	axc__where w;
	resolve(c, loc, &w);
	const char *f = map_path(c, w.file, buf, sizeof buf);
	fr->user = user_loc(c, f, loc);
	*wrapper = false;
	fr->function = w.func ? axc__rstrn(c->rep, w.func, written_len(w.func, wrapper)) : NULL;
	fr->file = axc__rstr(c->rep, f);
	fr->line = w.line;
	axc__where_free(&w);
}

/* The frames of a protocol stack array, owned by the report. */
static const axc_frame *stack_of(struct ctx *c, const json_t *arr, size_t *n)
{
	*n = 0;
	size_t cnt = json_array_size(arr);
	axc_frame *frames = cnt ? axc__ralloc(c->rep, cnt * sizeof *frames) : NULL;
	const json_t *fr;
	size_t i;
	json_array_foreach(arr, i, fr) {
		if (!frames)
			break;
		bool wrapper;
		frame_of(c, fr, &frames[*n], &wrapper);
		/* An async function's poll wrapper right outside its body is
		 * the same function as written: shown once. */
		if (wrapper && *n > 0 && frames[*n - 1].function && frames[*n].function &&
		    !strcmp(frames[*n - 1].function, frames[*n].function))
			continue;
		(*n)++;
	}
	return frames;
}

/* Is the finding filtered out by --only / --allow? */
static bool filtered(struct ctx *c, int ix)
{
	if (ix >= 0 && (c->o->allow & (1u << ix)))
		return true;
	return c->o->only && (ix < 0 || !(c->o->only & (1u << ix)));
}

/* Merge f (the last finding) into an earlier one with the same id and
 * location, if there is one. */
static void dedup_last(axc_report *r)
{
	axc_finding *fs = axc__mut(r->findings), *f = &fs[r->nfindings - 1];
	for (size_t i = 0; i + 1 < r->nfindings; i++) {
		axc_finding *g = &fs[i];
		if (!strcmp(g->name, f->name) && !strcmp(g->file, f->file) && g->line == f->line &&
		    g->column == f->column && !g->suppressed == !f->suppressed &&
		    (!g->suppressed || !strcmp(g->suppressed, f->suppressed))) {
			g->count += f->count;
			r->nfindings--;
			return;
		}
	}
}

/* One bug, one finding: a poll that stalled the executor because it sat
 * in a blocking call already reported (the same task, at the same line)
 * is that blocking call's doing.  The stall becomes a note of the
 * blocking-call finding, saying what it cost, instead of a finding of its
 * own; a stall anywhere else stays a finding. */
static void fold_stalls_into_blocking(struct ctx *c)
{
	axc_report *r = c->rep;
	axc_finding *fs = axc__mut(r->findings);
	bool *gone = r->nfindings ? calloc(r->nfindings, sizeof *gone) : NULL;
	if (!gone)
		return;
	for (size_t i = 0; i < r->nfindings; i++) {
		const axc_finding *s = &fs[i];
		if (s->id != AXC_STALLED_POLL || s->synthesised || s->line <= 0)
			continue;
		axc_finding *b = NULL;
		for (size_t j = 0; j < r->nfindings && !b; j++)
			if (fs[j].id == AXC_BLOCKING_CALL && fs[j].task == s->task &&
			    fs[j].line == s->line && !strcmp(fs[j].file, s->file))
				b = &fs[j];
		axc_note *ns = b ? axc__ralloc(r, (b->nnotes + 1) * sizeof *ns) : NULL;
		if (!ns)
			continue;
		if (b->nnotes)
			memcpy(ns, b->notes, b->nnotes * sizeof *ns);
		char msg[640];
		/* With workers the stall held up one worker (its message
		 * names it), not the executor. */
		snprintf(msg, sizeof msg, "the call stalled %s: %s",
			 strstr(s->message, " is stuck in it") ? "its worker" : "the executor",
			 s->message);
		ns[b->nnotes] = (axc_note){ .message = axc__rstr(r, msg) };
		b->notes = ns;
		b->nnotes++;
		gone[i] = true;
	}
	size_t k = 0;
	for (size_t i = 0; i < r->nfindings; i++)
		if (!gone[i])
			fs[k++] = fs[i];
	r->nfindings = k;
	free(gone);
}

/* One probe finding -> one report finding (none when filtered out). */
static void add_finding(struct ctx *c, const json_t *raw, bool synthesised)
{
	const char *id = axc__jstr(raw, "id");
	if (!id)
		return;
	int ix = axc_id_lookup(id);
	if (filtered(c, ix))
		return;

	char buf[PATH_MAX];
	axc__where w;
	const json_t *loc = json_object_get(raw, "loc");
	resolve(c, loc, &w);
	const char *file = map_path(c, w.file, buf, sizeof buf);
	bool here_user = user_loc(c, file, loc);
	size_t nstack;
	const axc_frame *stack = stack_of(c, json_object_get(raw, "stack"), &nstack);
	const axc_frame *first_user = NULL;
	for (size_t i = 0; i < nstack && !first_user; i++)
		if (stack[i].user)
			first_user = &stack[i];

	axc_finding *f = axc__add_finding(c->rep);
	if (!f) {
		axc__where_free(&w);
		return;
	}
	f->id = ix;
	f->name = axc__rstr(c->rep, id);
	const char *msg = axc__jstr(raw, "message");
	f->message = axc__rstr(c->rep, msg ? msg : id);
	if (!here_user && first_user) {
		/* The probe stopped inside the runtime or libc: point at the
		 * user's innermost line on the stack instead. */
		f->file = first_user->file;
		f->line = first_user->line;
		f->column = 0;
		f->function = first_user->function;
	} else {
		f->file = axc__rstr(c->rep, file);
		f->line = w.line;
		f->column = w.column;
		f->function = written_name(c, w.func);
	}
	if (!f->file)
		f->file = axc__rstr(c->rep, c->in->program ? c->in->program : "program");
	axc__where_free(&w);
	f->task = axc__jint(raw, "task", 0);

	const json_t *notes = json_object_get(raw, "notes"), *n;
	size_t i, nn = json_array_size(notes);
	axc_note *ns = nn ? axc__ralloc(c->rep, nn * sizeof *ns) : NULL;
	json_array_foreach(notes, i, n) {
		if (!ns)
			break;
		axc__where nw;
		resolve(c, json_object_get(n, "loc"), &nw);
		ns[f->nnotes].message = axc__rstr(c->rep, axc__jstr(n, "message"));
		ns[f->nnotes].file = axc__rstr(c->rep, map_path(c, nw.file, buf, sizeof buf));
		ns[f->nnotes].line = nw.line;
		f->nnotes++;
		axc__where_free(&nw);
	}
	f->notes = ns;
	f->stack = stack;
	f->nstack = nstack;
	f->fix = ix >= 0 ? axc_id_fix(ix) : NULL;
	f->count = 1;
	f->synthesised = synthesised;
	const char *sup = axc__jstr(raw, "suppressed");
	f->suppressed = axc__rstr(c->rep, sup);
	/* An "asynclab: allow(ID)" comment on the finding's line. */
	if (!f->suppressed && axc__allowed_by_comment(c->srcs, c->rep, f->file, f->line, id))
		f->suppressed = "comment";
	dedup_last(c->rep);
}

/* The probe could not say why the program never finished (it was killed
 * at the limit): make the finding from what it did send.  A run stopped
 * before any task ran gets none: its outcome says so. */
static json_t *synthesise_timeout(struct ctx *c)
{
	const axc_report *r = c->rep;
	double secs = (double)c->o->time_ms / 1000.0;
	size_t npending = 0, ndaemons = 0;
	const axc_task *last = NULL;
	for (size_t i = 0; i < r->ntasks; i++)
		if (r->tasks[i].state != AXC_TASK_PENDING) {
			continue;
		} else if (r->tasks[i].daemon) {
			/* Meant to be pending until the shutdown: not the one
			 * that kept the program from ending. */
			ndaemons++;
		} else {
			npending++;
			last = &r->tasks[i];
		}
	char msg[512], besides[64] = "";
	if (ndaemons)
		snprintf(besides, sizeof besides, " besides %zu daemon%s", ndaemons,
			 ndaemons == 1 ? "" : "s");
	if (last) {
		/* Point at the newest pending task: the outermost one (main) is
		 * pending whenever anything is. */
		const char *name = last->name ? last->name : last->future ? last->future : "a task";
		snprintf(msg, sizeof msg,
			 "the program was stopped at the %.3g s time limit with %zu task%s still pending%s (last spawned: %s): %s waiting for something that did not happen",
			 secs, npending, npending == 1 ? "" : "s", besides, name,
			 npending == 1 ? "it was" : "they were");
		json_t *loc = json_pack("{s:s?, s:i}", "file", last->spawn_file, "line", last->spawn_line);
		return json_pack("{s:s, s:s, s:I, s:o}", "id", "leaked-task", "message", msg, "task",
				 (json_int_t)last->id, "loc", loc);
	}
	if (!r->ntasks)
		return NULL;
	snprintf(msg, sizeof msg,
		 "the program was stopped at the %.3g s time limit: it was busy or blocked after its tasks finished%s",
		 secs, ndaemons ? " (only daemons were pending)" : "");
	return json_pack("{s:s, s:s, s:{s:s, s:i}}", "id", "stalled-poll", "message", msg, "loc",
			 "file", c->in->program, "line", 0);
}

static void crash_of(struct ctx *c)
{
	axc_crash *cr = axc__ralloc(c->rep, sizeof *cr);
	if (!cr)
		return;
	cr->signal_name = c->rep->outcome.signal_name;
	cr->stack = stack_of(c, json_object_get(c->ev->crash, "stack"), &cr->nstack);
	cr->note = cr->nstack ? NULL
			      : "no stack: the probe did not report one (run under a debugger for it)";
	c->rep->crash = cr;
}

static axc_limit limit_of(const char *l)
{
	if (!l)
		return AXC_LIMIT_NONE;
	if (!strcmp(l, "time"))
		return AXC_LIMIT_TIME;
	if (!strcmp(l, "memory"))
		return AXC_LIMIT_MEMORY;
	if (!strcmp(l, "processes"))
		return AXC_LIMIT_PROCESSES;
	return AXC_LIMIT_OUTPUT;
}

static void outcome_of(struct ctx *c)
{
	axc_report *rep = c->rep;
	axc_outcome *o = &rep->outcome;
	const axc__result *r = c->in->res;
	char sb[32];
	o->status = -1;
	if (!rep->built || !r) {
		o->end = AXC_END_NOT_BUILT;
		return;
	}
	if (r->sig) {
		o->signal = r->sig;
		o->signal_name = axc__rstr(rep, axc__signame(r->sig, sb, sizeof sb));
	}
	if (c->ev->end) {
		o->end = AXC_END_STOPPED;
		o->message = axc__rstr(rep, axc__jstr(c->ev->end, "message"));
	} else if (r->timed_out || r->limit) {
		o->end = AXC_END_LIMIT;
		o->limit = r->limit ? limit_of(r->limit) : AXC_LIMIT_TIME;
	} else if (r->sig && !r->killed) {
		o->end = AXC_END_SIGNAL;
	} else {
		o->end = AXC_END_EXITED;
		o->status = r->status;
	}
	o->probe = c->ev->hello != NULL;
	o->tasks_ran = rep->ntasks > 0 || axc__jint(c->ev->stats, "spawned", 0) > 0;
	o->deadlock = c->ev->deadlock;
	o->stalled = c->ev->stalled;
	o->main_done = true;
	for (size_t i = 0; i < rep->ntasks; i++)
		if (rep->tasks[i].root) {
			o->main_started = true;
			o->main_done &= rep->tasks[i].state == AXC_TASK_DONE;
		}
	o->main_done &= o->main_started;
}

static void stats_of(struct ctx *c)
{
	const json_t *s = c->ev->stats;
	const axc__result *r = c->in->res;
	axc_stats *st = &c->rep->stats;
	st->virtual_clock = c->ev->hello ? c->ev->virt : c->o->clock == AXC_CLOCK_VIRTUAL;
	/* The runtime clock at the end: the virtual time the runtimes spent,
	 * else the latest time the probe reported. */
	json_int_t vns = axc__jint(s, "virtual_ns", 0);
	st->end_ns = st->virtual_clock && vns > 0 ? (uint64_t)vns : c->ev->last_t;
	if (st->end_ns < c->ev->last_t)
		st->end_ns = c->ev->last_t;
	st->wall_ns = r ? r->wall_ns : 0;
	st->peak_live_tasks = (uint64_t)axc__jint(s, "peak_live_tasks", 0);
	st->tasks_spawned = s ? (uint64_t)axc__jint(s, "spawned", 0) : c->rep->ntasks;
	st->polls = (uint64_t)axc__jint(s, "polls", 0);
	st->spans_dropped = c->ev->spans_dropped;
	st->tasks_dropped = c->ev->tasks_dropped;
	st->bad_event_lines = c->ev->bad_lines;
	c->rep->trace.dropped = c->ev->trace_dropped;
}

axc_report *axc__report_make(const axc_opts *o, axc__inputs *in)
{
	static axc__events no_events;
	axc__result *r = in->res;
	axc_report *rep = r && r->ev.rep ? r->ev.rep : axc__report_new();
	if (!rep)
		return NULL;
	if (r)
		r->ev.rep = NULL; /* taken over */
	struct ctx c = { .o = o, .in = in, .ev = r ? &r->ev : &no_events, .rep = rep };
	if (!getcwd(c.cwd, sizeof c.cwd))
		c.cwd[0] = '\0';
	c.real = calloc(o->nfiles + 1, sizeof *c.real);
	for (size_t i = 0; c.real && i < o->nfiles; i++)
		c.real[i] = realpath(o->files[i], NULL);
	c.sym = axc__sym_new();
	c.exe = axc__jstr(c.ev->hello, "exe");
	c.srcs = axc__srcs_new();
	/* The inputs' suppression comments are checked (their unknown ids
	 * warned about) whether or not a finding is at their line. */
	for (size_t k = 0; rep->built && k < o->nfiles; k++)
		axc__srcs_scan(c.srcs, rep, o->files[k]);

	rep->program = axc__rstr(rep, in->program);
	const char **args = o->nargs ? axc__ralloc(rep, o->nargs * sizeof *args) : NULL;
	for (size_t i = 0; args && i < o->nargs; i++)
		args[i] = axc__rstr(rep, o->args[i]);
	rep->args = args;
	rep->nargs = args ? o->nargs : 0;
	const axc__build *b = in->build;
	rep->built = b ? b->ok : true;
	rep->build_command = b ? axc__rstr(rep, b->command) : NULL;
	rep->build_output = b && b->output ? axc__rstr(rep, b->output) : "";
	if (r) {
		rep->out = axc__rstrn(rep, r->out ? r->out : "", r->out ? r->out_len : 0);
		rep->out_len = r->out ? r->out_len : 0;
		rep->err = axc__rstrn(rep, r->err ? r->err : "", r->err ? r->err_len : 0);
		rep->err_len = r->err ? r->err_len : 0;
		rep->output_truncated = r->truncated;
	}
	rep->probe_path = axc__rstr(rep, in->probe);
	rep->probe_found = r && !r->probe_missing && in->probe;
	outcome_of(&c);
	stats_of(&c);

	const json_t *raw;
	size_t i;
	json_array_foreach(c.ev->findings, i, raw)
		add_finding(&c, raw, false);
	fold_stalls_into_blocking(&c);
	if (rep->outcome.end == AXC_END_LIMIT && rep->outcome.limit == AXC_LIMIT_TIME) {
		/* Only when nothing the probe said explains the hang. */
		bool explained = false;
		for (size_t k = 0; k < rep->nfindings; k++) {
			int id = rep->findings[k].id;
			explained |= id == AXC_STALLED_POLL || id == AXC_LEAKED_TASK ||
				     id == AXC_BLOCKING_CALL;
		}
		json_t *s = explained ? NULL : synthesise_timeout(&c);
		if (s)
			add_finding(&c, s, true);
		json_decref(s);
	}
	/* A signal we sent (time or output limit) is not a crash. */
	if (rep->outcome.end == AXC_END_SIGNAL)
		crash_of(&c);

	for (size_t k = 0; c.real && k < o->nfiles; k++)
		free(c.real[k]);
	free(c.real);
	axc__sym_free(c.sym);
	axc__srcs_free(c.srcs);
	return rep;
}
