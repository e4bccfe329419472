/* lesson_fixture.h - helpers for the lesson-engine suites: temporary
 * folders, writing files, and a throwaway lesson folder. */
#ifndef ASYNCLAB_TESTS_LESSON_FIXTURE_H
#define ASYNCLAB_TESTS_LESSON_FIXTURE_H

#include "../../lessons/engine.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* A new temporary folder (malloc'd path).  Under Check's fork mode each
 * test's folder goes away with rm -rf at the end of the test. */
static inline char *fx_tmpdir(void)
{
	const char *base = getenv("TMPDIR");
	char *t = NULL;
	ck_assert_int_ge(asprintf(&t, "%s/axl-test-XXXXXX", base && *base ? base : "/tmp"), 0);
	ck_assert_ptr_nonnull(mkdtemp(t));
	return t;
}

static inline void fx_rmrf(const char *dir)
{
	char *cmd = NULL;
	if (asprintf(&cmd, "rm -rf '%s'", dir) >= 0 && system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", dir);
	free(cmd);
}

static inline char *fx_path(const char *dir, const char *name)
{
	char *p = NULL;
	ck_assert_int_ge(asprintf(&p, "%s/%s", dir, name), 0);
	return p;
}

static inline void fx_write(const char *dir, const char *name, const char *text)
{
	char *p = fx_path(dir, name);
	FILE *f = fopen(p, "w");
	ck_assert_msg(f != NULL, "cannot write %s", p);
	fputs(text, f);
	fclose(f);
	free(p);
}

static inline char *fx_read(const char *dir, const char *name)
{
	char *p = fx_path(dir, name);
	char *t = axl_read_file(p, NULL);
	free(p);
	return t;
}

/* Make dir/folder/ with a lesson.ini and the files a lesson needs;
 * returns the folder's path. */
static inline char *fx_lesson(const char *dir, const char *folder, const char *ini,
			      const char *starter, const char *solution)
{
	char *ld = fx_path(dir, folder);
	ck_assert_int_eq(mkdir(ld, 0755), 0);
	fx_write(ld, "lesson.ini", ini);
	fx_write(ld, "lesson.md", "# A test lesson\n");
	fx_write(ld, "starter.c", starter);
	fx_write(ld, "solution.c", solution);
	fx_write(ld, "hint1.md", "first hint\n");
	fx_write(ld, "hint2.md", "second hint\n");
	return ld;
}

/* Does any diagnostic contain needle? */
static inline bool fx_diag_has(const axl_diags *d, const char *needle)
{
	for (size_t i = 0; i < d->n; i++)
		if (strstr(d->msg[i], needle))
			return true;
	return false;
}

static inline const char *fx_diags_text(const axl_diags *d)
{
	static char buf[4096];
	size_t n = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < d->n && n < sizeof buf - 1; i++)
		n += (size_t)snprintf(buf + n, sizeof buf - n, "%s\n", d->msg[i]);
	return buf;
}

#endif
