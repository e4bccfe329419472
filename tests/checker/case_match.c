/* case_match.c - checks one run of a checker case program: reads the
 * case's "expect: ID LINE" (or "expect: none") comments and the probe's
 * event stream, symbolises code-address locations with addr2line, and
 * fails unless the findings are exactly the expected (id, line) pairs,
 * each reported once.  Further comments:
 *   expect: suppressed ID LINE WHY  that finding, kept but suppressed for
 *                                   WHY: "daemon" (the probe marks it) or
 *                                   "comment" (an asynclab: allow comment;
 *                                   asynclab check decides it, the probe
 *                                   reports the finding unmarked)
 *   expect-note: ID LINE NOTELINE   that finding has a note at NOTELINE
 *   expect-first-note: ID LINE NOTELINE   ... and it is the first note
 *                                   located in the case file
 *   expect-end: REASON              the probe ended the run ("end" event);
 *                                   without it an "end" event fails
 *   expect-text: ID LINE PATTERN    that finding's message or one of its
 *                                   notes' matches *PATTERN* (fnmatch: a
 *                                   '*' in it stands for any text, such as
 *                                   a worker's number or a duration)
 *
 * usage: case_match CASE.c EVENTS.jsonl PROGRAM
 *        case_match --suppressed REPORT.json
 * The second form prints "ID LINE WHY" for each suppressed finding of a
 * run report (asynclab check --report), for run-cases to compare. */
#include <fnmatch.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_EXP 32

typedef struct expect {
	char id[64];
	int line;
	int hits;
	char why[32]; /* expected suppressed for this reason; "" for reported */
} expect;

typedef struct expect_note {
	char id[64];
	int line, note;
	int first; /* must be the first note in the case file */
	int hits;
} expect_note;

static expect_note notes[MAX_EXP];
static int nnotes;

typedef struct expect_text {
	char id[64];
	int line;
	char pat[512]; /* "*PATTERN*" */
	int hits;
} expect_text;
static expect_text texts[MAX_EXP];
static int ntexts;
static char want_end[64];

static int read_expectations(const char *path, expect *ex, int *none)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return -1;
	char buf[1024];
	int n = 0;
	*none = 0;
	while (fgets(buf, sizeof buf, f)) {
		const char *q = strstr(buf, "expect-note: ");
		int first = 0;
		if (!q && (q = strstr(buf, "expect-first-note: ")))
			first = 1;
		if (q && nnotes < MAX_EXP) {
			expect_note *e = &notes[nnotes];
			q = strchr(q, ' ') + 1;
			if (sscanf(q, "%63[a-z-] %d %d", e->id, &e->line, &e->note) == 3) {
				e->first = first;
				e->hits = 0;
				nnotes++;
			}
			continue;
		}
		q = strstr(buf, "expect-text: ");
		if (q && ntexts < MAX_EXP) {
			expect_text *e = &texts[ntexts];
			int used = 0;
			if (sscanf(q + 13, "%63[a-z-] %d %n", e->id, &e->line, &used) >= 2 &&
			    used > 0) {
				const char *t = q + 13 + used;
				const char *end = strstr(t, "*/");
				size_t len = end ? (size_t)(end - t) : strlen(t);
				while (len && (t[len - 1] == ' ' || t[len - 1] == '\n' ||
					       t[len - 1] == '\t'))
					len--;
				snprintf(e->pat, sizeof e->pat, "*%.*s*", (int)len, t);
				e->hits = 0;
				ntexts++;
			}
			continue;
		}
		q = strstr(buf, "expect-end: ");
		if (q) {
			sscanf(q + 12, "%63[a-z-]", want_end);
			continue;
		}
		const char *p = strstr(buf, "expect: ");
		if (!p)
			continue;
		p += 8;
		if (!strncmp(p, "none", 4)) {
			*none = 1;
			continue;
		}
		ex[n].why[0] = '\0';
		if (n < MAX_EXP && !strncmp(p, "suppressed ", 11)) {
			if (sscanf(p + 11, "%63[a-z-] %d %31[a-z]", ex[n].id, &ex[n].line,
				   ex[n].why) == 3)
				ex[n++].hits = 0;
			continue;
		}
		if (n < MAX_EXP && sscanf(p, "%63[a-z-] %d", ex[n].id, &ex[n].line) == 2)
			ex[n++].hits = 0;
	}
	fclose(f);
	return n;
}

static int same_file(const char *a, const char *b)
{
	const char *sa = strrchr(a, '/'), *sb = strrchr(b, '/');
	return !strcmp(sa ? sa + 1 : a, sb ? sb + 1 : b);
}

/* The source line of offset off in prog, via addr2line; 0 if unknown.
 * When the address is in a function inlined from a header (ax_poll), the
 * line in the case file that the inline chain leads to. */
static int line_of(const char *prog, const char *off, const char *casefile)
{
	char cmd[4096];
	snprintf(cmd, sizeof cmd, "addr2line -i -e '%s' %s", prog, off);
	FILE *p = popen(cmd, "r");
	if (!p)
		return 0;
	char out[4096];
	int first = 0, mine = 0;
	while (fgets(out, sizeof out, p)) {
		char *colon = strrchr(out, ':');
		if (!colon)
			continue;
		*colon = 0;
		int ln = atoi(colon + 1);
		if (!first)
			first = ln;
		if (!mine && same_file(out, casefile))
			mine = ln;
	}
	pclose(p);
	return mine ? mine : first;
}

/* The finding's line in the case file, or 0 when it points elsewhere. */
static int finding_line(json_t *loc, const char *casefile, const char *prog,
			const char *progreal)
{
	const char *file = json_string_value(json_object_get(loc, "file"));
	if (file)
		return same_file(file, casefile)
			? (int)json_integer_value(json_object_get(loc, "line"))
			: 0;
	const char *mod = json_string_value(json_object_get(loc, "mod"));
	const char *off = json_string_value(json_object_get(loc, "off"));
	if (!mod || !off || (strcmp(mod, progreal) && !same_file(mod, prog)))
		return 0;
	return line_of(prog, off, casefile);
}

/* Count the expected notes the finding o (id at line ln) has. */
static void check_notes(json_t *o, const char *id, int ln, const char *casefile,
			const char *prog, const char *progreal)
{
	json_t *n;
	size_t i;
	int first = 0;
	json_array_foreach(json_object_get(o, "notes"), i, n) {
		int nl = finding_line(json_object_get(n, "loc"), casefile, prog, progreal);
		if (!nl)
			continue;
		for (int k = 0; k < nnotes; k++)
			if (id && !strcmp(notes[k].id, id) && notes[k].line == ln &&
			    notes[k].note == nl && (!notes[k].first || !first))
				notes[k].hits++;
		first = 1;
	}
}

/* Count the expected texts the finding o (id at line ln) has, in its
 * message or a note's. */
static void check_texts(json_t *o, const char *id, int ln)
{
	for (int k = 0; k < ntexts; k++) {
		if (!id || strcmp(texts[k].id, id) || texts[k].line != ln)
			continue;
		const char *m = json_string_value(json_object_get(o, "message"));
		int hit = m && fnmatch(texts[k].pat, m, 0) == 0;
		json_t *n;
		size_t i;
		json_array_foreach(json_object_get(o, "notes"), i, n) {
			const char *nm = json_string_value(json_object_get(n, "message"));
			hit |= nm && fnmatch(texts[k].pat, nm, 0) == 0;
		}
		texts[k].hits += hit;
	}
}

/* One bug, one finding: a stall of a task at the line of a blocking call
 * reported for that task is the call's doing, and asynclab check shows it
 * as a note of the blocking-call finding (inspect_report.c,
 * fold_stalls_into_blocking), not as a finding.  Whether the probe saw
 * such a stall at all depends on how long the call blocked (a lock held
 * by another thread on a loaded machine), so it is no finding here
 * either. */
static int stall_of_call(json_t *calls, json_t *stall, int ln)
{
	json_t *c;
	size_t i;
	if (ln <= 0)
		return 0;
	json_array_foreach(calls, i, c)
		if (json_integer_value(json_object_get(c, "line")) == ln &&
		    json_equal(json_object_get(c, "task"), json_object_get(stall, "task")))
			return 1;
	return 0;
}

/* Whether an event suppressed for sup (or NULL) is what e expects: a
 * comment is the inspector's to see, so the probe's event is unmarked. */
static int same_suppression(const expect *e, const char *sup)
{
	if (!e->why[0])
		return sup == NULL;
	if (!strcmp(e->why, "comment"))
		return sup == NULL;
	return sup && !strcmp(sup, e->why);
}

static int print_suppressed(const char *path)
{
	json_error_t err;
	json_t *r = json_load_file(path, 0, &err);
	if (!r) {
		fprintf(stderr, "%s: %s\n", path, err.text);
		return 2;
	}
	json_t *f;
	size_t i;
	json_array_foreach(json_object_get(r, "findings"), i, f) {
		const char *sup = json_string_value(json_object_get(f, "suppressed"));
		if (sup)
			printf("%s %lld %s\n", json_string_value(json_object_get(f, "id")),
			       (long long)json_integer_value(json_object_get(f, "line")), sup);
	}
	json_decref(r);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "--suppressed"))
		return print_suppressed(argv[2]);
	if (argc != 4) {
		fprintf(stderr, "usage: case_match CASE.c EVENTS.jsonl PROGRAM\n");
		return 2;
	}
	expect ex[MAX_EXP];
	int none, nex = read_expectations(argv[1], ex, &none);
	if (nex < 0 || (nex == 0 && !none)) {
		fprintf(stderr, "%s: no expect: comment\n", argv[1]);
		return 2;
	}
	char *progreal = realpath(argv[3], NULL);
	FILE *ev = fopen(argv[2], "r");
	if (!ev || !progreal) {
		perror(argv[2]);
		return 2;
	}
	char *line = NULL;
	size_t cap = 0;
	int hello = 0, bye = 0, bad = 0;
	char got_end[64] = "";
	/* The blocking calls reported, for folding stalls into them below. */
	json_t *evs = json_array(), *calls = json_array();
	while (getline(&line, &cap, ev) > 0) {
		json_error_t err;
		json_t *o = json_loads(line, 0, &err);
		if (!o) {
			fprintf(stderr, "bad event line: %s", line);
			bad++;
			continue;
		}
		json_object_set_new(o, "_line", json_string(line));
		json_array_append_new(evs, o);
		const char *k = json_string_value(json_object_get(o, "ev"));
		const char *id = json_string_value(json_object_get(o, "id"));
		if (k && id && !strcmp(k, "finding") && !strcmp(id, "blocking-call")) {
			int ln = finding_line(json_object_get(o, "loc"), argv[1], argv[3],
					      progreal);
			json_array_append_new(calls, json_pack("{s:O?,s:i}", "task",
							       json_object_get(o, "task"),
							       "line", ln));
		}
	}
	json_t *o;
	size_t at;
	json_array_foreach(evs, at, o) {
		const char *text = json_string_value(json_object_get(o, "_line"));
		const char *k = json_string_value(json_object_get(o, "ev"));
		if (k && !strcmp(k, "hello"))
			hello++;
		if (k && !strcmp(k, "bye"))
			bye++;
		if (k && !strcmp(k, "end")) {
			const char *r = json_string_value(json_object_get(o, "reason"));
			snprintf(got_end, sizeof got_end, "%s", r ? r : "?");
		}
		if (k && !strcmp(k, "finding")) {
			const char *id = json_string_value(json_object_get(o, "id"));
			int ln = finding_line(json_object_get(o, "loc"), argv[1], argv[3],
					      progreal);
			if (id && !strcmp(id, "stalled-poll") && stall_of_call(calls, o, ln))
				continue;
			const char *sup = json_string_value(json_object_get(o, "suppressed"));
			int matched = 0;
			for (int i = 0; i < nex; i++)
				if (id && !strcmp(ex[i].id, id) && ex[i].line == ln) {
					if (!same_suppression(&ex[i], sup)) {
						fprintf(stderr,
							"finding %s at line %d is %s%s, expected %s%s: %s",
							id, ln, sup ? "suppressed: " : "reported",
							sup ? sup : "",
							ex[i].why[0] ? "suppressed: " : "reported",
							ex[i].why, text);
						bad++;
					}
					ex[i].hits++;
					matched = 1;
				}
			if (!matched) {
				fprintf(stderr, "unexpected finding %s at line %d: %s",
					id ? id : "?", ln, text);
				bad++;
			}
			check_notes(o, id, ln, argv[1], argv[3], progreal);
			check_texts(o, id, ln);
		}
	}
	json_decref(evs);
	json_decref(calls);
	free(line);
	fclose(ev);
	if (hello != 1 || bye != 1) {
		fprintf(stderr, "event stream has %d hello and %d bye (want 1 each)\n",
			hello, bye);
		bad++;
	}
	for (int i = 0; i < nex; i++) {
		if (!ex[i].hits) {
			fprintf(stderr, "missing finding %s at line %d\n", ex[i].id,
				ex[i].line);
			bad++;
		} else if (ex[i].hits > 1) {
			/* One bug, one finding. */
			fprintf(stderr, "finding %s at line %d reported %d times\n",
				ex[i].id, ex[i].line, ex[i].hits);
			bad++;
		}
	}
	for (int i = 0; i < nnotes; i++)
		if (!notes[i].hits) {
			fprintf(stderr, "finding %s at line %d has no %snote at line %d\n",
				notes[i].id, notes[i].line, notes[i].first ? "first " : "",
				notes[i].note);
			bad++;
		}
	for (int i = 0; i < ntexts; i++)
		if (!texts[i].hits) {
			fprintf(stderr, "finding %s at line %d says nothing like '%s'\n",
				texts[i].id, texts[i].line, texts[i].pat);
			bad++;
		}
	if (strcmp(want_end, got_end)) {
		fprintf(stderr, "the run ended %s%s, expected %s%s\n",
			got_end[0] ? "by the probe: " : "by itself", got_end,
			want_end[0] ? "the probe's end: " : "no end by the probe", want_end);
		bad++;
	}
	free(progreal);
	return bad ? 1 : 0;
}
