/* engine_locals.c - the frame-locals analysis: which plain C locals of the
 * learner's async functions are used after an await they do not survive.
 * An async function's body is re-entered at every poll and jumps to where
 * it left off, so a local declared after AX_BEGIN and set before an await
 * is uninitialised after it.  Whether the program then prints the right
 * value depends on what the stack happens to hold, which differs between
 * optimisation levels; this analysis does not:
 *  - clang's static analyzer follows the path from AX_BEGIN's jump to a
 *    resume point and reports a garbage value used after it, structs
 *    included; the local is the one of the function named on that line;
 *  - without clang, gcc at -O1 (constant propagation off, so a constant
 *    value cannot hide the missing initialisation): each "may be used
 *    uninitialized" warning inside an async function's body names the
 *    local and its declaration; it sees scalars only. */
#include "config.h"

#include "engine.h"
#include "engine_int.h"
#include "../checker/inspect.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* After "PREFIX", a quoted name: 'x' or ‘x’.  Returns the name's length
 * and points *name at it, or 0. */
static size_t quoted(const char *s, const char **name)
{
	if (!strncmp(s, "\xe2\x80\x98", 3)) {
		const char *e = strstr(s + 3, "\xe2\x80\x99");
		if (!e)
			return 0;
		*name = s + 3;
		return (size_t)(e - s - 3);
	}
	if (*s == '\'' || *s == '`') {
		const char *e = strchr(s + 1, '\'');
		if (!e)
			return 0;
		*name = s + 1;
		return (size_t)(e - s - 1);
	}
	return 0;
}

/* The line number after "FILE:" when line starts with the learner's
 * file name, else 0. */
static int line_in(const char *line, const char *file)
{
	size_t fl = strlen(file);
	if (strncmp(line, file, fl) || line[fl] != ':')
		return 0;
	return atoi(line + fl + 1);
}

/* The first await (AX_AWAIT, AX_AWAIT_TO, AX_SUSPEND) after line `after`,
 * up to the next async function; 0 when none. */
static int await_after(const char *text, int after)
{
	int ln = 1;
	for (const char *p = text; *p; ln++) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		if (ln > after) {
			char *l = strndup(p, len);
			bool next_fn = l && strstr(l, "AX_ASYNC(") != NULL;
			bool aw = l && (strstr(l, "AX_AWAIT") || strstr(l, "AX_SUSPEND"));
			free(l);
			if (next_fn)
				return 0;
			if (aw)
				return ln;
		}
		p = nl ? nl + 1 : p + len;
	}
	return 0;
}

static void add_local(axl_build *b, const char *fn, size_t fnl, const char *name, size_t nl,
		      int decl, int use, const char *text)
{
	for (size_t i = 0; i < b->nlocals; i++)
		if (!strncmp(b->locals[i].name, name, nl) && !b->locals[i].name[nl] &&
		    !strncmp(b->locals[i].function, fn, fnl) && !b->locals[i].function[fnl])
			return;
	axl_local *nv = realloc(b->locals, (b->nlocals + 1) * sizeof *nv);
	if (!nv)
		return;
	b->locals = nv;
	axl_local *o = &nv[b->nlocals];
	o->name = strndup(name, nl);
	o->function = strndup(fn, fnl);
	if (!o->name || !o->function) {
		free(o->name);
		free(o->function);
		return;
	}
	o->decl_line = decl;
	o->use_line = use;
	/* The await it is lost at: the last one between the declaration and
	 * the use, or (a use earlier in a loop) the first after it. */
	o->await_line = 0;
	for (int a = await_after(text, decl); a && use > decl && a < use; a = await_after(text, a))
		o->await_line = a;
	if (!o->await_line)
		o->await_line = await_after(text, decl);
	b->nlocals++;
}

/* Read gcc's output: "In function 'f__body':", then a warning "'x' may be
 * used uninitialized" (its location may be a macro in a header) and the
 * note "'x' was declared here" at the learner's line. */
static void parse(axl_build *b, const char *out, const char *text)
{
	char fn[256] = "";
	char *wname = NULL;
	size_t wlen = 0;
	int use = 0;
	for (const char *p = out; *p;) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		char *line = strndup(p, len);
		p += len + (nl ? 1 : 0);
		if (!line)
			break;
		const char *m, *name;
		size_t k;
		if ((m = strstr(line, "In function ")) && (k = quoted(m + 12, &name)) > 0 &&
		    k < sizeof fn) {
			snprintf(fn, sizeof fn, "%.*s", (int)k, name);
			wname = NULL;
		} else if ((m = strstr(line, "warning: ")) && (k = quoted(m + 9, &name)) > 0 &&
			   (strstr(m, "used uninitialized"))) {
			free(wname);
			wname = strndup(name, k);
			wlen = k;
			use = line_in(line, b->learner);
		} else if (wname && (m = strstr(line, "note: ")) && (k = quoted(m + 6, &name)) > 0 &&
			   k == wlen && !strncmp(name, wname, k) && strstr(m, "declared here")) {
			int decl = line_in(line, b->learner);
			size_t fl = strlen(fn);
			if (decl > 0 && fl > 6 && !strcmp(fn + fl - 6, "__body"))
				add_local(b, fn, fl - 6, wname, wlen, decl, use, text);
			free(wname);
			wname = NULL;
		}
		free(line);
	}
	free(wname);
}

/* Is name a local of the async function around line `use` of text,
 * declared before that line?  Returns its declaration line, or 0. */
static int local_decl(const char *text, const char *name, size_t nl, int use)
{
	int ln = 1, found = 0;
	for (const char *p = text; *p && ln < use; ln++) {
		const char *e = strchr(p, '\n');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		char *l = strndup(p, len);
		if (l && strstr(l, "AX_ASYNC("))
			found = 0; /* a new function starts */
		for (const char *q = l ? strstr(l, name) : NULL; q; q = strstr(q + 1, name)) {
			bool start = q == l || !(isalnum((unsigned char)q[-1]) || q[-1] == '_');
			const char *after = q + nl;
			while (*after == ' ' || *after == '\t')
				after++;
			bool end = !(isalnum((unsigned char)q[nl]) || q[nl] == '_') &&
				   (*after == ';' || *after == '=' || *after == '[' || *after == ',');
			if (*after == '=' && after[1] == '=')
				end = false;
			/* A declaration: a type word (or '*') right before the name. */
			const char *b = q;
			while (b > l && (b[-1] == ' ' || b[-1] == '\t' || b[-1] == '*'))
				b--;
			bool typed = b > l && b < q && (isalnum((unsigned char)b[-1]) || b[-1] == '_');
			if (start && end && typed && !strstr(l, "return") && !strstr(l, "AX_"))
				found = ln;
		}
		free(l);
		p = e ? e + 1 : p + len;
	}
	return found;
}

/* The text of line n of text (malloc'd), or NULL. */
static char *line_of(const char *text, int n)
{
	int ln = 1;
	for (const char *p = text; *p; ln++) {
		const char *e = strchr(p, '\n');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		if (ln == n)
			return strndup(p, len);
		p = e ? e + 1 : p + len;
	}
	return NULL;
}

/* The nearest await at or before line n. */
static int await_before(const char *text, int n)
{
	for (int k = n; k > 0; k--) {
		char *l = line_of(text, k);
		bool aw = l && (strstr(l, "AX_AWAIT") || strstr(l, "AX_SUSPEND"));
		bool fn = l && strstr(l, "AX_ASYNC(");
		free(l);
		if (aw)
			return k;
		if (fn)
			return 0;
	}
	return 0;
}

/* The enclosing async function's name at line n ("download"). */
static char *function_at(const char *text, int n)
{
	for (int k = n; k > 0; k--) {
		char *l = line_of(text, k);
		char *a = l ? strstr(l, "AX_ASYNC(") : NULL;
		if (a) {
			a += 9;
			while (*a == ' ')
				a++;
			char *r = strndup(a, strcspn(a, ", )"));
			free(l);
			return r;
		}
		free(l);
	}
	return strdup("?");
}

/* A garbage value used on the path from AX_BEGIN's jump: the local is the
 * first identifier on the use line declared as a local of the function. */
static void clang_hit(axl_build *b, const char *text, int use, int resume)
{
	char *l = line_of(text, use);
	char *fn = function_at(text, use);
	if (!l || !fn) {
		free(l);
		free(fn);
		return;
	}
	for (const char *q = l; *q;) {
		if (!(isalpha((unsigned char)*q) || *q == '_')) {
			q++;
			continue;
		}
		size_t k = 0;
		while (isalnum((unsigned char)q[k]) || q[k] == '_')
			k++;
		bool member = q > l && (q[-1] == '.' || (q > l + 1 && q[-1] == '>' && q[-2] == '-'));
		char *id = strndup(q, k);
		int decl = member || !id ? 0 : local_decl(text, id, k, use);
		free(id);
		if (decl) {
			size_t before = b->nlocals;
			add_local(b, fn, strlen(fn), q, k, decl, use, text);
			axl_local *lc = b->nlocals > before ? &b->locals[b->nlocals - 1] : NULL;
			if (lc) {
				int aw = await_before(text, resume);
				if (aw > decl)
					lc->await_line = aw;
			}
			break;
		}
		q += k;
	}
	free(l);
	free(fn);
}

static void parse_clang(axl_build *b, const char *out, const char *text)
{
	int use = 0, resume = 0;
	for (const char *p = out;; ) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		char *line = *p ? strndup(p, len) : NULL;
		int at = line ? line_in(line, b->learner) : 0;
		bool warn = line && strstr(line, ": warning: ");
		if (!line || warn) {
			if (use && resume)
				clang_hit(b, text, use, resume);
			use = resume = 0;
		}
		if (line && warn && at &&
		    (strstr(line, "garbage") || strstr(line, "uninitialized") ||
		     strstr(line, "undefined")))
			use = at;
		const char *cj;
		if (line && use && at && (cj = strstr(line, "note: Control jumps to line "))) {
			char *src = line_of(text, at);
			if (src && strstr(src, "AX_BEGIN"))
				resume = atoi(cj + strlen("note: Control jumps to line "));
			free(src);
		}
		free(line);
		if (!*p)
			break;
		p += len + (nl ? 1 : 0);
	}
}

void axl__locals_analyse(axl_build *b, const axc__paths *paths, const char *unit,
			 const char *const *cflags, size_t ncflags, const char *text)
{
	const char *flags[16];
	size_t n = 0;
	for (size_t i = 0; i < ncflags && n < 10; i++)
		if (strncmp(cflags[i], "-O", 2))
			flags[n++] = cflags[i];
	size_t base = n;
	const char *files[1] = { unit };
	axc_opts co;
	axc_opts_init(&co);
	co.files = files;
	co.nfiles = 1;
	co.cflags = flags;
	axc__paths p = *paths;
	axc__build cb;

	/* clang's analyzer first: it sees structs too. */
	flags[n++] = "--analyze";
	flags[n++] = "-Xclang";
	flags[n++] = "-analyzer-output=text";
	co.ncflags = n;
	const char *clang = getenv("ASYNCLAB_ANALYZE_CLANG");
	p.cc = clang && *clang ? clang : "clang";
	if (axc__build_run(&co, &p, &cb) == 0) {
		/* The analyzer writes no file with text output: it ran when
		 * it said no error (a missing clang says "No such file"). */
		bool ran = cb.output && !strstr(cb.output, "error") &&
			   !strstr(cb.output, "No such file");
		if (ran)
			parse_clang(b, cb.output, text);
		b->locals_checked = ran;
		if (cb.exe)
			unlink(cb.exe);
	}
	axc__build_free(&cb);
	if (b->locals_checked)
		return;

	/* Without clang, gcc's warnings (scalars only). */
	n = base;
	flags[n++] = "-O1";
	flags[n++] = "-fno-tree-ccp";
	flags[n++] = "-Wuninitialized";
	flags[n++] = "-Wmaybe-uninitialized";
	flags[n++] = "-c";
	co.ncflags = n;
	const char *gcc = getenv("ASYNCLAB_ANALYZE_CC");
	p.cc = gcc && *gcc ? gcc : "gcc";
	if (axc__build_run(&co, &p, &cb) == 0) {
		/* With -c the "program" is an object file: not executable,
		 * so cb.ok is false; it exists when gcc compiled the unit. */
		b->locals_checked = cb.exe && access(cb.exe, F_OK) == 0;
		if (b->locals_checked && cb.output)
			parse(b, cb.output, text);
	}
	axc__build_free(&cb);
}
