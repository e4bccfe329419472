/* inspect_suppress.c - per-site suppression comments, as linters have
 * them: a finding whose location is a line carrying
 *     / * asynclab: allow(leaked-task) * /   or   // asynclab: allow(id1, id2)
 * is kept in the report with suppressed = "comment" instead of being
 * reported.  The source files are read once each; every such comment in
 * a file read is checked, and an id the checker does not know (or a
 * comment it cannot parse) becomes a warning naming file:line, so a typo
 * does not silently leave a finding reported. */
#include "config.h"

#include "inspect.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define MAX_SOURCE (16u << 20) /* larger files are not read for comments */

typedef struct src {
	char *path;
	char *text;	/* NULL when it could not be read */
	size_t *starts; /* offset of each line's start; nlines + 1 entries */
	size_t nlines;
	struct src *next;
} src;

struct axc__srcs {
	src *files;
};

axc__srcs *axc__srcs_new(void)
{
	return calloc(1, sizeof(axc__srcs));
}

void axc__srcs_free(axc__srcs *s)
{
	if (!s)
		return;
	for (src *f = s->files, *n; f; f = n) {
		n = f->next;
		free(f->path);
		free(f->text);
		free(f->starts);
		free(f);
	}
	free(s);
}

static void warn(axc_report *r, const char *file, int line, const char *msg)
{
	axc_warning *w = axc__ralloc(r, (r->nwarnings + 1) * sizeof *w);
	if (!w)
		return;
	if (r->nwarnings)
		memcpy(w, r->warnings, r->nwarnings * sizeof *w);
	w[r->nwarnings] = (axc_warning){ .file = axc__rstr(r, file), .line = line,
					  .message = axc__rstr(r, msg) };
	r->warnings = w;
	r->nwarnings++;
}

/* Calls fn for each id of each "asynclab: allow(...)" directive inside a
 * comment on the line [p, end); bad (when not NULL) gets a message for a
 * directive it cannot parse.  Returns whether fn returned true once. */
typedef bool (*id_fn)(const char *id, size_t n, void *ud);

static bool is_id_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '-' || c == '_';
}

/* Where the first comment on the line [p, end) begins, outside string
 * and character literals (a "//" inside a string is no comment), or
 * NULL. */
static const char *comment_start(const char *p, const char *end)
{
	char quote = 0;
	for (const char *q = p; q < end; q++) {
		if (quote) {
			if (*q == '\\')
				q++; /* the escaped character, a quote too */
			else if (*q == quote)
				quote = 0;
		} else if (*q == '"' || *q == '\'') {
			quote = *q;
		} else if (q + 1 < end && q[0] == '/' && (q[1] == '/' || q[1] == '*')) {
			return q;
		}
	}
	return NULL;
}

static bool directives(const char *p, const char *end, id_fn fn, void *ud, const char **bad)
{
	static const char tag[] = "asynclab:";
	bool hit = false;
	const char *comment = comment_start(p, end);
	if (!comment)
		return false;
	for (const char *q = comment; q < end;) {
		const char *t = memmem(q, (size_t)(end - q), tag, sizeof tag - 1);
		if (!t)
			break;
		q = t + sizeof tag - 1;
		while (q < end && (*q == ' ' || *q == '\t'))
			q++;
		if ((size_t)(end - q) < 5 || strncmp(q, "allow", 5) != 0 ||
		    (q + 5 < end && is_id_char(q[5])))
			continue; /* another word after "asynclab:": not ours */
		q += 5;
		while (q < end && (*q == ' ' || *q == '\t'))
			q++;
		const char *close = q < end && *q == '(' ? memchr(q, ')', (size_t)(end - q)) : NULL;
		if (!close) {
			if (bad)
				*bad = "an 'asynclab: allow' comment needs its ids in parentheses: "
				       "asynclab: allow(leaked-task)";
			continue;
		}
		for (q++; q < close;) {
			while (q < close && !is_id_char(*q))
				q++;
			const char *s = q;
			while (q < close && is_id_char(*q))
				q++;
			if (q > s)
				hit |= fn(s, (size_t)(q - s), ud);
		}
		q = close + 1;
	}
	return hit;
}

struct unknown_ctx {
	axc_report *r;
	const char *file;
	int line;
};

static bool warn_unknown(const char *id, size_t n, void *ud)
{
	struct unknown_ctx *u = ud;
	char name[64], msg[512];
	snprintf(name, sizeof name, "%.*s", (int)(n < 60 ? n : 60), id);
	if (axc_id_lookup(name) >= 0)
		return false;
	int k = snprintf(msg, sizeof msg,
			 "unknown finding id '%s' in an 'asynclab: allow' comment (it suppresses "
			 "nothing); the ids are:",
			 name);
	for (int i = 0; i < AXC_ID_COUNT && k > 0 && (size_t)k < sizeof msg; i++)
		k += snprintf(msg + k, sizeof msg - (size_t)k, "%s %s", i ? "," : "",
			      axc_id_name(i));
	warn(u->r, u->file, u->line, msg);
	return false;
}

/* The file, read and checked the first time it is asked for. */
static src *source(axc__srcs *s, axc_report *r, const char *path)
{
	for (src *f = s->files; f; f = f->next)
		if (!strcmp(f->path, path))
			return f;
	src *f = calloc(1, sizeof *f);
	if (!f || !(f->path = strdup(path))) {
		free(f);
		return NULL;
	}
	f->next = s->files;
	s->files = f;
	FILE *in = fopen(path, "r");
	struct stat st;
	if (!in)
		return f;
	if (fstat(fileno(in), &st) < 0 || !S_ISREG(st.st_mode) || st.st_size > MAX_SOURCE ||
	    !(f->text = malloc((size_t)st.st_size + 1))) {
		fclose(in);
		return f;
	}
	size_t len = fread(f->text, 1, (size_t)st.st_size, in);
	fclose(in);
	f->text[len] = '\0';
	size_t n = 1;
	for (size_t i = 0; i < len; i++)
		n += f->text[i] == '\n';
	f->starts = malloc((n + 1) * sizeof *f->starts);
	if (!f->starts) {
		free(f->text);
		f->text = NULL;
		return f;
	}
	f->starts[0] = 0;
	for (size_t i = 0; i < len; i++)
		if (f->text[i] == '\n')
			f->starts[++f->nlines] = i + 1;
	if (f->starts[f->nlines] < len)
		f->starts[++f->nlines] = len; /* a last line without a newline */
	/* Every comment of the file, once: an unknown id is a warning. */
	for (size_t l = 0; l < f->nlines; l++) {
		const char *p = f->text + f->starts[l], *end = f->text + f->starts[l + 1];
		if (!memmem(p, (size_t)(end - p), "asynclab:", 9))
			continue;
		struct unknown_ctx u = { .r = r, .file = path, .line = (int)l + 1 };
		const char *bad = NULL;
		directives(p, end, warn_unknown, &u, &bad);
		if (bad)
			warn(r, path, (int)l + 1, bad);
	}
	return f;
}

void axc__srcs_scan(axc__srcs *s, axc_report *r, const char *file)
{
	if (s && file)
		source(s, r, file);
}

struct match_ctx {
	const char *id;
};

static bool same_id(const char *id, size_t n, void *ud)
{
	const struct match_ctx *m = ud;
	return strlen(m->id) == n && !strncmp(m->id, id, n);
}

bool axc__allowed_by_comment(axc__srcs *s, axc_report *r, const char *file, int line,
			     const char *id)
{
	if (!s || !file || !id || line <= 0)
		return false;
	src *f = source(s, r, file);
	if (!f || !f->text || (size_t)line > f->nlines)
		return false;
	const char *p = f->text + f->starts[line - 1], *end = f->text + f->starts[line];
	struct match_ctx m = { .id = id };
	return directives(p, end, same_id, &m, NULL);
}
