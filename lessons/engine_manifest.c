/* engine_manifest.c - parse a lesson folder's lesson.ini into an axl_lesson
 * and report every mistake as "path:line: message", so an instructor can go
 * straight to the line. */
#include "config.h"

#include "engine.h"
#include "../checker/axcheck.h"
#include "engine_int.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *const kind_names[] = {
	"output", "vtime", "tasks", "finding", "no-finding", "exit", "harness", "frame-locals",
	"trace"
};

static const char *const what_names[] = {
	"polls", "spawns", "overlap", "peak", "dropped", "aborted", "woken-elsewhere",
	"stream-nexts", "lock-over-await"
};

const char *axl_trace_what_name(axl_trace_what w)
{
	return (unsigned)w < sizeof what_names / sizeof *what_names ? what_names[w] : "?";
}

const char *axl_check_kind_name(axl_check_kind k)
{
	return (unsigned)k < sizeof kind_names / sizeof *kind_names ? kind_names[k] : "?";
}

/* The checker's finding ids are defined once (checker/finding_ids.h). */
static bool known_finding(const char *id)
{
	return axc_id_lookup(id) >= 0;
}

static char *trim(char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	char *e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

static bool kebab(const char *s)
{
	if (!*s || *s == '-')
		return false;
	for (; *s; s++)
		if (!(islower((unsigned char)*s) || isdigit((unsigned char)*s) || *s == '-'))
			return false;
	return true;
}

static int push_str(char ***v, size_t *n, const char *s)
{
	char **nv = realloc(*v, (*n + 1) * sizeof **v);
	if (!nv)
		return -ENOMEM;
	*v = nv;
	if (!(nv[*n] = strdup(s)))
		return -ENOMEM;
	(*n)++;
	return 0;
}

/* The parse state: which section we are in and where. */
typedef struct pstate {
	const char *path;
	int line;
	axl_diags *d;
	int errors;
	axl_lesson *l;
	axl_check *check; /* the open [check] section, or NULL for [lesson] */
	bool in_lesson, in_unknown;
	unsigned seen;	  /* [lesson] keys seen (bit per key) */
	unsigned cseen;	  /* keys seen in the open check */
	int cline[17];	  /* the line of each check key (check_keys order) */
} pstate;

__attribute__((format(printf, 2, 3)))
static void perr(pstate *ps, const char *fmt, ...)
{
	va_list ap;
	char *s = NULL;
	va_start(ap, fmt);
	int n = vasprintf(&s, fmt, ap);
	va_end(ap);
	axl_diags_add(ps->d, "%s:%d: %s", ps->path, ps->line, n < 0 ? "?" : s);
	free(s);
	ps->errors++;
}

/* Parse a non-negative integer value in [lo, hi]. */
static bool int_val(pstate *ps, const char *key, const char *v, int64_t lo,
		    int64_t hi, int64_t *out)
{
	char *end;
	errno = 0;
	long long x = strtoll(v, &end, 10);
	if (!*v || *end || errno || x < lo || x > hi) {
		perr(ps, "%s: '%s' is not a number from %lld to %lld", key, v,
		     (long long)lo, (long long)hi);
		return false;
	}
	*out = x;
	return true;
}

static const char *const lesson_keys[] = {
	"id", "title", "order", "concept", "time_box_min", "args", "seed",
	"time_limit_s", "starter_fails",
	/* The checker's thresholds for this lesson's runs, in axc_threshold
	 * order (an anti-pattern lesson sets its own). */
	"stall_ms", "spawn_limit", "spawn_burst", "busy_wake", "cancel_polls",
	/* The finding ids whose fix this lesson teaches. */
	"teaches"
};

static void split_list(pstate *ps, const char *v, char sep, char ***out, size_t *n)
{
	char *copy = strdup(v), *save = NULL;
	if (!copy)
		return;
	char delim[3] = { sep, sep == ' ' ? '\t' : '\0', '\0' };
	for (char *t = strtok_r(copy, delim, &save); t; t = strtok_r(NULL, delim, &save)) {
		t = trim(t);
		if (*t && push_str(out, n, t) < 0)
			perr(ps, "out of memory");
	}
	free(copy);
}

static void lesson_key(pstate *ps, const char *k, const char *v)
{
	axl_lesson *l = ps->l;
	size_t i, nk = sizeof lesson_keys / sizeof *lesson_keys;
	for (i = 0; i < nk && strcmp(k, lesson_keys[i]); i++)
		;
	if (i == nk) {
		perr(ps, "unknown key '%s' in [lesson]", k);
		return;
	}
	if (ps->seen & (1u << i)) {
		perr(ps, "key '%s' repeated in [lesson]", k);
		return;
	}
	ps->seen |= 1u << i;
	int64_t x;
	switch (i) {
	case 0:
		free(l->id);
		l->id = strdup(v);
		if (!kebab(v))
			perr(ps, "[lesson] id '%s' is not kebab-case (a-z, 0-9, -)", v);
		else if (l->folder && strlen(l->folder) > 3 && strcmp(l->folder + 3, v))
			perr(ps, "[lesson] id '%s' does not match the folder name '%s'", v, l->folder);
		break;
	case 1:
		free(l->title);
		l->title = strdup(v);
		if (!*v)
			perr(ps, "[lesson] title is empty");
		break;
	case 2:
		if (int_val(ps, k, v, 0, 99, &x)) {
			l->order = (int)x;
			if (l->folder && atoi(l->folder) != l->order)
				perr(ps, "[lesson] order %d does not match the folder name '%s'",
				     l->order, l->folder);
		}
		break;
	case 3:
		free(l->concept);
		l->concept = strdup(v);
		if (!*v)
			perr(ps, "[lesson] concept is empty");
		break;
	case 4:
		if (*v && int_val(ps, k, v, 1, 600, &x))
			l->time_box_min = (int)x;
		break;
	case 5:
		split_list(ps, v, ' ', &l->args, &l->nargs);
		break;
	case 6:
		if (*v && int_val(ps, k, v, 0, INT64_MAX, &x)) {
			l->seed = (uint64_t)x;
			l->seed_set = true;
		}
		break;
	case 7:
		if (*v && int_val(ps, k, v, 1, 60, &x))
			l->time_limit_s = (int)x;
		break;
	case 8:
		split_list(ps, v, ',', &l->starter_fails, &l->nstarter_fails);
		break;
	case 14:
		split_list(ps, v, ',', &l->teaches, &l->nteaches);
		for (size_t t = 0; t < l->nteaches; t++)
			if (!known_finding(l->teaches[t]))
				perr(ps, "[lesson] teaches: unknown finding id '%s'", l->teaches[t]);
		break;
	default:
		if (int_val(ps, k, v, 1, 1000000, &x))
			l->thresholds[i - 9] = (long)x;
		break;
	}
}

enum { CK_KIND = 1, CK_MESSAGE = 2, CK_MIN_MS = 4, CK_MAX_MS = 8, CK_MIN_LIVE = 16,
       CK_MAX_LIVE = 32, CK_MIN_SPAWNED = 64, CK_ID = 128, CK_LINE_FROM = 256,
       CK_STATUS = 512, CK_WHAT = 1024, CK_NAME = 2048, CK_OTHER = 4096, CK_MIN = 8192,
       CK_MAX = 16384 };

static const struct ckey {
	const char *name;
	unsigned bit;
} check_keys[] = {
	{ "kind", CK_KIND },	     { "message", CK_MESSAGE }, { "expect", 0 },
	{ "absent", 0 },	     { "min_ms", CK_MIN_MS },	{ "max_ms", CK_MAX_MS },
	{ "min_live", CK_MIN_LIVE }, { "max_live", CK_MAX_LIVE },
	{ "min_spawned", CK_MIN_SPAWNED }, { "id", CK_ID },
	{ "line_from", CK_LINE_FROM }, { "status", CK_STATUS },
	{ "what", CK_WHAT },	     { "name", CK_NAME },	{ "other", CK_OTHER },
	{ "min", CK_MIN },	     { "max", CK_MAX },
};

/* Which keys each kind accepts beyond kind and message. */
static unsigned kind_keys(axl_check_kind k)
{
	switch (k) {
	case AXL_CHECK_VTIME: return CK_MIN_MS | CK_MAX_MS;
	case AXL_CHECK_TASKS: return CK_MIN_LIVE | CK_MAX_LIVE | CK_MIN_SPAWNED;
	case AXL_CHECK_FINDING: return CK_ID | CK_LINE_FROM;
	case AXL_CHECK_NO_FINDING: return CK_ID;
	case AXL_CHECK_EXIT: return CK_STATUS;
	case AXL_CHECK_TRACE: return CK_WHAT | CK_NAME | CK_OTHER | CK_MIN | CK_MAX;
	default: return 0;
	}
}

static void check_key(pstate *ps, const char *k, const char *v)
{
	axl_check *c = ps->check;
	size_t i, nk = sizeof check_keys / sizeof *check_keys;
	for (i = 0; i < nk && strcmp(k, check_keys[i].name); i++)
		;
	if (i == nk) {
		perr(ps, "unknown key '%s' in [check %s]", k, c->name);
		return;
	}
	unsigned bit = check_keys[i].bit;
	if (!ps->cline[i])
		ps->cline[i] = ps->line;
	if (bit && (ps->cseen & bit)) {
		perr(ps, "key '%s' repeated in [check %s]", k, c->name);
		return;
	}
	ps->cseen |= bit;
	int64_t x;
	if (!strcmp(k, "kind")) {
		size_t j, n = sizeof kind_names / sizeof *kind_names;
		for (j = 0; j < n && strcmp(v, kind_names[j]); j++)
			;
		if (j == n) {
			perr(ps, "[check %s] kind '%s' is not one of output, vtime, tasks, "
				 "finding, no-finding, exit, harness, frame-locals, trace", c->name, v);
		} else {
			c->kind = (axl_check_kind)j;
		}
	} else if (!strcmp(k, "message")) {
		free(c->message);
		c->message = strdup(v);
	} else if (!strcmp(k, "expect")) {
		push_str(&c->expect, &c->nexpect, v);
	} else if (!strcmp(k, "absent")) {
		push_str(&c->absent, &c->nabsent, v);
	} else if (!strcmp(k, "id")) {
		free(c->finding);
		c->finding = strdup(v);
		if (strcmp(v, "any") && !known_finding(v))
			perr(ps, "[check %s] unknown finding id '%s'", c->name, v);
	} else if (!strcmp(k, "line_from")) {
		if (!strcmp(v, "starter"))
			c->line_from_starter = true;
		else if (strcmp(v, "any"))
			perr(ps, "[check %s] line_from '%s' is not starter or any", c->name, v);
	} else if (!strcmp(k, "what")) {
		size_t j, n = sizeof what_names / sizeof *what_names;
		for (j = 0; j < n && strcmp(v, what_names[j]); j++)
			;
		if (j == n)
			perr(ps, "[check %s] what '%s' is not one of polls, spawns, overlap, peak, "
				 "dropped, aborted, woken-elsewhere, stream-nexts, lock-over-await",
			     c->name, v);
		else
			c->what = (axl_trace_what)j;
	} else if (!strcmp(k, "name") || !strcmp(k, "other")) {
		char **dst = !strcmp(k, "name") ? &c->tname : &c->tother;
		if (!*v)
			perr(ps, "[check %s] %s is empty", c->name, k);
		free(*dst);
		*dst = strdup(v);
	} else if (!strcmp(k, "min") || !strcmp(k, "max")) {
		if (int_val(ps, k, v, 0, 1000000000, &x))
			*(!strcmp(k, "min") ? &c->tmin : &c->tmax) = x;
	} else if (!strcmp(k, "status")) {
		if (int_val(ps, k, v, 0, 255, &x))
			c->status = (int)x;
	} else {
		int64_t *dst = !strcmp(k, "min_ms") ? &c->min_ms
			     : !strcmp(k, "max_ms") ? &c->max_ms
			     : !strcmp(k, "min_live") ? &c->min_live
			     : !strcmp(k, "max_live") ? &c->max_live : &c->min_spawned;
		if (int_val(ps, k, v, 0, INT64_MAX / 1000000, &x))
			*dst = x;
	}
}

/* The line of a check key, else the header's. */
static int key_line(const pstate *ps, const char *key, int header_line)
{
	for (size_t i = 0; i < sizeof check_keys / sizeof *check_keys; i++)
		if (!strcmp(check_keys[i].name, key))
			return ps->cline[i] ? ps->cline[i] : header_line;
	return header_line;
}

/* A trace check's keys fit its what: a name where one is needed, other
 * only for overlap, a bound, min <= max, lock kinds for lock-over-await. */
static void trace_close(pstate *ps, axl_check *c, unsigned s)
{
	int hdr = ps->line;
	const char *w = axl_trace_what_name(c->what);
	if (!(s & CK_WHAT)) {
		perr(ps, "[check %s] kind trace needs what = polls, spawns, overlap, peak, dropped, "
			 "aborted, woken-elsewhere, stream-nexts or lock-over-await", c->name);
		return;
	}
	if (!(s & (CK_MIN | CK_MAX)))
		perr(ps, "[check %s] kind trace needs min or max", c->name);
	if (c->tmin >= 0 && c->tmax >= 0 && c->tmin > c->tmax) {
		ps->line = key_line(ps, "max", hdr);
		perr(ps, "[check %s] max %lld is below min %lld", c->name, (long long)c->tmax,
		     (long long)c->tmin);
		ps->line = hdr;
	}
	bool boolean = c->what == AXL_TRACE_OVERLAP || c->what == AXL_TRACE_LOCK_OVER_AWAIT;
	if (boolean && ((c->tmin > 1) || (c->tmax > 1))) {
		ps->line = key_line(ps, c->tmin > 1 ? "min" : "max", hdr);
		perr(ps, "[check %s] what %s counts 0 (no) or 1 (yes): use min = 1 or max = 0",
		     c->name, w);
		ps->line = hdr;
	}
	if (c->what == AXL_TRACE_LOCK_OVER_AWAIT) {
		if (c->tname && strcmp(c->tname, "async") && strcmp(c->tname, "blocking") &&
		    strcmp(c->tname, "any")) {
			ps->line = key_line(ps, "name", hdr);
			perr(ps, "[check %s] name '%s' is not async, blocking or any (the kind of "
				 "lock)", c->name, c->tname);
			ps->line = hdr;
		}
	} else if (!c->tname) {
		perr(ps, "[check %s] what %s needs a name (%s)", c->name, w,
		     c->what == AXL_TRACE_SPAWNS ? "the function spawning"
		     : c->what == AXL_TRACE_STREAM_NEXTS ? "the stream's name"
							 : "the async function or future's name");
	}
	if (c->what == AXL_TRACE_OVERLAP && !c->tother)
		perr(ps, "[check %s] what overlap needs other (the second future's name)", c->name);
	if (c->what != AXL_TRACE_OVERLAP && c->tother) {
		ps->line = key_line(ps, "other", hdr);
		perr(ps, "[check %s] other applies only to what = overlap", c->name);
		ps->line = hdr;
	}
}

/* Called at the end of a [check] section: are the keys right for its kind? */
static void check_close(pstate *ps, int header_line)
{
	axl_check *c = ps->check;
	if (!c)
		return;
	int save = ps->line;
	ps->line = header_line;
	unsigned s = ps->cseen;
	if (!(s & CK_KIND)) {
		perr(ps, "[check %s] has no kind", c->name);
	} else if (c->kind != (axl_check_kind)-1) {
		unsigned extra = s & ~(unsigned)(CK_KIND | CK_MESSAGE) & ~kind_keys(c->kind);
		for (size_t i = 0; extra && i < sizeof check_keys / sizeof *check_keys; i++)
			if (extra & check_keys[i].bit) {
				ps->line = ps->cline[i];
				perr(ps, "[check %s] key '%s' does not apply to kind %s", c->name,
				     check_keys[i].name, kind_names[c->kind]);
			}
		ps->line = header_line;
		if (c->kind != AXL_CHECK_OUTPUT && (c->nexpect || c->nabsent)) {
			ps->line = ps->cline[c->nexpect ? 2 : 3];
			perr(ps, "[check %s] expect/absent apply only to kind output", c->name);
			ps->line = header_line;
		}
		if (c->kind == AXL_CHECK_OUTPUT && !c->nexpect && !c->nabsent)
			perr(ps, "[check %s] kind output needs an expect or absent line", c->name);
		if (c->kind == AXL_CHECK_VTIME && !(s & (CK_MIN_MS | CK_MAX_MS)))
			perr(ps, "[check %s] kind vtime needs min_ms or max_ms", c->name);
		if (c->kind == AXL_CHECK_TASKS && !(s & (CK_MIN_LIVE | CK_MAX_LIVE | CK_MIN_SPAWNED)))
			perr(ps, "[check %s] kind tasks needs max_live, min_live or min_spawned", c->name);
		if ((c->kind == AXL_CHECK_FINDING || c->kind == AXL_CHECK_NO_FINDING) && !c->finding)
			perr(ps, "[check %s] kind %s needs an id", c->name, kind_names[c->kind]);
		if (c->kind == AXL_CHECK_FINDING && c->finding && !strcmp(c->finding, "any"))
			perr(ps, "[check %s] kind finding needs a finding id, not 'any'", c->name);
		if (c->kind == AXL_CHECK_TRACE)
			trace_close(ps, c, s);
	}
	if (!c->message || !*c->message)
		perr(ps, "[check %s] has no message", c->name);
	ps->line = save;
	ps->check = NULL;
}

static axl_check *check_new(pstate *ps, const char *name)
{
	axl_lesson *l = ps->l;
	axl_check *nc = realloc(l->checks, (l->nchecks + 1) * sizeof *nc);
	if (!nc)
		return NULL;
	l->checks = nc;
	axl_check *c = &nc[l->nchecks++];
	memset(c, 0, sizeof *c);
	c->name = strdup(name);
	c->kind = (axl_check_kind)-1;
	c->line = ps->line;
	c->min_ms = c->max_ms = c->min_live = c->max_live = c->min_spawned = -1;
	c->tmin = c->tmax = -1;
	return c;
}

static void section(pstate *ps, char *hdr, int *check_line)
{
	check_close(ps, *check_line);
	ps->in_lesson = ps->in_unknown = false;
	char *h = trim(hdr);
	if (!strcmp(h, "lesson")) {
		ps->in_lesson = true;
		return;
	}
	if (!strncmp(h, "check", 5) && (h[5] == ' ' || h[5] == '\t')) {
		char *name = trim(h + 5);
		if (!kebab(name))
			perr(ps, "check name '%s' is not kebab-case (a-z, 0-9, -)", name);
		for (size_t i = 0; i < ps->l->nchecks; i++)
			if (!strcmp(ps->l->checks[i].name, name))
				perr(ps, "check '%s' already defined at line %d", name,
				     ps->l->checks[i].line);
		ps->check = check_new(ps, name);
		ps->cseen = 0;
		memset(ps->cline, 0, sizeof ps->cline);
		*check_line = ps->line;
		return;
	}
	perr(ps, "unknown section [%s] (expected [lesson] or [check NAME])", h);
	ps->in_unknown = true;
}

static void parse_text(pstate *ps, char *text)
{
	int check_line = 0;
	bool seen_lesson = false;
	char *p = text;
	ps->line = 0;
	while (p) {
		char *nl = strchr(p, '\n');
		if (nl)
			*nl = '\0';
		ps->line++;
		char *s = trim(p);
		p = nl ? nl + 1 : NULL;
		if (!*s || *s == '#' || *s == ';')
			continue;
		if (*s == '[') {
			char *e = strrchr(s, ']');
			if (!e || e[1]) {
				perr(ps, "section header without a closing ']'");
				continue;
			}
			*e = '\0';
			section(ps, s + 1, &check_line);
			if (ps->in_lesson) {
				if (seen_lesson)
					perr(ps, "[lesson] appears twice");
				seen_lesson = true;
			}
			continue;
		}
		char *eq = strchr(s, '=');
		if (!eq) {
			perr(ps, "expected 'key = value' or a [section]");
			continue;
		}
		*eq = '\0';
		char *k = trim(s), *v = trim(eq + 1);
		if (!*k)
			perr(ps, "a value without a key");
		else if (ps->check)
			check_key(ps, k, v);
		else if (ps->in_lesson)
			lesson_key(ps, k, v);
		else if (!ps->in_unknown)
			perr(ps, "key '%s' outside any section", k);
	}
	check_close(ps, check_line);
	int last = ps->line;
	ps->line = 1;
	if (!seen_lesson)
		perr(ps, "no [lesson] section");
	else {
		static const char *const req[] = { "id", "title", "order", "concept" };
		for (unsigned i = 0; i < 4; i++)
			if (!(ps->seen & (1u << i)))
				perr(ps, "[lesson] has no %s", req[i]);
	}
	if (!ps->l->nchecks)
		perr(ps, "no [check NAME] section: a lesson needs at least one check");
	for (size_t i = 0; i < ps->l->nstarter_fails; i++) {
		size_t j;
		for (j = 0; j < ps->l->nchecks; j++)
			if (!strcmp(ps->l->checks[j].name, ps->l->starter_fails[i]))
				break;
		if (j == ps->l->nchecks && strcmp(ps->l->starter_fails[i], "clean-exit"))
			perr(ps, "starter_fails names '%s', which is not a check of this lesson",
			     ps->l->starter_fails[i]);
	}
	ps->line = last;
}

/* The implicit last check: exit status 0 unless the lesson judges the exit
 * itself (exit or harness). */
static void add_clean_exit(axl_lesson *l)
{
	for (size_t i = 0; i < l->nchecks; i++)
		if (l->checks[i].kind == AXL_CHECK_EXIT || l->checks[i].kind == AXL_CHECK_HARNESS)
			return;
	pstate ps = { .l = l };
	axl_check *c = check_new(&ps, "clean-exit");
	if (!c)
		return;
	c->line = 0;
	c->kind = AXL_CHECK_EXIT;
	c->status = 0;
	c->message = strdup("The exercise exited with status {actual}; a finished program "
			    "returns 0 from main.");
}

bool axl__lesson_has_kind(const axl_lesson *l, axl_check_kind k)
{
	for (size_t i = 0; i < l->nchecks; i++)
		if (l->checks[i].kind == k)
			return true;
	return false;
}

char *axl_lesson_path(const axl_lesson *l, const char *name)
{
	char *p = NULL;
	if (asprintf(&p, "%s/%s", l->dir, name) < 0)
		return NULL;
	return p;
}

int axl_lesson_load(const char *dir, axl_lesson **out, axl_diags *d)
{
	*out = NULL;
	axl_lesson *l = calloc(1, sizeof *l);
	if (!l)
		return -ENOMEM;
	size_t dl = strlen(dir);
	while (dl > 1 && dir[dl - 1] == '/')
		dl--;
	l->dir = strndup(dir, dl);
	const char *base = strrchr(l->dir, '/');
	l->folder = strdup(base ? base + 1 : l->dir);
	l->time_limit_s = 5;
	for (size_t i = 0; i < sizeof l->thresholds / sizeof *l->thresholds; i++)
		l->thresholds[i] = -1;
	char *path = axl_lesson_path(l, "lesson.ini");
	size_t len;
	char *text = path ? axl_read_file(path, &len) : NULL;
	if (!text) {
		int err = path ? errno : ENOMEM;
		axl_diags_add(d, "%s: cannot read: %s", path ? path : dir, strerror(err));
		free(path);
		axl_lesson_free(l);
		return -err;
	}
	pstate ps = { .path = path, .d = d, .l = l };
	const char *f = l->folder;
	if (!(isdigit((unsigned char)f[0]) && isdigit((unsigned char)f[1]) && f[2] == '-' && f[3])) {
		ps.line = 1;
		perr(&ps, "the folder name '%s' is not NN-id (e.g. 04-join)", f);
		l->folder[0] = '\0'; /* skip the id/order comparisons */
	}
	if (strlen(text) != len) {
		ps.line = 1;
		perr(&ps, "the file contains a NUL byte");
	} else {
		parse_text(&ps, text);
	}
	free(text);
	if (!l->folder[0]) {
		free(l->folder);
		l->folder = strdup(base ? base + 1 : l->dir);
	}
	free(path);
	if (ps.errors) {
		axl_lesson_free(l);
		return -EINVAL;
	}
	add_clean_exit(l);
	for (int i = 1; i < 10; i++) {
		char name[16];
		snprintf(name, sizeof name, "hint%d.md", i);
		char *hp = axl_lesson_path(l, name);
		bool ok = hp && access(hp, R_OK) == 0;
		free(hp);
		if (!ok)
			break;
		l->nhints = i;
	}
	char *hp = axl_lesson_path(l, "harness.c");
	l->has_harness = hp && access(hp, R_OK) == 0;
	free(hp);
	*out = l;
	return 0;
}

static void free_strv(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

void axl_lesson_free(axl_lesson *l)
{
	if (!l)
		return;
	for (size_t i = 0; i < l->nchecks; i++) {
		axl_check *c = &l->checks[i];
		free(c->name);
		free(c->message);
		free(c->finding);
		free(c->tname);
		free(c->tother);
		free_strv(c->expect, c->nexpect);
		free_strv(c->absent, c->nabsent);
	}
	free(l->checks);
	free_strv(l->args, l->nargs);
	free_strv(l->starter_fails, l->nstarter_fails);
	free_strv(l->teaches, l->nteaches);
	free(l->dir);
	free(l->folder);
	free(l->id);
	free(l->title);
	free(l->concept);
	free(l);
}
