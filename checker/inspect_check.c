/* inspect_check.c - axc_run, the whole check of one program (build, run,
 * report), and the exit status a report deserves. */
#include "config.h"

#include "inspect.h"

#include <errno.h>
#include <string.h>

int axc_run(const axc_opts *o, json_t **report)
{
	*report = NULL;
	if (!o || (o->nfiles == 0 && !o->program) || (o->nfiles && !o->files))
		return -EINVAL;
	axc__paths p;
	axc__paths_get(&p);
	axc__build b = { 0 };
	axc__result r;
	bool ran = false;
	const char *exe = o->program;
	int rc = 0;

	if (o->nfiles) {
		rc = axc__build_run(o, &p, &b);
		if (rc < 0)
			goto out;
		exe = b.exe;
	}
	if (!o->nfiles || b.ok) {
		rc = axc__run_child(o, &p, exe, &r);
		if (rc < 0) {
			axc__result_free(&r);
			goto out;
		}
		ran = true;
	}
	axc__inputs in = {
		.program = o->nfiles ? o->files[0] : o->program,
		.build = o->nfiles ? &b : NULL,
		.res = ran ? &r : NULL,
		.probe = o->no_probe ? NULL : p.probe,
	};
	/* Symbolise before the build directory (and the program) goes. */
	*report = axc__report_make(o, &in);
	if (!*report)
		rc = -ENOMEM;
out:
	if (ran)
		axc__result_free(&r);
	axc__build_free(&b);
	return rc;
}

int axc_verdict(const json_t *report)
{
	const json_t *build = json_object_get(report, "build");
	const json_t *exit = json_object_get(report, "exit");
	if (!json_is_object(report) || !json_is_true(json_object_get(build, "ok")))
		return 2;
	const char *limit = json_string_value(json_object_get(exit, "limit"));
	/* A run stopped at the time limit carries a finding that says why;
	 * the other limits and crashes end the run before it meant to. */
	if (limit && strcmp(limit, "time") != 0)
		return 2;
	if (json_is_true(json_object_get(exit, "timed_out")))
		return 1;
	if (json_is_string(json_object_get(exit, "signal")))
		return 2;
	return json_array_size(json_object_get(report, "findings")) > 0 ? 1 : 0;
}
