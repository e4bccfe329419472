/* engine_build.c - build a learner's file into a program for its lesson.
 * A lesson with a harness compiles the exercise and the lesson's entry
 * points in one unit (the entries need the learner's frame types), beside
 * harness.c, which owns main() and the services; a file still in a lesson's
 * older shape (a whole program with its own main) is named as such instead
 * of being compiled.  Compiler messages are kept in the learner's terms.
 * The frame-locals analysis is in engine_locals.c. */
#include "config.h"

#include "engine.h"
#include "engine_int.h"
#include "../checker/inspect.h"

#include <errno.h>
#include <libgen.h>
#include <stdarg.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The pseudo file name the entry block is compiled under. */
#define ENTRIES_NAME "lesson-entries"

typedef struct build_priv {
	char *dir;		/* our temporary folder (unit.c) */
	axc__build cb;		/* the compiler's folder and program */
} build_priv;

static bool is_dir(const char *p)
{
	struct stat st;
	return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

/* The harness kit: beside the lesson's own folder (a lessons directory
 * that carries its kit), else the lab's. */
char *axl__kit_dir(const axl_lesson *l)
{
	char *copy = strdup(l->dir), *p = NULL;
	if (!copy)
		return NULL;
	if (asprintf(&p, "%s/kit", dirname(copy)) < 0)
		p = NULL;
	free(copy);
	if (p && is_dir(p))
		return p;
	free(p);
	if (asprintf(&p, "%s/kit", axl__builtin_lessons_dir()) < 0)
		return NULL;
	return p;
}

/* Does the learner's text define main() (the older, whole-program shape
 * of an exercise whose lesson now provides main)? */
static bool defines_main(const char *text)
{
	regex_t re;
	if (regcomp(&re, "^[ \t]*(int|void)[ \t]+main[ \t]*\\(", REG_EXTENDED | REG_NEWLINE))
		return false;
	bool hit = regexec(&re, text, 0, NULL, 0) == 0;
	regfree(&re);
	return hit;
}

/* The unit: the learner's file under its own name, then the lesson's
 * entry block (lesson.h with AXL_LEARNER_ENTRIES). */
static int write_unit(const char *path, const char *learner, const char *text)
{
	FILE *f = fopen(path, "w");
	if (!f)
		return -errno;
	fprintf(f, "#line 1 \"");
	for (const char *p = learner; *p; p++)
		fprintf(f, (*p == '"' || *p == '\\') ? "\\%c" : "%c", *p);
	fprintf(f, "\"\n%s\n#line 1 \"" ENTRIES_NAME "\"\n"
		   "#define AXL_LEARNER_ENTRIES 1\n#include \"lesson.h\"\n", text);
	int e = ferror(f) ? -EIO : 0;
	if (fclose(f) != 0 && !e)
		e = -errno;
	return e;
}

static void sb_add(char **s, size_t *len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void sb_add(char **s, size_t *len, const char *fmt, ...)
{
	va_list ap;
	char *piece = NULL;
	va_start(ap, fmt);
	int n = vasprintf(&piece, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	char *ns = realloc(*s, *len + (size_t)n + 1);
	if (ns) {
		memcpy(ns + *len, piece, (size_t)n + 1);
		*s = ns;
		*len += (size_t)n;
	}
	free(piece);
}

/* The entry of lesson.h at or before line n of its entry block:
 * "checkout" from "AXL_ENTRY_ASYNC(checkout, ...". */
static bool entry_at(const char *lesson_h, int n, char *name, size_t cap, char *line, size_t lcap)
{
	char *text = axl_read_file(lesson_h, NULL);
	if (!text)
		return false;
	bool found = false;
	int ln = 1;
	for (char *p = text; *p && ln <= n; ln++) {
		char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		const char *m = strstr(p, "AXL_ENTRY_");
		if (m && (size_t)(m - p) < len) {
			const char *open = strchr(m, '(');
			if (open && (size_t)(open - p) < len) {
				size_t k = strcspn(open + 1, ", )");
				snprintf(name, cap, "%.*s", (int)k, open + 1);
				snprintf(line, lcap, "%.*s", (int)len, p);
				found = true;
			}
		}
		p = nl ? nl + 1 : p + len;
	}
	free(text);
	return found;
}

/* Rewrite the compiler's output for the learner: the entry block's
 * include lines go, an error in it becomes a sentence naming the function
 * the lesson calls, and a provided name defined again is explained. */
static char *explain_output(const axl_lesson *l, const char *raw)
{
	char *lesson_h = axl_lesson_path(l, "lesson.h");
	char *out = NULL;
	size_t len = 0;
	bool told_entry = false, told_dup = false;
	for (const char *p = raw; *p;) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		char *line = strndup(p, n);
		p += n + (nl ? 1 : 0);
		if (!line)
			break;
		if (strstr(line, "In file included from " ENTRIES_NAME) ||
		    (!strncmp(line, ENTRIES_NAME, strlen(ENTRIES_NAME)) && strstr(line, "note:"))) {
			free(line);
			continue;
		}
		size_t hl = lesson_h ? strlen(lesson_h) : 0;
		if (!told_entry && lesson_h && !strncmp(line, lesson_h, hl) && line[hl] == ':' &&
		    strstr(line, "error")) {
			char name[128], decl[512];
			if (entry_at(lesson_h, atoi(line + hl + 1), name, sizeof name, decl,
				     sizeof decl)) {
				sb_add(&out, &len,
				       "The lesson calls `%s` from your file, and your file does not "
				       "define it the way the lesson needs (lesson.h: %s). Keep its "
				       "name and its fields as the exercise gives them.\n",
				       name, decl);
				told_entry = true;
			}
		}
		const char *md = strstr(line, "multiple definition of `");
		if (!told_dup && md) {
			md += strlen("multiple definition of `");
			size_t k = strcspn(md, "'");
			sb_add(&out, &len,
			       "`%.*s` is provided by the lesson (see lesson.h); your file must "
			       "not define it again.\n", (int)k, md);
			told_dup = true;
		}
		sb_add(&out, &len, "%s\n", line);
		free(line);
	}
	free(lesson_h);
	return out ? out : strdup("");
}

static axl_build *build_new(const char *file)
{
	axl_build *b = calloc(1, sizeof *b);
	build_priv *pv = calloc(1, sizeof *pv);
	if (!b || !pv || !(b->learner = strdup(file))) {
		free(b ? b->learner : NULL);
		free(b);
		free(pv);
		return NULL;
	}
	b->priv = pv;
	return b;
}

/* Copy another build's frame-locals analysis. */
static void copy_locals(axl_build *b, const axl_build *from)
{
	b->locals_checked = from->locals_checked;
	if (!from->nlocals || !(b->locals = calloc(from->nlocals, sizeof *b->locals)))
		return;
	for (size_t i = 0; i < from->nlocals; i++) {
		axl_local *o = &b->locals[b->nlocals];
		*o = from->locals[i];
		o->name = strdup(from->locals[i].name);
		o->function = strdup(from->locals[i].function);
		if (!o->name || !o->function) {
			free(o->name);
			free(o->function);
			continue;
		}
		b->nlocals++;
	}
}

int axl_build_exercise(const axl_lesson *l, const char *file, const char *opt,
		       const axl_build *analysed, axl_build **out)
{
	*out = NULL;
	if (!l || !file)
		return -EINVAL;
	axl_build *b = build_new(file);
	if (!b)
		return -ENOMEM;
	build_priv *pv = b->priv;
	const char *opt_flag = opt && *opt ? opt : "-O0";
	int rc = 0;
	char *unit = NULL, *harness = NULL, *kit = NULL, *iq_lesson = NULL, *ik = NULL,
	     *iq_learner = NULL, *fdir = NULL;

	char *text = axl_read_file(file, NULL);
	if (!text) {
		if (asprintf(&b->output, "%s: cannot read: %s\n", file, strerror(errno)) < 0)
			b->output = NULL;
		*out = b;
		return 0;
	}
	if (l->has_harness && defines_main(text)) {
		b->old_shape = true;
		if (asprintf(&b->output,
			     "%s defines its own main(): it is in an older shape of this lesson, "
			     "where the exercise was the whole program. The lesson now provides "
			     "main() and the services itself, and your file holds only the "
			     "functions you write. Run `asynclab reset %s` to start from the new "
			     "exercise (your file is kept as a backup first), then bring your "
			     "changes over.\n", file, l->id) < 0)
			b->output = NULL;
		free(text);
		*out = b;
		return 0;
	}

	const char *files[2] = { file, NULL };
	size_t nfiles = 1;
	const char *cflags[8];
	size_t ncflags = 0;
	cflags[ncflags++] = opt_flag;
	if (l->has_harness) {
		const char *tmp = getenv("TMPDIR");
		if (asprintf(&pv->dir, "%s/asynclab-lesson-XXXXXX", tmp && *tmp ? tmp : "/tmp") < 0) {
			pv->dir = NULL;
			rc = -ENOMEM;
			goto fail;
		}
		if (!mkdtemp(pv->dir)) {
			rc = -errno;
			free(pv->dir);
			pv->dir = NULL;
			goto fail;
		}
		kit = axl__kit_dir(l);
		fdir = strdup(file);
		if (asprintf(&unit, "%s/unit.c", pv->dir) < 0 || !kit || !fdir ||
		    !(harness = axl_lesson_path(l, "harness.c")) ||
		    asprintf(&iq_lesson, "-iquote%s", l->dir) < 0 ||
		    asprintf(&iq_learner, "-iquote%s", dirname(fdir)) < 0 ||
		    asprintf(&ik, "-I%s", kit) < 0) {
			rc = -ENOMEM;
			goto fail;
		}
		if ((rc = write_unit(unit, file, text)) < 0)
			goto fail;
		files[0] = unit;
		files[1] = harness;
		nfiles = 2;
		cflags[ncflags++] = iq_lesson;
		cflags[ncflags++] = ik;
		cflags[ncflags++] = iq_learner; /* last: not the harness's */
	}

	axc__paths paths;
	axc__paths_get(&paths);
	char *herr = NULL;
	char *obj = l->has_harness ? axl__harness_object(l, opt_flag, &paths, cflags + 1, 2, &herr)
				   : NULL;
	if (obj)
		files[1] = obj;
	if (herr) {
		/* Not the learner's doing: say so rather than blame their file. */
		if (asprintf(&b->output, "The lesson's own harness.c does not compile: this is a "
				  "problem with the lesson, not with your file.\n%s", herr) < 0)
			b->output = NULL;
		free(herr);
		free(text);
		free(unit);
		free(harness);
		free(kit);
		free(iq_lesson);
		free(iq_learner);
		free(ik);
		free(fdir);
		*out = b;
		return 0;
	}
	axc_opts co;
	axc_opts_init(&co);
	co.files = files;
	co.nfiles = nfiles;
	co.cflags = cflags;
	co.ncflags = ncflags;
	rc = axc__build_run(&co, &paths, &pv->cb);
	free(obj);
	if (rc < 0)
		goto fail;
	b->ok = pv->cb.ok;
	b->exe = pv->cb.exe;
	b->output = l->has_harness ? explain_output(l, pv->cb.output ? pv->cb.output : "")
				   : strdup(pv->cb.output ? pv->cb.output : "");
	if (b->ok && axl__lesson_has_kind(l, AXL_CHECK_FRAME_LOCALS)) {
		if (analysed)
			copy_locals(b, analysed);
		else
			axl__locals_analyse(b, &paths, files[0], cflags, ncflags, text);
	}
	free(text);
	free(unit);
	free(harness);
	free(kit);
	free(iq_lesson);
	free(iq_learner);
	free(ik);
	free(fdir);
	*out = b;
	return 0;
fail:
	free(text);
	free(unit);
	free(harness);
	free(kit);
	free(iq_lesson);
	free(iq_learner);
	free(ik);
	free(fdir);
	axl_build_free(b);
	return rc ? rc : -ENOMEM;
}

void axl_build_free(axl_build *b)
{
	if (!b)
		return;
	build_priv *pv = b->priv;
	if (pv) {
		axc__build_free(&pv->cb);
		if (pv->dir) {
			char *unit = NULL;
			if (asprintf(&unit, "%s/unit.c", pv->dir) >= 0) {
				unlink(unit);
				free(unit);
			}
			rmdir(pv->dir);
			free(pv->dir);
		}
		free(pv);
	}
	for (size_t i = 0; i < b->nlocals; i++) {
		free(b->locals[i].name);
		free(b->locals[i].function);
	}
	free(b->locals);
	free(b->output);
	free(b->learner);
	free(b);
}
