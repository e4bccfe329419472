/* inspect_text.c - renders a run report as GCC-style diagnostics
 * (`file:line:col: warning: message [id]` followed by `note:` lines) that
 * editors and grep understand, then a one-line summary. */
#include "config.h"

#include "inspect.h"

#include <errno.h>
#include <string.h>

/* file:line:col, with line and column 1 when unknown. */
static void where(FILE *out, const char *file, json_int_t line, json_int_t col)
{
	fprintf(out, "%s:%lld:%lld: ", file ? file : "<unknown>", (long long)(line > 0 ? line : 1),
		(long long)(col > 0 ? col : 1));
}

static void finding_text(FILE *out, const json_t *f, const char *program)
{
	const char *file = axc__jstr(f, "file") ? axc__jstr(f, "file") : program;
	json_int_t line = axc__jint(f, "line", 0), count = axc__jint(f, "count", 1);
	where(out, file, line, axc__jint(f, "column", 0));
	fprintf(out, "warning: %s", axc__jstr(f, "message"));
	if (count > 1)
		fprintf(out, " (%lld times)", (long long)count);
	fprintf(out, " [%s]\n", axc__jstr(f, "id"));

	const json_t *task = json_object_get(f, "task");
	const json_t *n;
	size_t i;
	bool spawn_noted = false;
	json_array_foreach(json_object_get(f, "notes"), i, n)
		spawn_noted |= json_equal(json_object_get(n, "file"), json_object_get(task, "spawn_file")) &&
			       json_equal(json_object_get(n, "line"), json_object_get(task, "spawn_line"));
	if (json_is_object(task) && !spawn_noted) {
		const char *name = axc__jstr(task, "name");
		const char *sf = axc__jstr(task, "spawn_file");
		char label[256];
		if (name)
			snprintf(label, sizeof label, "task %lld '%s'", (long long)axc__jint(task, "id", 0), name);
		else
			snprintf(label, sizeof label, "task %lld", (long long)axc__jint(task, "id", 0));
		if (sf) {
			where(out, sf, axc__jint(task, "spawn_line", 0), 0);
			fprintf(out, "note: in %s, spawned here\n", label);
		} else {
			where(out, file, line, 0);
			fprintf(out, "note: in %s\n", label);
		}
	}
	json_array_foreach(json_object_get(f, "notes"), i, n) {
		const char *nf = axc__jstr(n, "file");
		where(out, nf ? nf : file, nf ? axc__jint(n, "line", 0) : line, 0);
		fprintf(out, "note: %s\n", axc__jstr(n, "message") ? axc__jstr(n, "message") : "");
	}
	/* The user's own callers, innermost first, skipping the line the
	 * warning already names. */
	int shown = 0;
	json_array_foreach(json_object_get(f, "stack"), i, n) {
		const char *sf = axc__jstr(n, "file");
		json_int_t sl = axc__jint(n, "line", 0);
		if (!sf || !json_is_true(json_object_get(n, "user")) ||
		    (file && !strcmp(sf, file) && sl == line) || shown >= 4)
			continue;
		where(out, sf, sl, 0);
		fprintf(out, "note: called from %s\n",
			axc__jstr(n, "function") ? axc__jstr(n, "function") : "here");
		shown++;
	}
	const char *fix = axc__jstr(f, "fix"), *lesson = axc__jstr(f, "lesson");
	if (fix) {
		where(out, file, line, axc__jint(f, "column", 0));
		fprintf(out, "note: fix: %s", fix);
		if (lesson)
			fprintf(out, " (lesson: %s)", lesson);
		fputc('\n', out);
	}
}

static void crash_text(FILE *out, const json_t *rep, const char *program)
{
	const json_t *crash = json_object_get(rep, "crash");
	const json_t *exit = json_object_get(rep, "exit");
	const char *sig = axc__jstr(exit, "signal");
	const json_t *fr, *user = NULL;
	size_t i;
	json_array_foreach(json_object_get(crash, "stack"), i, fr) {
		if (!user && json_is_true(json_object_get(fr, "user")))
			user = fr;
	}
	if (user)
		where(out, axc__jstr(user, "file"), axc__jint(user, "line", 0), 0);
	else
		fprintf(out, "%s: ", program);
	fprintf(out, "error: the program crashed with %s\n", sig ? sig : "a signal");
	json_array_foreach(json_object_get(crash, "stack"), i, fr) {
		const char *f = axc__jstr(fr, "file");
		const char *fn = axc__jstr(fr, "function");
		if (f)
			where(out, f, axc__jint(fr, "line", 0), 0);
		else
			fprintf(out, "%s: ", program);
		fprintf(out, "note: #%zu %s\n", i, fn ? fn : "??");
	}
	const char *note = axc__jstr(crash, "note");
	if (note)
		fprintf(out, "%s: note: %s\n", program, note);
}

static const char *limit_text(const char *limit)
{
	if (!strcmp(limit, "time"))
		return "it ran past the time limit (--time-limit)";
	if (!strcmp(limit, "memory"))
		return "it ran out of memory under the memory limit (--mem-limit)";
	if (!strcmp(limit, "processes"))
		return "it hit the process limit: too many processes or threads (--nproc)";
	if (!strcmp(limit, "output"))
		return "it flooded its output and was stopped (--output-limit)";
	return limit;
}

int axc_render_text(const json_t *rep, FILE *out)
{
	const char *program = axc__jstr(rep, "program") ? axc__jstr(rep, "program") : "program";
	const json_t *build = json_object_get(rep, "build");
	if (!json_is_true(json_object_get(build, "ok"))) {
		const char *o = axc__jstr(build, "output");
		if (o)
			fputs(o, out);
		fprintf(out, "asynclab check: error: %s did not compile\n", program);
		return ferror(out) ? -EIO : 0;
	}
	const json_t *f, *exit = json_object_get(rep, "exit");
	size_t i, n = json_array_size(json_object_get(rep, "findings"));
	json_array_foreach(json_object_get(rep, "findings"), i, f)
		finding_text(out, f, program);
	const char *limit = axc__jstr(exit, "limit");
	if (json_is_object(json_object_get(rep, "crash")))
		crash_text(out, rep, program);
	if (limit)
		fprintf(out, "%s: error: the program was stopped: %s\n", program, limit_text(limit));
	if (json_is_true(json_object_get(rep, "output_truncated")))
		fprintf(out, "%s: note: the program's output was truncated\n", program);
	const json_t *probe = json_object_get(rep, "probe");
	if (axc__jstr(probe, "path") && !json_is_true(json_object_get(probe, "found")))
		fprintf(out, "%s: note: the probe was not found at %s: nothing was checked (set ASYNCLAB_PROBE)\n",
			program, axc__jstr(probe, "path"));
	else if (axc__jstr(probe, "path") &&
		 !json_is_true(json_object_get(json_object_get(rep, "stats"), "probe")))
		fprintf(out, "%s: note: the probe sent no events (is the program linked with libasynclab?)\n",
			program);

	const json_t *st = json_object_get(rep, "stats");
	fprintf(out, "asynclab check: %s: ", program);
	if (n == 0)
		fprintf(out, "no findings");
	else
		fprintf(out, "%zu finding%s", n, n == 1 ? "" : "s");
	if (json_is_integer(json_object_get(exit, "status")))
		fprintf(out, "; exit status %lld", (long long)axc__jint(exit, "status", 0));
	else if (axc__jstr(exit, "signal"))
		fprintf(out, "; killed by %s", axc__jstr(exit, "signal"));
	fprintf(out, "; %lld task%s, %.3f s %s time, %.3f s wall\n",
		(long long)axc__jint(st, "tasks_spawned", 0),
		axc__jint(st, "tasks_spawned", 0) == 1 ? "" : "s",
		(double)axc__jint(st, "virtual_ns", 0) / 1e9,
		axc__jstr(st, "clock") ? axc__jstr(st, "clock") : "runtime",
		(double)axc__jint(st, "wall_ns", 0) / 1e9);
	return ferror(out) ? -EIO : 0;
}
