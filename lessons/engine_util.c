/* engine_util.c - small pieces the lesson engine shares: diagnostics,
 * reading a whole file, and checking that a lesson folder has its files. */
#include "config.h"

#include "engine.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void axl_diags_add(axl_diags *d, const char *fmt, ...)
{
	if (!d)
		return;
	va_list ap;
	char *s = NULL;
	va_start(ap, fmt);
	int n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	char **m = realloc(d->msg, (d->n + 1) * sizeof *m);
	if (!m) {
		free(s);
		return;
	}
	d->msg = m;
	d->msg[d->n++] = s;
}

void axl_diags_free(axl_diags *d)
{
	if (!d)
		return;
	for (size_t i = 0; i < d->n; i++)
		free(d->msg[i]);
	free(d->msg);
	d->msg = NULL;
	d->n = 0;
}

char *axl_read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	size_t cap = 4096, n = 0;
	char *buf = malloc(cap);
	while (buf) {
		size_t r = fread(buf + n, 1, cap - n - 1, f);
		n += r;
		if (n + 1 < cap)
			break;
		char *nb = realloc(buf, cap *= 2);
		if (!nb) {
			free(buf);
			buf = NULL;
		}
		buf = nb;
	}
	int err = ferror(f) ? EIO : ENOMEM;
	fclose(f);
	if (!buf || n + 1 > cap) {
		free(buf);
		errno = err;
		return NULL;
	}
	buf[n] = '\0';
	if (len)
		*len = n;
	return buf;
}

int axl_lesson_files_check(const axl_lesson *l, axl_diags *d)
{
	static const char *const need[] = { "lesson.md", "starter.c", "solution.c", "hint1.md" };
	int bad = 0;
	for (size_t i = 0; i < sizeof need / sizeof *need; i++) {
		char *p = axl_lesson_path(l, need[i]);
		if (p && access(p, R_OK) != 0) {
			axl_diags_add(d, "%s: missing (every lesson needs %s)", p, need[i]);
			bad++;
		}
		free(p);
	}
	bool harness_check = false;
	for (size_t i = 0; i < l->nchecks; i++)
		harness_check |= l->checks[i].kind == AXL_CHECK_HARNESS;
	if (harness_check && !l->has_harness) {
		char *p = axl_lesson_path(l, "harness.c");
		axl_diags_add(d, "%s: missing (the lesson has a harness check)", p ? p : "harness.c");
		free(p);
		bad++;
	}
	if (l->has_harness) {
		/* The exercise includes it, and it lists the entry points. */
		char *p = axl_lesson_path(l, "lesson.h");
		if (p && access(p, R_OK) != 0) {
			axl_diags_add(d, "%s: missing (a lesson with a harness declares what it "
					 "provides and its entry points there)", p);
			bad++;
		}
		free(p);
	}
	return bad;
}
