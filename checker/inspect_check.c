/* inspect_check.c - axc_run, the whole check of one program: build, run,
 * report. */
#include "config.h"

#include "inspect.h"

#include <errno.h>
#include <string.h>

int axc_run(const axc_opts *o, axc_report **report)
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
