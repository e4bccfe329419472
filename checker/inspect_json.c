/* inspect_json.c - renders a run report as JSON lines (one finding per
 * line, for scripts and the finding corpus) and writes the full report
 * to a file. */
#include "config.h"

#include "inspect.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

int axc_render_json(const json_t *rep, FILE *out)
{
	const json_t *f;
	size_t i;
	json_array_foreach(json_object_get(rep, "findings"), i, f) {
		if (json_dumpf(f, out, JSON_COMPACT | JSON_PRESERVE_ORDER) < 0)
			return -EIO;
		fputc('\n', out);
	}
	return ferror(out) ? -EIO : 0;
}

int axc_write_report(const json_t *rep, const char *path)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "w") : stdout;
	if (!f)
		return -errno;
	int rc = json_dumpf(rep, f, JSON_INDENT(2) | JSON_PRESERVE_ORDER) < 0 ? -EIO : 0;
	fputc('\n', f);
	if (ferror(f))
		rc = -EIO;
	if (f != stdout && fclose(f) != 0 && !rc)
		rc = -errno;
	return rc;
}
