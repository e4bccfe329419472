/* engine_verify.c - verify a learner's file against a lesson: build and run
 * it under the checker (axc_run: a sandboxed child with time, memory,
 * process and output limits, on the virtual clock), then judge the run
 * report against the lesson's checks, one mark per check. */
#include "config.h"

#include "engine.h"
#include "../checker/axcheck.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define AXL_MEM_MB 512
#define AXL_NPROC 64
#define AXL_OUTPUT_BYTES (1u << 20)

static const char *jstr(const json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));
	return s ? s : "";
}

static int64_t jint(const json_t *o, const char *k, int64_t dflt)
{
	json_t *v = json_object_get(o, k);
	return json_is_integer(v) ? json_integer_value(v) : dflt;
}

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

/* The first "HARNESS FAIL: ..." message in text, or NULL. */
static char *harness_fail(const char *text)
{
	const char *p = strstr(text, "HARNESS FAIL:");
	if (!p)
		return NULL;
	p += 13;
	while (*p == ' ')
		p++;
	size_t len = strcspn(p, "\n");
	return strndup(p, len);
}

static void judge_check(axl_result *r, axl_mark *m, const char *learner)
{
	const axl_check *c = m->check;
	char act[512], exp[512];
	switch (c->kind) {
	case AXL_CHECK_OUTPUT: {
		size_t pos = 0;
		const char *hit;
		size_t hl;
		for (size_t i = 0; i < c->nexpect; i++) {
			if (!find_line(r->out, &pos, c->expect[i], &hit, &hl)) {
				/* {actual} is the line that did not come (README.md). */
				mark_set(m, false, c->expect[i], c->expect[i]);
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
	case AXL_CHECK_HARNESS: {
		char *why = harness_fail(r->out);
		if (!why)
			why = harness_fail(r->err);
		if (!why && r->status != 0) {
			snprintf(act, sizeof act, "the harness exited with status %d", r->status);
			why = strdup(act);
		}
		mark_set(m, r->status == 0 && !why, why, "the harness passes");
		free(why);
		return;
	}
	}
	mark_set(m, false, "unknown check kind", NULL);
}

static const char *end_of(const json_t *rep, axl_end *end, int *status)
{
	const json_t *ex = json_object_get(rep, "exit");
	const char *limit = json_string_value(json_object_get(ex, "limit"));
	const char *sig = json_string_value(json_object_get(ex, "signal"));
	*status = (int)jint(ex, "status", -1);
	if (!json_is_true(json_object_get(json_object_get(rep, "build"), "ok")))
		*end = AXL_END_NOT_BUILT;
	else if ((limit && !strcmp(limit, "time")) || json_is_true(json_object_get(ex, "timed_out")))
		*end = AXL_END_TIME;
	else if (limit && !strcmp(limit, "memory"))
		*end = AXL_END_MEMORY;
	else if (limit && !strcmp(limit, "processes"))
		*end = AXL_END_PROCESSES;
	else if (limit && !strcmp(limit, "output"))
		*end = AXL_END_OUTPUT;
	else if (sig || *status < 0)
		*end = AXL_END_SIGNAL;
	else
		*end = AXL_END_EXITED;
	return sig ? sig : "a signal";
}

static char *verdict_text(axl_end end, int status, const char *sig, int time_limit_s)
{
	char *s = NULL;
	int rc = -1;
	switch (end) {
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

static void parse_report(axl_result *r, const json_t *rep)
{
	const json_t *st = json_object_get(rep, "stats");
	r->virtual_ns = (uint64_t)jint(st, "virtual_ns", 0);
	r->wall_ns = (uint64_t)jint(st, "wall_ns", 0);
	r->peak_live = (uint64_t)jint(st, "peak_live_tasks", 0);
	r->spawned = (uint64_t)jint(st, "tasks_spawned", 0);
	r->out = xstrdup(jstr(rep, "stdout"));
	r->err = xstrdup(jstr(rep, "stderr"));
	r->output_truncated = json_is_true(json_object_get(rep, "output_truncated"));
	r->build_output = xstrdup(jstr(json_object_get(rep, "build"), "output"));

	const json_t *fs = json_object_get(rep, "findings");
	size_t n = json_array_size(fs);
	r->findings = n ? calloc(n, sizeof *r->findings) : NULL;
	for (size_t i = 0; r->findings && i < n; i++) {
		const json_t *f = json_array_get(fs, i), *t = json_object_get(f, "task");
		axl_finding *o = &r->findings[r->nfindings++];
		o->id = xstrdup(jstr(f, "id"));
		o->message = xstrdup(jstr(f, "message"));
		o->file = xstrdup(jstr(f, "file"));
		o->function = xstrdup(jstr(f, "function"));
		o->fix = xstrdup(jstr(f, "fix"));
		o->lesson = xstrdup(jstr(f, "lesson"));
		o->line = (int)jint(f, "line", 0);
		o->task_id = jint(t, "id", 0);
		const char *tn = json_string_value(json_object_get(t, "name"));
		o->task_name = tn ? strdup(tn) : NULL;
	}
	const json_t *ts = json_object_get(rep, "tasks");
	n = json_array_size(ts);
	r->tasks = n ? calloc(n, sizeof *r->tasks) : NULL;
	for (size_t i = 0; r->tasks && i < n; i++) {
		const json_t *t = json_array_get(ts, i);
		axl_task *o = &r->tasks[r->ntasks++];
		o->id = jint(t, "id", 0);
		o->parent = jint(t, "parent", 0);
		const char *nm = json_string_value(json_object_get(t, "name"));
		o->name = nm ? strdup(nm) : NULL;
		o->future = xstrdup(jstr(t, "future"));
		o->state = xstrdup(jstr(t, "state"));
		o->spawn_ns = (uint64_t)jint(t, "spawn_ns", 0);
		o->exit_ns = jint(t, "exit_ns", -1);
	}
	const json_t *tl = json_object_get(rep, "timeline");
	n = json_array_size(tl);
	r->timeline = n ? calloc(n, sizeof *r->timeline) : NULL;
	for (size_t i = 0; r->timeline && i < n; i++) {
		const json_t *s = json_array_get(tl, i);
		axl_span *o = &r->timeline[r->nspans++];
		o->task = jint(s, "task", 0);
		snprintf(o->kind, sizeof o->kind, "%s", jstr(s, "kind"));
		o->t0 = (uint64_t)jint(s, "t0", 0);
		o->t1 = (uint64_t)jint(s, "t1", 0);
	}
}

static axl_result *judge(const axl_lesson *l, json_t *report, const char *learner,
			 int time_limit_s)
{
	axl_result *r = calloc(1, sizeof *r);
	if (!r) {
		json_decref(report);
		return NULL;
	}
	r->lesson = l;
	r->report = report;
	parse_report(r, report);
	const char *sig = end_of(report, &r->end, &r->status);
	r->verdict = verdict_text(r->end, r->status, sig, time_limit_s);
	if (!l) {
		r->passed = r->end == AXL_END_EXITED && r->status == 0;
		return r;
	}
	r->marks = calloc(l->nchecks ? l->nchecks : 1, sizeof *r->marks);
	if (!r->marks)
		return r;
	r->nmarks = l->nchecks;
	for (size_t i = 0; i < l->nchecks; i++) {
		axl_mark *m = &r->marks[i];
		m->check = &l->checks[i];
		if (r->end != AXL_END_EXITED) {
			char *msg = NULL;
			if (asprintf(&msg, "Not judged: %s%s.", r->verdict ? r->verdict : "the run failed",
				     r->end == AXL_END_NOT_BUILT ? " (see the compiler output)" : "") < 0)
				msg = NULL;
			m->passed = false;
			m->message = msg;
			m->actual = r->verdict ? strdup(r->verdict) : NULL;
		} else {
			judge_check(r, m, learner);
		}
		if (!m->passed)
			r->nfailed++;
	}
	r->passed = r->nfailed == 0 && r->nmarks > 0;
	return r;
}

axl_result *axl_judge(const axl_lesson *l, json_t *report, const char *learner)
{
	return judge(l, report, learner, l ? l->time_limit_s : 5);
}

int axl_run(const axl_lesson *l, const axl_run_opts *o, axl_result **out)
{
	*out = NULL;
	if (!o || !o->file)
		return -EINVAL;
	char *harness = NULL;
	if (o->plain)
		harness = NULL;
	else if (o->harness)
		harness = strdup(o->harness);
	else if (l && l->has_harness)
		harness = axl_lesson_path(l, "harness.c");
	const char *files[2] = { o->file, harness };
	const char *cflags[] = { "-O0", "-g", "-Dmain=ax_learner_main" };
	int limit = o->time_limit_s > 0 ? o->time_limit_s : l ? l->time_limit_s : 5;

	axc_opts co;
	axc_opts_init(&co);
	co.files = files;
	co.nfiles = harness ? 2 : 1;
	co.cflags = cflags;
	co.ncflags = harness ? 3 : 2;
	if (l) {
		co.args = (const char *const *)l->args;
		co.nargs = l->nargs;
		co.seed = l->seed;
		co.seed_set = l->seed_set;
	}
	co.clock = AXC_CLOCK_VIRTUAL;
	co.time_ms = (uint64_t)limit * 1000;
	co.mem_mb = AXL_MEM_MB;
	co.nproc = AXL_NPROC;
	co.output_bytes = AXL_OUTPUT_BYTES;

	json_t *report = NULL;
	int rc = axc_run(&co, &report);
	free(harness);
	if (rc < 0)
		return rc;
	if (!report)
		return -EIO;
	*out = judge(o->plain ? NULL : l, report, o->file, limit);
	if (*out)
		(*out)->lesson = l;
	return *out ? 0 : -ENOMEM;
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
	json_decref(r->report);
	free(r);
}
