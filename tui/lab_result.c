/* lab_result.c - a verification result as the Markdown the result screen
 * lays out: the verdict, each check, the compiler's output, where the
 * program crashed (the learner's line, quoted from the file), the
 * checker's findings with their notes, what the program printed and the
 * run's figures.  Pure: no curses, so it is unit-tested. */
#include "config.h"

#include "crash.h"
#include "lab_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* A growing Markdown buffer. */
typedef struct sbuf {
	char *s;
	size_t n, cap;
	int err;
} sbuf;

static void sb_printf(sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void sb_printf(sbuf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int need = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (need < 0 || b->err)
		return;
	if (b->n + (size_t)need + 1 > b->cap) {
		size_t cap = (b->cap + (size_t)need + 1) * 2;
		char *s = realloc(b->s, cap);
		if (!s) {
			b->err = 1;
			return;
		}
		b->s = s;
		b->cap = cap;
	}
	va_start(ap, fmt);
	vsnprintf(b->s + b->n, b->cap - b->n, fmt, ap);
	va_end(ap);
	b->n += (size_t)need;
}

/* Text placed in a fenced block: a fence line inside it is defused. */
static void sb_fenced(sbuf *b, const char *info, const char *text)
{
	sb_printf(b, "~~~~~~%s\n", info);
	for (const char *p = text; p && *p;) {
		const char *e = strchr(p, '\n');
		int len = e ? (int)(e - p) : (int)strlen(p);
		sb_printf(b, "%.*s\n", len, p);
		p = e ? e + 1 : p + len;
	}
	sb_printf(b, "~~~~~~\n");
}

const char *lab_rel(const char *path)
{
	static char cwd[4096];
	if (!path || !getcwd(cwd, sizeof cwd))
		return path;
	size_t n = strlen(cwd);
	if (n > 1 && !strncmp(path, cwd, n) && path[n] == '/')
		return path + n + 1;
	return path;
}

/* text with every "from" replaced by "to" (malloc'd), or NULL. */
static char *replace_all(const char *text, const char *from, const char *to)
{
	if (!text || !from || !*from || !to)
		return NULL;
	sbuf b = { 0 };
	size_t fl = strlen(from);
	for (const char *p = text, *q; *p; p = q + fl) {
		q = strstr(p, from);
		if (!q) {
			sb_printf(&b, "%s", p);
			break;
		}
		sb_printf(&b, "%.*s%s", (int)(q - p), p, to);
	}
	if (b.err) {
		free(b.s);
		return NULL;
	}
	return b.s ? b.s : strdup("");
}

/* Where the program crashed: the learner's line, quoted, then the
 * program's frames below it. */
static void crash_section(sbuf *b, const axl_result *r, const char *exercise)
{
	crash_site cs;
	if (!crash_find(r, exercise, &cs))
		return;
	const char *sig = cs.signal ? cs.signal : "a signal";
	sb_printf(b, "\n## Where it crashed\n\n");
	if (!cs.found) {
		sb_printf(b, "The program was killed by %s; the checker found none of its own lines on "
			     "the stack (it crashed inside a library).\n",
			  sig);
		return;
	}
	sb_printf(b, "The program was killed by **%s** at `%s:%d`, in `%s`:\n\n", sig,
		  lab_rel(cs.at.file), cs.at.line, cs.at.fn);
	if (cs.source) {
		char *q = NULL;
		if (asprintf(&q, "%5d | %s", cs.at.line, cs.source) >= 0) {
			sb_fenced(b, "c", q);
			free(q);
		}
	}
	for (int i = 0; i < cs.ncallers; i++)
		sb_printf(b, "%s- `%s:%d` in `%s`\n", i ? "" : "\nCalled from:\n\n",
			  lab_rel(cs.callers[i].file), cs.callers[i].line, cs.callers[i].fn);
	crash_free(&cs);
}

/* The report's finding behind axl_result's i-th: a lesson judges every
 * finding, suppressed or not (engine_verify.c), in the report's order. */
static const axc_finding *reported_finding(const axc_report *rep, size_t i)
{
	return rep && i < rep->nfindings ? &rep->findings[i] : NULL;
}

static void findings_section(sbuf *b, const axl_result *r)
{
	sb_printf(b, "\n## Findings\n\n");
	for (size_t i = 0; i < r->nfindings; i++) {
		const axl_finding *f = &r->findings[i];
		sb_printf(b, "- `%s:%d` **%s** %s", f->file && *f->file ? lab_rel(f->file) : "?", f->line,
			  f->id, f->message ? f->message : "");
		if (f->task_name || f->task_id)
			sb_printf(b, " (task #%lld%s%s)", (long long)f->task_id,
				  f->task_name ? " " : "", f->task_name ? f->task_name : "");
		sb_printf(b, "\n");
		const axc_finding *rf = reported_finding(r->report, i);
		for (size_t k = 0; rf && k < rf->nnotes; k++) {
			const axc_note *note = &rf->notes[k];
			const char *nm = note->message;
			if (note->file)
				sb_printf(b, "    - note: `%s:%d` %s\n", lab_rel(note->file), note->line,
					  nm ? nm : "");
			else
				sb_printf(b, "    - note: %s\n", nm ? nm : "");
		}
		if (f->fix && *f->fix)
			sb_printf(b, "    - fix: %s (lesson `%s`)\n", f->fix, f->lesson ? f->lesson : "?");
	}
}

char *lab_result_markdown(const axl_result *r, const axl_lesson *l, const char *exercise)
{
	sbuf b = { 0 };
	if (r->passed)
		sb_printf(&b, "# **PASS** %s\n\nEvery check passed. Press `n` for the next lesson, `s` for the reference solution.\n\n",
			  l->title);
	else
		sb_printf(&b, "# **FAIL** %s\n\n%zu of %zu checks failed.\n\n", l->title, r->nfailed,
			  r->nmarks);
	if (r->verdict && *r->verdict)
		sb_printf(&b, "%s\n\n", r->verdict);
	sb_printf(&b, "## Checks\n\n");
	for (size_t i = 0; i < r->nmarks; i++) {
		const axl_mark *m = &r->marks[i];
		sb_printf(&b, "- **%s** `%s`", m->skipped ? "SKIP" : m->passed ? "PASS" : "FAIL",
			  m->check->name);
		if (!m->passed && m->message && *m->message)
			sb_printf(&b, ": %s", m->message);
		sb_printf(&b, "\n");
	}
	if (r->end == AXL_END_NOT_BUILT || r->end == AXL_END_OLD_SHAPE) {
		sb_printf(&b, "\n## Compiler output\n\n");
		char *out = replace_all(r->build_output, exercise, lab_rel(exercise));
		sb_fenced(&b, "text", out ? out : r->build_output);
		free(out);
	}
	if (r->end == AXL_END_SIGNAL)
		crash_section(&b, r, exercise);
	if (r->nfindings)
		findings_section(&b, r);
	sb_printf(&b, "\n## Output\n\n");
	if (r->out && *r->out)
		sb_fenced(&b, "text", r->out);
	else
		sb_printf(&b, "(the program printed nothing)\n\n");
	if (r->err && *r->err) {
		sb_printf(&b, "\n## Error output\n\n");
		sb_fenced(&b, "text", r->err);
	}
	if (r->output_truncated)
		sb_printf(&b, "\n(output truncated)\n");
	if (r->end != AXL_END_NOT_BUILT && r->end != AXL_END_OLD_SHAPE) {
		/* The checker counts every task, the block_on root ("main")
		 * too, where the program's own count is usually of the tasks it
		 * spawned. */
		size_t roots = 0;
		for (size_t i = 0; r->report && i < r->report->ntasks; i++)
			roots += r->report->tasks[i].root;
		sb_printf(&b, "\nVirtual time: %.1f ms. Peak live tasks: %llu (the most tasks alive at "
			      "once, as the checker counted them",
			  (double)r->virtual_ns / 1e6, (unsigned long long)r->peak_live);
		if (roots == 1)
			sb_printf(&b, ", the main task included: a count of the spawned tasks "
				      "alone is one lower");
		else if (roots > 1)
			sb_printf(&b, ", the %zu main tasks included", roots);
		sb_printf(&b, ").\n");
	}
	if (b.err) {
		free(b.s);
		return NULL;
	}
	return b.s;
}
