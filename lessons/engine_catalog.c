/* engine_catalog.c - find the lessons directory and load its NN-id
 * folders into a catalog sorted by lesson number; look lessons up by id,
 * number or folder name. */
#include "config.h"

#include "engine.h"
#include "engine_int.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef AXL_SRC_LESSONS
#define AXL_SRC_LESSONS "lessons"
#endif
#ifndef AXL_INSTALLED_LESSONS
#define AXL_INSTALLED_LESSONS "/usr/local/share/asynclab/lessons"
#endif
#ifndef AXL_BUILDDIR
#define AXL_BUILDDIR "/nonexistent"
#endif

/* A program that lives in the build tree (itself, libtool's .libs copy, or
 * a test) uses the source tree's lessons, so that a developer never runs
 * against an older installed copy. */
static bool in_build_tree(void)
{
	char exe[PATH_MAX], bd[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n <= 0 || !realpath(AXL_BUILDDIR, bd))
		return false;
	exe[n] = '\0';
	size_t bl = strlen(bd);
	return !strncmp(exe, bd, bl) && exe[bl] == '/';
}

const char *axl__builtin_lessons_dir(void)
{
	if (!in_build_tree())
		return AXL_INSTALLED_LESSONS;
	static char src[PATH_MAX];
	return realpath(AXL_SRC_LESSONS, src) ? src : AXL_SRC_LESSONS;
}

const char *axl_lessons_dir(void)
{
	const char *env = getenv("ASYNCLAB_LESSONS");
	if (env && *env)
		return env;
	return axl__builtin_lessons_dir();
}

static bool lesson_folder_name(const char *n)
{
	return isdigit((unsigned char)n[0]) && isdigit((unsigned char)n[1]) && n[2] == '-' &&
	       n[3] && n[3] != '.';
}

static int by_order(const void *a, const void *b)
{
	const axl_lesson *x = *(axl_lesson *const *)a, *y = *(axl_lesson *const *)b;
	if (x->order != y->order)
		return x->order < y->order ? -1 : 1;
	return strcmp(x->folder, y->folder);
}

int axl_catalog_load(const char *dir, axl_catalog **out, axl_diags *d)
{
	*out = NULL;
	if (!dir)
		dir = axl_lessons_dir();
	DIR *dp = opendir(dir);
	if (!dp) {
		int err = errno;
		axl_diags_add(d, "%s: cannot read the lessons directory: %s", dir, strerror(err));
		return -err;
	}
	axl_catalog *c = calloc(1, sizeof *c);
	if (!c || !(c->dir = strdup(dir))) {
		free(c);
		closedir(dp);
		return -ENOMEM;
	}
	struct dirent *e;
	int rc = 0;
	while ((e = readdir(dp))) {
		if (!lesson_folder_name(e->d_name))
			continue;
		char *sub = NULL;
		struct stat st;
		if (asprintf(&sub, "%s/%s", dir, e->d_name) < 0) {
			rc = -ENOMEM;
			break;
		}
		if (stat(sub, &st) != 0 || !S_ISDIR(st.st_mode)) {
			free(sub);
			continue;
		}
		axl_lesson *l;
		if (axl_lesson_load(sub, &l, d) == 0) {
			axl_lesson **nl = realloc(c->lessons, (c->n + 1) * sizeof *nl);
			if (!nl) {
				axl_lesson_free(l);
				free(sub);
				rc = -ENOMEM;
				break;
			}
			c->lessons = nl;
			c->lessons[c->n++] = l;
		}
		free(sub);
	}
	closedir(dp);
	if (rc < 0) {
		axl_catalog_free(c);
		return rc;
	}
	if (c->n)
		qsort(c->lessons, c->n, sizeof *c->lessons, by_order);
	for (size_t i = 1; i < c->n; i++) {
		if (!strcmp(c->lessons[i]->id, c->lessons[i - 1]->id))
			axl_diags_add(d, "%s/lesson.ini: id '%s' is also used by %s",
				      c->lessons[i]->dir, c->lessons[i]->id, c->lessons[i - 1]->dir);
		else if (c->lessons[i]->order == c->lessons[i - 1]->order)
			axl_diags_add(d, "%s/lesson.ini: number %02d is also used by %s",
				      c->lessons[i]->dir, c->lessons[i]->order, c->lessons[i - 1]->dir);
	}
	*out = c;
	return 0;
}

void axl_catalog_free(axl_catalog *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->n; i++)
		axl_lesson_free(c->lessons[i]);
	free(c->lessons);
	free(c->dir);
	free(c->course);
	free(c);
}

const axl_lesson *axl_catalog_find(const axl_catalog *c, const char *key)
{
	if (!c || !key || !*key)
		return NULL;
	char *end;
	long num = strtol(key, &end, 10);
	bool numeric = !*end && isdigit((unsigned char)key[0]);
	for (size_t i = 0; i < c->n; i++) {
		const axl_lesson *l = c->lessons[i];
		if (!strcmp(l->id, key) || !strcmp(l->folder, key) ||
		    (numeric && num == l->order))
			return l;
	}
	/* "04-join.c", the exercise's file name, also names the lesson. */
	size_t kl = strlen(key);
	if (kl > 2 && !strcmp(key + kl - 2, ".c")) {
		for (size_t i = 0; i < c->n; i++) {
			const axl_lesson *l = c->lessons[i];
			if (strlen(l->folder) == kl - 2 && !strncmp(l->folder, key, kl - 2))
				return l;
		}
	}
	return NULL;
}

int axl_catalog_index(const axl_catalog *c, const axl_lesson *l)
{
	for (size_t i = 0; c && i < c->n; i++)
		if (c->lessons[i] == l)
			return (int)i;
	return -1;
}

const axl_lesson *axl_catalog_teaching(const axl_catalog *c, const char *finding)
{
	for (size_t i = 0; c && finding && i < c->n; i++)
		for (size_t k = 0; k < c->lessons[i]->nteaches; k++)
			if (!strcmp(c->lessons[i]->teaches[k], finding))
				return c->lessons[i];
	return NULL;
}
