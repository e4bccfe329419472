/* engine_verify.c - verify a learner's file against a lesson: build it
 * (engine_build.c), run it under the checker (axc_run: a sandboxed child
 * with time, memory, process and output limits, on the virtual clock),
 * then judge the run against the lesson's checks, one mark per check.  A
 * run that did not end normally says so first, and no check that presumes
 * a normal end passes. */
#include "config.h"

#include "engine.h"
#include "engine_int.h"
#include "../checker/axcheck.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define AXL_MEM_MB 512
#define AXL_NPROC 64
#define AXL_OUTPUT_BYTES (1u << 20)

static char *xstrdup(const char *s)
{
	return strdup(s ? s : "");
}

static const char *base_name(const char *p)
{
	const char *s = strrchr(p, '/');
	return s ? s + 1 : p;
}

/* Replace {actual} and {expected} in msg. */
static char *expand(const char *msg, const char *actual, const char *expected)
{
	size_t cap = strlen(msg) + 1 + 2 * (strlen(actual) + strlen(expected)) + 64, n = 0;
	char *out = malloc(cap);
	if (!out)
		return NULL;
	for (const char *p = msg; *p;) {
		const char *rep = NULL;
		size_t skip = 0;
		if (!strncmp(p, "{actual}", 8))
			rep = actual, skip = 8;
		else if (!strncmp(p, "{expected}", 10))
			rep = expected, skip = 10;
		size_t add = rep ? strlen(rep) : 1;
		if (n + add + 1 > cap) {
			char *no = realloc(out, cap = 2 * (n + add + 1));
			if (!no) {
				free(out);
				return NULL;
			}
			out = no;
		}
		if (rep) {
			memcpy(out + n, rep, add);
			p += skip;
		} else {
			out[n] = *p++;
		}
		n += add;
	}
	out[n] = '\0';
	return out;
}

/* Does a stdout line match a pattern?  Blanks at both ends are ignored and
 * '*' in the pattern matches any run of characters. */
static bool glob(const char *p, const char *pe, const char *s, const char *se)
{
	while (p < pe) {
		if (*p == '*') {
			for (const char *t = s; t <= se; t++)
				if (glob(p + 1, pe, t, se))
					return true;
			return false;
		}
		if (s == se || *p != *s)
			return false;
		p++, s++;
	}
	return s == se;
}

static bool line_matches(const char *pat, const char *line, size_t len)
{
	while (len && (line[0] == ' ' || line[0] == '\t'))
		line++, len--;
	while (len && (line[len - 1] == ' ' || line[len - 1] == '\t' || line[len - 1] == '\r'))
		len--;
	return glob(pat, pat + strlen(pat), line, line + len);
}

/* Find a line matching pat in out at or after *pos; on success *pos is the
 * start of the next line and *hit, *hitlen the matching line. */
static bool find_line(const char *out, size_t *pos, const char *pat, const char **hit,
		      size_t *hitlen)
{
	const char *p = out + *pos;
	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		if (line_matches(pat, p, len)) {
			*hit = p;
			*hitlen = len;
			*pos = (size_t)(p - out) + len + (nl ? 1 : 0);
			return true;
		}
		p += len + (nl ? 1 : 0);
	}
	return false;
}

static void mark_set(axl_mark *m, bool passed, const char *actual, const char *expected)
{
	m->passed = passed;
	m->actual = actual ? strdup(actual) : NULL;
	m->message = passed ? strdup("") : expand(m->check->message, actual ? actual : "",
						   expected ? expected : "");
}

void axl_bound_text(char *buf, size_t n, int64_t lo, int64_t hi, const char *unit)
{
	if (lo >= 0 && lo == hi)
		snprintf(buf, n, "exactly %lld%s", (long long)lo, unit);
	else if (lo >= 0 && hi >= 0)
		snprintf(buf, n, "between %lld and %lld%s", (long long)lo, (long long)hi, unit);
	else if (hi >= 0)
		snprintf(buf, n, "at most %lld%s", (long long)hi, unit);
	else
		snprintf(buf, n, "at least %lld%s", (long long)lo, unit);
}

static bool finding_in_learner(const axl_finding *f, const char *learner)
{
	return learner && f->file && *f->file &&
	       (!strcmp(f->file, learner) || !strcmp(base_name(f->file), base_name(learner)));
}

/* What judging needs besides the report. */
typedef struct judge_ctx {
	const axl__harness *h;	 /* the harness's records; NULL: none */
	const axl_build *build;	 /* NULL: not known (a replayed report) */
	bool real_clock;
	int time_limit_s;
	const char *learner;
} judge_ctx;

/* A line of the learner's file named in a failure: " (line N of F)". */
static void at_line(axl_mark *m, const char *learner, int line)
{
	if (line <= 0 || !m->message)
		return;
	m->line = line;
	char *s = NULL;
	if (asprintf(&s, "%s (line %d of %s)", m->message, line,
		     learner ? base_name(learner) : "your file") >= 0) {
		free(m->message);
		m->message = s;
	}
}

static bool same_file(const char *a, const char *b)
{
	return a && b && (!strcmp(a, b) || !strcmp(base_name(a), base_name(b)));
}

static void judge_harness(axl_mark *m, const judge_ctx *cx)
{
	const axl__hcheck *hc = cx->h ? axl__harness_find(cx->h, m->check->name) : NULL;
	if (!hc) {
		m->passed = false;
		m->actual = NULL;
		m->message = strdup("Not judged: the lesson's harness recorded no verdict for this "
				    "check.");
		return;
	}
	mark_set(m, hc->pass, hc->text, "");
	if (!hc->pass && same_file(hc->file, cx->learner))
		at_line(m, cx->learner, hc->line);
}

static void judge_locals(axl_mark *m, const judge_ctx *cx)
{
	const axl_build *b = cx->build;
	if (!b || !b->locals_checked) {
		m->skipped = true;
		m->message = strdup("Not judged: the frame-locals analysis needs gcc.");
		return;
	}
	if (!b->nlocals) {
		mark_set(m, true, NULL, NULL);
		return;
	}
	const axl_local *lc = &b->locals[0];
	char act[512];
	if (lc->await_line)
		snprintf(act, sizeof act, "%s (a plain C local of %s, declared at line %d) does not "
			 "survive the await at line %d", lc->name, lc->function, lc->decl_line,
			 lc->await_line);
	else
		snprintf(act, sizeof act, "%s (a plain C local of %s, declared at line %d) does not "
			 "survive an await", lc->name, lc->function, lc->decl_line);
	for (size_t i = 1; i < b->nlocals && i < 3; i++) {
		size_t l = strlen(act);
		snprintf(act + l, sizeof act - l, "; so does %s in %s (line %d)", b->locals[i].name,
			 b->locals[i].function, b->locals[i].decl_line);
	}
	mark_set(m, false, act, "");
	at_line(m, cx->learner, lc->await_line ? lc->await_line : lc->decl_line);
}

/* The count a trace check bounds (overlap and lock-over-await: 0 or 1). */
static uint64_t trace_count(const axc_report *rep, const axl_check *c)
{
	const char *n = c->tname;
	switch (c->what) {
	case AXL_TRACE_POLLS: return axc_trace_polls(rep, n);
	case AXL_TRACE_SPAWNS: return axc_trace_spawns_from(rep, n);
	case AXL_TRACE_OVERLAP: return axc_trace_overlapped(rep, n, c->tother);
	case AXL_TRACE_PEAK: return axc_trace_peak_alive(rep, n);
	case AXL_TRACE_DROPPED: return axc_trace_dropped_early(rep, n);
	case AXL_TRACE_ABORTED: return axc_trace_aborted(rep, n);
	case AXL_TRACE_WOKEN_ELSEWHERE: return axc_trace_woken_elsewhere(rep, n);
	case AXL_TRACE_STREAM_NEXTS: return axc_trace_stream_nexts(rep, n);
	case AXL_TRACE_LOCK_OVER_AWAIT: {
		int k = !n || !strcmp(n, "any") ? -1 : !strcmp(n, "blocking") ? 1 : 0;
		return axc_trace_lock_over_await(rep, k);
	}
	}
	return 0;
}

/* What a trace count means, in words: "3 polls of fetch". */
static void trace_words(char *buf, size_t n, const axl_check *c, uint64_t v)
{
	const char *nm = c->tname ? c->tname : "any future";
	unsigned long long x = (unsigned long long)v;
	switch (c->what) {
	case AXL_TRACE_POLLS: snprintf(buf, n, "%llu poll%s of %s", x, x == 1 ? "" : "s", nm); break;
	case AXL_TRACE_SPAWNS:
		snprintf(buf, n, "%llu task%s spawned from %s", x, x == 1 ? "" : "s", nm);
		break;
	case AXL_TRACE_OVERLAP:
		snprintf(buf, n, v ? "%s and %s ran at the same time"
				   : "%s and %s never ran at the same time", nm,
			 c->tother ? c->tother : "?");
		break;
	case AXL_TRACE_PEAK: snprintf(buf, n, "%llu %s alive at once at the peak", x, nm); break;
	case AXL_TRACE_DROPPED:
		snprintf(buf, n, "%llu %s dropped before finishing", x, nm);
		break;
	case AXL_TRACE_ABORTED: snprintf(buf, n, "%llu %s task%s aborted", x, nm, x == 1 ? "" : "s"); break;
	case AXL_TRACE_WOKEN_ELSEWHERE:
		snprintf(buf, n, "%llu wake%s of %s from elsewhere", x, x == 1 ? "" : "s", nm);
		break;
	case AXL_TRACE_STREAM_NEXTS:
		snprintf(buf, n, "%llu poll_next call%s on %s", x, x == 1 ? "" : "s", nm);
		break;
	case AXL_TRACE_LOCK_OVER_AWAIT:
		snprintf(buf, n, v ? "a lock was held across an await"
				   : "no lock was held across an await");
		break;
	}
}

/* The learner's line of the first future called the check's name (where
 * it was made), 0 when the trace has none in the learner's file. */
static int trace_line(const axc_report *rep, const axl_check *c, const char *learner)
{
	size_t n = 0;
	const axc_future_life *lv = axc_trace_futures(rep, &n);
	for (size_t i = 0; c->tname && i < n; i++)
		if (lv[i].name && !strcmp(lv[i].name, c->tname) && lv[i].line > 0 &&
		    same_file(lv[i].file, learner))
			return lv[i].line;
	return 0;
}

static void judge_trace(axl_result *r, axl_mark *m, const judge_ctx *cx)
{
	const axl_check *c = m->check;
	const axc_report *rep = r->report;
	char act[512], exp[512];
	if (!rep || !rep->trace.on) {
		m->passed = false;
		m->message = strdup("Not judged: the run has no scheduler trace.");
		return;
	}
	uint64_t v = trace_count(rep, c);
	bool ok = (c->tmin < 0 || v >= (uint64_t)c->tmin) && (c->tmax < 0 || v <= (uint64_t)c->tmax);
	trace_words(act, sizeof act, c, v);
	if (c->what == AXL_TRACE_OVERLAP || c->what == AXL_TRACE_LOCK_OVER_AWAIT) {
		trace_words(exp, sizeof exp, c, c->tmin >= 1 ? 1 : 0);
	} else {
		char b[64];
		axl_bound_text(b, sizeof b, c->tmin, c->tmax, "");
		snprintf(exp, sizeof exp, "%s", b);
	}
	mark_set(m, ok, act, exp);
	if (!ok)
		at_line(m, cx->learner, trace_line(rep, c, cx->learner));
}

static void judge_check(axl_result *r, axl_mark *m, const judge_ctx *cx)
{
	const char *learner = cx->learner;
	const axl_check *c = m->check;
	char act[512], exp[512];
	switch (c->kind) {
	case AXL_CHECK_OUTPUT: {
		size_t pos = 0;
		const char *hit;
		size_t hl;
		for (size_t i = 0; i < c->nexpect; i++) {
			if (!find_line(r->out, &pos, c->expect[i], &hit, &hl)) {
				/* {actual} says what happened to the line that did
				 * not come: never printed, or printed too early. */
				size_t any = 0;
				if (i && find_line(r->out, &any, c->expect[i], &hit, &hl))
					snprintf(act, sizeof act, "'%s' came before '%s'", c->expect[i],
						 c->expect[i - 1]);
				else
					snprintf(act, sizeof act, "'%s' never came", c->expect[i]);
				mark_set(m, false, act, c->expect[i]);
				return;
			}
		}
		for (size_t i = 0; i < c->nabsent; i++) {
			pos = 0;
			if (find_line(r->out, &pos, c->absent[i], &hit, &hl)) {
				snprintf(act, sizeof act, "%.*s", (int)(hl > 400 ? 400 : hl), hit);
				snprintf(exp, sizeof exp, "no line '%s'", c->absent[i]);
				mark_set(m, false, act, exp);
				return;
			}
		}
		mark_set(m, true, NULL, NULL);
		return;
	}
	case AXL_CHECK_VTIME: {
		if (cx->real_clock) {
			m->skipped = true;
			m->message = strdup("Not judged on the real clock: virtual time bounds are "
					    "exact only on the virtual clock.");
			return;
		}
		int64_t ms = (int64_t)((r->virtual_ns + 500000) / 1000000);
		snprintf(act, sizeof act, "%lld ms", (long long)ms);
		axl_bound_text(exp, sizeof exp, c->min_ms, c->max_ms, " ms");
		bool ok = (c->min_ms < 0 || ms >= c->min_ms) && (c->max_ms < 0 || ms <= c->max_ms);
		mark_set(m, ok, act, exp);
		return;
	}
	case AXL_CHECK_TASKS: {
		int64_t peak = (int64_t)r->peak_live, sp = (int64_t)r->spawned;
		if ((c->max_live >= 0 && peak > c->max_live) || (c->min_live >= 0 && peak < c->min_live)) {
			snprintf(act, sizeof act, "%lld live tasks at the peak", (long long)peak);
			axl_bound_text(exp, sizeof exp, c->min_live, c->max_live, " live tasks");
			mark_set(m, false, act, exp);
		} else if (c->min_spawned >= 0 && sp < c->min_spawned) {
			snprintf(act, sizeof act, "%lld tasks spawned", (long long)sp);
			snprintf(exp, sizeof exp, "at least %lld tasks spawned", (long long)c->min_spawned);
			mark_set(m, false, act, exp);
		} else {
			snprintf(act, sizeof act, "%lld live tasks at the peak", (long long)peak);
			mark_set(m, true, act, NULL);
		}
		return;
	}
	case AXL_CHECK_FINDING:
	case AXL_CHECK_NO_FINDING: {
		bool any = !strcmp(c->finding, "any");
		const axl_finding *hitf = NULL;
		for (size_t i = 0; i < r->nfindings && !hitf; i++) {
			const axl_finding *f = &r->findings[i];
			if ((any || !strcmp(f->id, c->finding)) &&
			    (c->kind == AXL_CHECK_NO_FINDING || !c->line_from_starter ||
			     finding_in_learner(f, learner)))
				hitf = f;
		}
		if (c->kind == AXL_CHECK_FINDING) {
			snprintf(act, sizeof act, "no %s finding%s", c->finding,
				 c->line_from_starter ? " in the exercise file" : "");
			snprintf(exp, sizeof exp, "a %s finding", c->finding);
			mark_set(m, hitf != NULL, hitf ? NULL : act, exp);
		} else {
			if (hitf && hitf->file && *hitf->file)
				snprintf(act, sizeof act, "%s at %s:%d", hitf->id,
					 base_name(hitf->file), hitf->line);
			else if (hitf)
				snprintf(act, sizeof act, "%s", hitf->id);
			snprintf(exp, sizeof exp, "no %s finding", any ? "" : c->finding);
			mark_set(m, hitf == NULL, hitf ? act : NULL, exp);
		}
		return;
	}
	case AXL_CHECK_EXIT:
		snprintf(act, sizeof act, "%d", r->status);
		snprintf(exp, sizeof exp, "%d", c->status);
		mark_set(m, r->status == c->status, act, exp);
		return;
	case AXL_CHECK_HARNESS:
		judge_harness(m, cx);
		return;
	case AXL_CHECK_FRAME_LOCALS:
		judge_locals(m, cx);
		return;
	case AXL_CHECK_TRACE:
		judge_trace(r, m, cx);
		return;
	}
	mark_set(m, false, "unknown check kind", NULL);
}

static const char *end_of(const axc_report *rep, axl_end *end, int *status)
{
	const axc_outcome *o = &rep->outcome;
	*status = o->status;
	switch (o->end) {
	case AXC_END_NOT_BUILT:
		*end = AXL_END_NOT_BUILT;
		break;
	case AXC_END_LIMIT:
		*end = o->limit == AXC_LIMIT_TIME	   ? AXL_END_TIME
		       : o->limit == AXC_LIMIT_MEMORY	   ? AXL_END_MEMORY
		       : o->limit == AXC_LIMIT_PROCESSES ? AXL_END_PROCESSES
							 : AXL_END_OUTPUT;
		break;
	case AXC_END_SIGNAL:
		*end = AXL_END_SIGNAL;
		break;
	case AXC_END_STOPPED:
		/* The checker stopped a certain deadlock. */
		*end = AXL_END_DEADLOCK;
		break;
	case AXC_END_EXITED:
		*end = AXL_END_EXITED;
		break;
	}
	return o->signal_name ? o->signal_name : "a signal";
}

static char *verdict_text(axl_end end, int status, const char *sig, int time_limit_s,
			  const char *htext)
{
	char *s = NULL;
	int rc = -1;
	const char *ht = htext && *htext ? htext : NULL;
	switch (end) {
	case AXL_END_OLD_SHAPE:
		rc = asprintf(&s, "the exercise is in an older shape of this lesson (it has its "
				  "own main()): run `asynclab reset` for the new one");
		break;
	case AXL_END_DEADLOCK:
		rc = asprintf(&s, "the program stopped: %s (a lost wake-up, or tasks waiting for "
				  "each other)", ht ? ht : "every task was waiting and nothing "
							   "could wake any of them");
		break;
	case AXL_END_STUCK:
		rc = asprintf(&s, "the program was stopped: %s", ht ? ht : "it made no progress");
		break;
	case AXL_END_UNFINISHED:
		if (ht)
			rc = asprintf(&s, "the program stopped before the lesson finished "
					  "checking it: %s", ht);
		else
			rc = asprintf(&s, "the program ended (exit status %d) before the lesson "
					  "finished checking it: did the exercise end the process "
					  "itself (exit)?", status);
		break;
	case AXL_END_EXITED:
		rc = asprintf(&s, status ? "the exercise exited with status %d"
					 : "the exercise ran to the end (exit status %d)", status);
		break;
	case AXL_END_NOT_BUILT:
		rc = asprintf(&s, "the exercise did not compile");
		break;
	case AXL_END_SIGNAL:
		rc = asprintf(&s, "the exercise was killed by %s", sig);
		break;
	case AXL_END_TIME:
		rc = asprintf(&s, "stopped after %d s (the time limit): the exercise never finished",
			      time_limit_s);
		break;
	case AXL_END_MEMORY:
		rc = asprintf(&s, "stopped: the exercise used more memory than the %d MB limit",
			      AXL_MEM_MB);
		break;
	case AXL_END_PROCESSES:
		rc = asprintf(&s, "stopped: the exercise started too many processes or threads "
				  "(limit %d)", AXL_NPROC);
		break;
	case AXL_END_OUTPUT:
		rc = asprintf(&s, "stopped: the exercise printed more output than the limit");
		break;
	}
	return rc < 0 ? NULL : s;
}

static void parse_report(axl_result *r, const axc_report *rep)
{
	const axc_stats *st = &rep->stats;
	r->virtual_ns = st->end_ns;
	r->wall_ns = st->wall_ns;
	r->peak_live = st->peak_live_tasks;
	r->spawned = st->tasks_spawned;
	r->out = xstrdup(rep->out);
	r->err = xstrdup(rep->err);
	r->output_truncated = rep->output_truncated;
	r->build_output = xstrdup(rep->build_output);

	/* Every finding, suppressed ones too: a suppression (an "asynclab:
	 * allow" comment, a daemon task) is the author's word to asynclab
	 * check, and the author here is the learner being judged.  A
	 * lesson that honoured it would pass a blocking call silenced by a
	 * comment. */
	size_t n = rep->nfindings;
	r->findings = n ? calloc(n, sizeof *r->findings) : NULL;
	for (size_t i = 0; r->findings && i < rep->nfindings; i++) {
		const axc_finding *f = &rep->findings[i];
		const axc_task *t = axc_report_task(rep, f->task);
		axl_finding *o = &r->findings[r->nfindings++];
		o->id = xstrdup(f->name);
		o->message = xstrdup(f->message);
		o->file = xstrdup(f->file);
		o->function = xstrdup(f->function);
		o->fix = xstrdup(f->fix);
		o->lesson = NULL; /* the catalog's to say: axl_result_name_lessons */
		o->line = f->line;
		o->task_id = f->task;
		o->task_name = t && t->name ? strdup(t->name) : NULL;
	}
	n = rep->ntasks;
	r->tasks = n ? calloc(n, sizeof *r->tasks) : NULL;
	for (size_t i = 0; r->tasks && i < n; i++) {
		const axc_task *t = &rep->tasks[i];
		axl_task *o = &r->tasks[r->ntasks++];
		o->id = t->id;
		o->parent = t->parent;
		o->name = t->name ? strdup(t->name) : NULL;
		o->future = xstrdup(t->future);
		o->state = xstrdup(axc_task_state_name(t->state));
		o->spawn_ns = t->spawn_ns;
		o->exit_ns = t->exit_ns;
	}
	n = rep->nspans;
	r->timeline = n ? calloc(n, sizeof *r->timeline) : NULL;
	for (size_t i = 0; r->timeline && i < n; i++) {
		const axc_span *s = &rep->spans[i];
		axl_span *o = &r->timeline[r->nspans++];
		o->task = s->task;
		snprintf(o->kind, sizeof o->kind, "%s", axc_span_kind_name(s->kind));
		o->t0 = s->t0;
		o->t1 = s->t1;
	}
}

/* How the harness's records change the end: a deadlock or a hang it
 * recorded, or a program that exited before the harness's verdict. */
static void harness_end(axl_result *r, const judge_ctx *cx)
{
	const axl__harness *h = cx->h;
	if (!h || !r->lesson || !r->lesson->has_harness || r->end == AXL_END_NOT_BUILT)
		return;
	if (h->end && !strcmp(h->end, "deadlock"))
		r->end = AXL_END_DEADLOCK;
	else if (h->end && !strcmp(h->end, "stuck"))
		r->end = AXL_END_STUCK;
	else if (h->end && strcmp(h->end, "done"))
		r->end = AXL_END_UNFINISHED;
	else if (!h->end && r->end == AXL_END_EXITED)
		r->end = AXL_END_UNFINISHED;
}

/* A check on a run that did not end normally: only what was observed
 * counts (a finding that was reported, a verdict the harness recorded, the
 * compile-time analysis); everything else is not judged. */
static void judge_abnormal(axl_result *r, axl_mark *m, const judge_ctx *cx)
{
	const axl_check *c = m->check;
	bool built = r->end != AXL_END_NOT_BUILT && r->end != AXL_END_OLD_SHAPE;
	if (built && c->kind == AXL_CHECK_HARNESS && cx->h &&
	    axl__harness_find(cx->h, c->name)) {
		judge_harness(m, cx);
		return;
	}
	if (built && c->kind == AXL_CHECK_FRAME_LOCALS) {
		judge_locals(m, cx);
		return;
	}
	if (built && (c->kind == AXL_CHECK_FINDING || c->kind == AXL_CHECK_NO_FINDING)) {
		axl_mark probe = { .check = c };
		judge_check(r, &probe, cx);
		bool found = c->kind == AXL_CHECK_FINDING ? probe.passed : !probe.passed;
		if (found) {
			*m = probe;
			return;
		}
		free(probe.message);
		free(probe.actual);
	}
	char *msg = NULL;
	if (asprintf(&msg, "Not judged: %s%s.", r->verdict ? r->verdict : "the run failed",
		     r->end == AXL_END_NOT_BUILT ? " (see the compiler output)" : "") < 0)
		msg = NULL;
	m->passed = false;
	m->message = msg;
	m->actual = r->verdict ? strdup(r->verdict) : NULL;
}

static axl_result *judge(const axl_lesson *l, axc_report *report, const judge_ctx *cx)
{
	axl_result *r = calloc(1, sizeof *r);
	if (!r) {
		axc_report_free(report);
		return NULL;
	}
	r->lesson = l;
	r->report = report;
	r->real_clock = cx->real_clock;
	parse_report(r, report);
	const char *sig = end_of(report, &r->end, &r->status);
	harness_end(r, cx);
	/* The harness's own words first; else, when the checker stopped a
	 * certain deadlock, its reason (the lock and the tasks). */
	const char *why = cx->h && cx->h->end_text && *cx->h->end_text ? cx->h->end_text : NULL;
	if (!why && report->outcome.end == AXC_END_STOPPED && r->end == AXL_END_DEADLOCK)
		why = report->outcome.message;
	r->verdict = verdict_text(r->end, r->status, sig, cx->time_limit_s, why);
	if (!l) {
		r->passed = r->end == AXL_END_EXITED && r->status == 0;
		return r;
	}
	r->marks = calloc(l->nchecks ? l->nchecks : 1, sizeof *r->marks);
	if (!r->marks)
		return r;
	r->nmarks = l->nchecks;
	size_t judged = 0;
	for (size_t i = 0; i < l->nchecks; i++) {
		axl_mark *m = &r->marks[i];
		m->check = &l->checks[i];
		if (r->end != AXL_END_EXITED)
			judge_abnormal(r, m, cx);
		else
			judge_check(r, m, cx);
		if (m->skipped)
			continue;
		judged++;
		if (!m->passed)
			r->nfailed++;
	}
	r->passed = r->nfailed == 0 && judged > 0 && r->end == AXL_END_EXITED;
	return r;
}

axl_result *axl_judge(const axl_lesson *l, axc_report *report, const char *learner)
{
	judge_ctx cx = { .time_limit_s = l ? l->time_limit_s : 5, .learner = learner };
	return judge(l, report, &cx);
}

/* A result for a file that was not built: nothing ran, nothing is judged
 * but the build itself. */
static axl_result *not_built(const axl_lesson *l, const axl_build *b, bool plain)
{
	axl_result *r = calloc(1, sizeof *r);
	if (!r)
		return NULL;
	r->lesson = l;
	r->end = b->old_shape ? AXL_END_OLD_SHAPE : AXL_END_NOT_BUILT;
	r->status = -1;
	r->build_output = strdup(b->output ? b->output : "");
	r->out = strdup("");
	r->err = strdup("");
	r->verdict = verdict_text(r->end, 0, NULL, 0, NULL);
	if (!l || plain)
		return r;
	r->marks = calloc(l->nchecks ? l->nchecks : 1, sizeof *r->marks);
	if (!r->marks)
		return r;
	r->nmarks = l->nchecks;
	judge_ctx cx = { .build = b, .learner = b->learner };
	for (size_t i = 0; i < l->nchecks; i++) {
		r->marks[i].check = &l->checks[i];
		judge_abnormal(r, &r->marks[i], &cx);
		r->nfailed += !r->marks[i].skipped && !r->marks[i].passed;
	}
	return r;
}

static int run_built(const axl_lesson *l, const axl_run_opts *o, const axl_build *b,
		     axl_result **out)
{
	if (!b->ok) {
		*out = not_built(l, b, o->plain);
		return *out ? 0 : -ENOMEM;
	}
	int limit = o->time_limit_s > 0 ? o->time_limit_s : l ? l->time_limit_s : 5;
	char key[64], keyenv[96];
	axl__key_new(key, sizeof key);
	snprintf(keyenv, sizeof keyenv, "ASYNCLAB_HARNESS_KEY=%s", key);
	const char *env[1] = { keyenv };

	axc_opts co;
	axc_opts_init(&co);
	co.program = b->exe;
	co.env = env;
	co.nenv = 1;
	if (l) {
		co.args = (const char *const *)l->args;
		co.nargs = l->nargs;
		co.seed = l->seed;
		co.seed_set = l->seed_set;
		for (int i = 0; i < AXC_TH_COUNT && i < 5; i++)
			co.thresholds[i] = l->thresholds[i];
	}
	co.clock = o->real_clock ? AXC_CLOCK_REAL : AXC_CLOCK_VIRTUAL;
	co.time_ms = (uint64_t)limit * 1000;
	co.mem_mb = AXL_MEM_MB;
	co.nproc = AXL_NPROC;
	co.output_bytes = AXL_OUTPUT_BYTES;
	/* A lesson with trace checks is always traced (they read it); the lab
	 * asks for the trace for its timeline. */
	co.trace = o->trace || o->with_trace ||
		   (l && !o->plain && axl__lesson_has_kind(l, AXL_CHECK_TRACE));

	axc_report *report = NULL;
	int rc = axc_run(&co, &report);
	if (rc < 0)
		return rc;
	if (!report)
		return -EIO;
	/* The records come out of what the learner sees, in the report too. */
	axl__harness h = { 0 };
	char *text[2] = { xstrdup(report->out), xstrdup(report->err) };
	for (int i = 0; i < 2; i++)
		if (text[i])
			axl__harness_take(&h, key, text[i]);
	if (text[0] && text[1] && !o->trace)
		axc_report_set_output(report, text[0], strlen(text[0]), text[1], strlen(text[1]));
	free(text[0]);
	free(text[1]);
	judge_ctx cx = { .h = &h, .build = b, .real_clock = o->real_clock,
			 .time_limit_s = limit, .learner = b->learner };
	*out = judge(o->plain ? NULL : l, report, &cx);
	axl__harness_free(&h);
	if (*out) {
		(*out)->lesson = l;
		free((*out)->build_output);
		(*out)->build_output = strdup(b->output ? b->output : "");
	}
	return *out ? 0 : -ENOMEM;
}

int axl_run(const axl_lesson *l, const axl_run_opts *o, axl_result **out)
{
	*out = NULL;
	if (!o || (!o->file && !o->build))
		return -EINVAL;
	if (o->build)
		return run_built(l, o, o->build, out);
	if (!l)
		return -EINVAL;
	axl_build *b = NULL;
	int rc = axl_build_exercise(l, o->file, o->opt, NULL, &b);
	if (rc < 0)
		return rc;
	rc = run_built(l, o, b, out);
	axl_build_free(b);
	return rc;
}

void axl_result_name_lessons(axl_result *r, const axl_catalog *c)
{
	for (size_t i = 0; r && c && i < r->nfindings; i++) {
		const axl_lesson *l = axl_catalog_teaching(c, r->findings[i].id);
		free(r->findings[i].lesson);
		r->findings[i].lesson = l ? strdup(l->id) : NULL;
	}
}

int axl_verify(const axl_lesson *l, const char *file, axl_result **out)
{
	if (!l)
		return -EINVAL;
	axl_run_opts o = { .file = file };
	return axl_run(l, &o, out);
}

void axl_result_free(axl_result *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->nmarks; i++) {
		free(r->marks[i].message);
		free(r->marks[i].actual);
	}
	free(r->marks);
	for (size_t i = 0; i < r->nfindings; i++) {
		axl_finding *f = &r->findings[i];
		free(f->id), free(f->message), free(f->file), free(f->function);
		free(f->fix), free(f->lesson), free(f->task_name);
	}
	free(r->findings);
	for (size_t i = 0; i < r->ntasks; i++) {
		free(r->tasks[i].name), free(r->tasks[i].future), free(r->tasks[i].state);
	}
	free(r->tasks);
	free(r->timeline);
	free(r->verdict);
	free(r->build_output);
	free(r->out);
	free(r->err);
	axc_report_free(r->report);
	free(r);
}
