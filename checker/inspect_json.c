/* inspect_json.c - renders a run report as JSON lines: one object per
 * reported finding per line, for scripts and the finding corpus (the
 * whole report as JSON is report_json.c). */
#include "config.h"

#include "inspect.h"

#include <errno.h>
#include <stdio.h>

int axc_render_json(const axc_report *r, FILE *out)
{
	for (size_t i = 0; i < r->nfindings; i++) {
		if (r->findings[i].suppressed)
			continue;
		json_t *f = axc__finding_json(r, &r->findings[i]);
		int rc = f ? json_dumpf(f, out, JSON_COMPACT | JSON_PRESERVE_ORDER) : -1;
		json_decref(f);
		if (rc < 0)
			return -EIO;
		fputc('\n', out);
	}
	return ferror(out) ? -EIO : 0;
}
