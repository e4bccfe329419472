/* engine_lint.c - the self-check of a lesson folder behind `asynclab
 * lesson-lint` and the lesson test suite: the files are there, the starter
 * compiles and fails for its intended reason, the solution passes. */
#include "config.h"

#include "engine.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static const axl_mark *mark_of(const axl_result *r, const char *name)
{
	for (size_t i = 0; i < r->nmarks; i++)
		if (!strcmp(r->marks[i].check->name, name))
			return &r->marks[i];
	return NULL;
}

/* The first lines of compiler output, indented, for a diagnostic. */
static void first_lines(char *buf, size_t n, const char *text, int lines)
{
	size_t len = 0;
	const char *p = text;
	while (*p && lines-- > 0) {
		size_t l = strcspn(p, "\n");
		int w = snprintf(buf + len, n - len, "\n    %.*s", (int)l, p);
		if (w < 0 || (size_t)w >= n - len)
			break;
		len += (size_t)w;
		p += l + (p[l] == '\n');
	}
	buf[len] = '\0';
}

int axl_lesson_lint(const axl_lesson *l, axl_lint *out, axl_diags *d)
{
	memset(out, 0, sizeof *out);
	out->problems = axl_lesson_files_check(l, d);
	char *ini = axl_lesson_path(l, "lesson.ini");
	char *starter = axl_lesson_path(l, "starter.c");
	char *solution = axl_lesson_path(l, "solution.c");
	char buf[2048];
	int rc = 0;
	axl_result *r = NULL;
	if (!ini || !starter || !solution) {
		rc = -ENOMEM;
		goto out;
	}

	double t0 = now_s();
	if ((rc = axl_verify(l, starter, &r)) < 0)
		goto out;
	out->starter_s = now_s() - t0;
	if (r->end == AXL_END_NOT_BUILT) {
		first_lines(buf, sizeof buf, r->build_output, 8);
		axl_diags_add(d, "%s: the starter does not compile (it must compile and fail a "
				 "named check):%s", starter, buf);
		out->problems++;
	} else {
		if (r->passed) {
			axl_diags_add(d, "%s: the starter passes every check; it must fail one "
					 "(the learner's task)", starter);
			out->problems++;
		}
		size_t len = 0;
		for (size_t i = 0; i < r->nmarks; i++)
			if (!r->marks[i].passed && len < sizeof out->starter_failed) {
				int w = snprintf(out->starter_failed + len,
						 sizeof out->starter_failed - len, "%s%s",
						 len ? "," : "", r->marks[i].check->name);
				len += w > 0 ? (size_t)w : 0;
			}
		for (size_t i = 0; i < l->nstarter_fails; i++) {
			const axl_mark *m = mark_of(r, l->starter_fails[i]);
			if (m && m->passed) {
				axl_diags_add(d, "%s:%d: [check %s] the starter passes this check, but "
						 "starter_fails says it must fail (the run: %s)",
					      ini, m->check->line, m->check->name,
					      r->verdict ? r->verdict : "?");
				out->problems++;
			}
		}
		/* A starter may end abnormally by design (a deadlock the
		 * lesson is about) when a check it must fail was still judged
		 * and failed: a finding reported before the end. */
		bool named_fail = false;
		for (size_t i = 0; i < l->nstarter_fails; i++) {
			const axl_mark *m = mark_of(r, l->starter_fails[i]);
			if (m && !m->passed && !m->skipped && m->message &&
			    strncmp(m->message, "Not judged", 10))
				named_fail = true;
		}
		if (r->end != AXL_END_EXITED && !named_fail) {
			axl_diags_add(d, "%s: the starter fails because %s, not because of a check",
				      starter, r->verdict ? r->verdict : "the run failed");
			out->problems++;
		}
	}
	axl_result_free(r);
	r = NULL;

	t0 = now_s();
	if ((rc = axl_verify(l, solution, &r)) < 0)
		goto out;
	out->solution_s = now_s() - t0;
	if (r->end == AXL_END_NOT_BUILT) {
		first_lines(buf, sizeof buf, r->build_output, 8);
		axl_diags_add(d, "%s: the solution does not compile:%s", solution, buf);
		out->problems++;
	} else {
		for (size_t i = 0; i < r->nmarks; i++) {
			const axl_mark *m = &r->marks[i];
			if (m->passed)
				continue;
			if (m->check->line)
				axl_diags_add(d, "%s:%d: [check %s] the solution fails it: %s", ini,
					      m->check->line, m->check->name, m->message);
			else
				axl_diags_add(d, "%s: [check %s] the solution fails it: %s", solution,
					      m->check->name, m->message);
			out->problems++;
		}
	}
out:
	axl_result_free(r);
	free(ini);
	free(starter);
	free(solution);
	return rc;
}
