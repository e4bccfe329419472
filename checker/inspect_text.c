/* inspect_text.c - renders a run report as GCC-style diagnostics
 * (`file:line:col: warning: message [id]` followed by `note:` lines) that
 * editors and grep understand, then a one-line summary. */
#include "config.h"

#include "inspect.h"

#include <errno.h>
#include <string.h>

/* file:line:col, with line and column 1 when unknown. */
static void where(FILE *out, const char *file, int line, int col)
{
	fprintf(out, "%s:%d:%d: ", file ? file : "<unknown>", line > 0 ? line : 1,
		col > 0 ? col : 1);
}

static void finding_text(FILE *out, const axc_report *r, const axc_finding *f,
			 const axc_render_opts *ro)
{
	const char *file = f->file;
	where(out, file, f->line, f->column);
	fprintf(out, "warning: %s", f->message);
	if (f->count > 1)
		fprintf(out, " (%d times)", f->count);
	fprintf(out, " [%s]\n", f->name);

	const axc_task *task = axc_report_task(r, f->task);
	bool spawn_noted = false;
	for (size_t i = 0; task && i < f->nnotes; i++)
		spawn_noted |= f->notes[i].file && task->spawn_file &&
			       !strcmp(f->notes[i].file, task->spawn_file) &&
			       f->notes[i].line == task->spawn_line;
	if (f->task > 0 && !spawn_noted) {
		const char *name = task ? task->name : NULL;
		char label[256];
		if (name)
			snprintf(label, sizeof label, "task %lld '%s'", (long long)f->task, name);
		else
			snprintf(label, sizeof label, "task %lld", (long long)f->task);
		if (task && task->spawn_file) {
			where(out, task->spawn_file, task->spawn_line, 0);
			fprintf(out, "note: in %s, spawned here\n", label);
		} else {
			where(out, file, f->line, 0);
			fprintf(out, "note: in %s\n", label);
		}
	}
	for (size_t i = 0; i < f->nnotes; i++) {
		const axc_note *n = &f->notes[i];
		where(out, n->file ? n->file : file, n->file ? n->line : f->line, 0);
		fprintf(out, "note: %s\n", n->message ? n->message : "");
	}
	/* The user's own callers, innermost first, skipping the line the
	 * warning already names. */
	int shown = 0;
	for (size_t i = 0; i < f->nstack && shown < 4; i++) {
		const axc_frame *fr = &f->stack[i];
		if (!fr->file || !fr->user || (!strcmp(fr->file, file) && fr->line == f->line))
			continue;
		where(out, fr->file, fr->line, 0);
		fprintf(out, "note: called from %s\n", fr->function ? fr->function : "here");
		shown++;
	}
	if (f->fix) {
		const char *lesson = ro && ro->lesson_of ? ro->lesson_of(ro->ud, f->name) : NULL;
		where(out, file, f->line, f->column);
		fprintf(out, "note: fix: %s", f->fix);
		if (lesson)
			fprintf(out, " (lesson: %s)", lesson);
		fputc('\n', out);
	}
}

static void crash_text(FILE *out, const axc_report *r, const char *program)
{
	const axc_crash *crash = r->crash;
	const axc_frame *user = NULL;
	for (size_t i = 0; i < crash->nstack && !user; i++)
		if (crash->stack[i].user)
			user = &crash->stack[i];
	if (user)
		where(out, user->file, user->line, 0);
	else
		fprintf(out, "%s: ", program);
	fprintf(out, "error: the program crashed with %s\n",
		r->outcome.signal_name ? r->outcome.signal_name : "a signal");
	for (size_t i = 0; i < crash->nstack; i++) {
		const axc_frame *fr = &crash->stack[i];
		if (fr->file)
			where(out, fr->file, fr->line, 0);
		else
			fprintf(out, "%s: ", program);
		fprintf(out, "note: #%zu %s\n", i, fr->function ? fr->function : "??");
	}
	if (crash->note)
		fprintf(out, "%s: note: %s\n", program, crash->note);
}

static const char *limit_text(const axc_outcome *o)
{
	switch (o->limit) {
	case AXC_LIMIT_TIME:
		return o->tasks_ran ? "it ran past the time limit (--time-limit)"
				    : "it ran past the time limit (--time-limit) before any task ran";
	case AXC_LIMIT_MEMORY:
		return "it ran out of memory under the memory limit (--mem-limit)";
	case AXC_LIMIT_PROCESSES:
		return "it hit the process limit: too many processes or threads (--nproc)";
	case AXC_LIMIT_OUTPUT:
		return "it flooded its output and was stopped (--output-limit)";
	case AXC_LIMIT_NONE:
		break;
	}
	return "a limit";
}

void axc__render_warnings(const axc_report *r, FILE *out)
{
	for (size_t i = 0; i < r->nwarnings; i++) {
		where(out, r->warnings[i].file, r->warnings[i].line, 0);
		fprintf(out, "warning: %s\n", r->warnings[i].message);
	}
}

int axc_render_text(const axc_report *r, const axc_render_opts *ro, FILE *out)
{
	const char *program = r->program ? r->program : "program";
	if (!r->built) {
		fputs(r->build_output, out);
		fprintf(out, "asynclab check: error: %s did not compile\n", program);
		return ferror(out) ? -EIO : 0;
	}
	axc__render_warnings(r, out);
	size_t n = 0, suppressed = 0;
	for (size_t i = 0; i < r->nfindings; i++) {
		if (r->findings[i].suppressed) {
			suppressed++;
			continue;
		}
		finding_text(out, r, &r->findings[i], ro);
		n++;
	}
	const axc_outcome *o = &r->outcome;
	if (r->crash)
		crash_text(out, r, program);
	if (o->end == AXC_END_LIMIT)
		fprintf(out, "%s: error: the program was stopped: %s\n", program, limit_text(o));
	if (o->end == AXC_END_STOPPED)
		fprintf(out, "%s: error: the program deadlocked: %s; stopped by the checker\n",
			program, o->message ? o->message : "every task waits");
	if (r->output_truncated)
		fprintf(out, "%s: note: the program's output was truncated\n", program);
	if (r->probe_path && !r->probe_found)
		fprintf(out, "%s: note: the probe was not found at %s: nothing was checked (set ASYNCLAB_PROBE)\n",
			program, r->probe_path);
	else if (r->probe_path && !o->probe)
		fprintf(out, "%s: note: the probe sent no events (is the program linked with libasynclab?)\n",
			program);

	const axc_stats *st = &r->stats;
	fprintf(out, "asynclab check: %s: ", program);
	if (n == 0)
		fprintf(out, "no findings");
	else
		fprintf(out, "%zu finding%s", n, n == 1 ? "" : "s");
	if (suppressed)
		fprintf(out, " (%zu suppressed)", suppressed);
	if (o->end == AXC_END_EXITED)
		fprintf(out, "; exit status %d", o->status);
	else if (o->signal_name)
		fprintf(out, "; killed by %s", o->signal_name);
	fprintf(out, "; %llu task%s, %.3f s %s time, %.3f s wall\n",
		(unsigned long long)st->tasks_spawned, st->tasks_spawned == 1 ? "" : "s",
		(double)st->end_ns / 1e9, st->virtual_clock ? "virtual" : "real",
		(double)st->wall_ns / 1e9);
	return ferror(out) ? -EIO : 0;
}
