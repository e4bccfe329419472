/* course.c - an instructor's course file: the lessons of a given day, in
 * their order, with optional time boxes.  Applying one to a loaded catalog
 * keeps exactly those lessons in that order, so every view (list, verify
 * --all, the lab) follows it. */
#include "config.h"

#include "engine.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define COURSE_MAX_BOX_MIN 600 /* ten hours: anything longer is a typo */

/* The next blank-separated word of *p (NUL-terminated in place), or NULL. */
static char *word(char **p)
{
	char *s = *p;
	while (*s == ' ' || *s == '\t' || *s == '\r')
		s++;
	if (!*s)
		return NULL;
	char *w = s;
	while (*s && *s != ' ' && *s != '\t' && *s != '\r')
		s++;
	if (*s)
		*s++ = '\0';
	*p = s;
	return w;
}

/* Parse the time box of a course line: whole minutes, 1..600. */
static bool parse_box(const char *w, int *min)
{
	if (!isdigit((unsigned char)w[0]))
		return false;
	char *end;
	long v = strtol(w, &end, 10);
	if (*end || v < 1 || v > COURSE_MAX_BOX_MIN)
		return false;
	*min = (int)v;
	return true;
}

int axl_catalog_apply_course(axl_catalog *c, const char *path, axl_diags *d)
{
	char *text = axl_read_file(path, NULL);
	if (!text) {
		int err = errno;
		axl_diags_add(d, "%s: cannot read the course file: %s", path, strerror(err));
		return -err;
	}
	int rc = axl_catalog_apply_course_text(c, text, path, d);
	free(text);
	return rc;
}

int axl_catalog_apply_course_text(axl_catalog *c, const char *course, const char *path,
				  axl_diags *d)
{
	char *text = strdup(course);
	if (!text)
		return -ENOMEM;
	/* pick[k] is the catalog index of the k-th lesson listed; line[i] is
	 * the line that listed catalog lesson i (0: not listed). */
	size_t *pick = calloc(c->n + 1, sizeof *pick);
	int *line = calloc(c->n + 1, sizeof *line);
	int *box = calloc(c->n + 1, sizeof *box);
	size_t npick = 0;
	int bad = 0, lineno = 0;
	if (!pick || !line || !box) {
		free(pick);
		free(line);
		free(box);
		free(text);
		return -ENOMEM;
	}
	for (char *ln = text, *next; ln; ln = next) {
		next = strchr(ln, '\n');
		if (next)
			*next++ = '\0';
		lineno++;
		char *hash = strchr(ln, '#');
		if (hash)
			*hash = '\0';
		char *p = ln, *key = word(&p);
		if (!key)
			continue;
		char *mins = word(&p), *extra = word(&p);
		const axl_lesson *l = axl_catalog_find(c, key);
		int i = axl_catalog_index(c, l), m = 0;
		if (!l) {
			axl_diags_add(d, "%s:%d: no lesson '%s' (a lesson id like join, or a "
					 "number like 4)", path, lineno, key);
			bad++;
		} else if (line[i]) {
			axl_diags_add(d, "%s:%d: lesson '%s' is already listed at line %d", path,
				      lineno, l->id, line[i]);
			bad++;
		} else if (mins && !parse_box(mins, &m)) {
			axl_diags_add(d, "%s:%d: '%s' is not a time box (whole minutes, 1 to %d)",
				      path, lineno, mins, COURSE_MAX_BOX_MIN);
			bad++;
		} else if (extra) {
			axl_diags_add(d, "%s:%d: unexpected '%s' (a line is a lesson and, "
					 "optionally, its time box in minutes)", path, lineno, extra);
			bad++;
		} else {
			line[i] = lineno;
			box[i] = m;
			pick[npick++] = (size_t)i;
		}
	}
	free(text);
	if (!bad && !npick) {
		axl_diags_add(d, "%s: the course lists no lessons", path);
		bad++;
	}
	if (bad) {
		free(pick);
		free(line);
		free(box);
		return -EINVAL;
	}
	axl_lesson **kept = calloc(npick, sizeof *kept);
	char *cpath = strdup(path);
	if (!kept || !cpath) {
		free(kept);
		free(cpath);
		free(pick);
		free(line);
		free(box);
		return -ENOMEM;
	}
	for (size_t k = 0; k < npick; k++) {
		kept[k] = c->lessons[pick[k]];
		if (box[pick[k]])
			kept[k]->time_box_min = box[pick[k]];
	}
	for (size_t i = 0; i < c->n; i++)
		if (!line[i])
			axl_lesson_free(c->lessons[i]);
	free(c->lessons);
	c->lessons = kept;
	c->n = npick;
	free(c->course);
	c->course = cpath;
	free(pick);
	free(line);
	free(box);
	return 0;
}

char *axl_workspace_course(const axl_workspace *w)
{
	char *p = NULL;
	if (!w || asprintf(&p, "%s/%s", w->state, AXL_COURSE_FILE) < 0)
		return NULL;
	if (access(p, F_OK) != 0) {
		free(p);
		p = NULL;
	}
	return p;
}

char *axl_course_find(void)
{
	const char *env = getenv("ASYNCLAB_COURSE");
	if (env && *env)
		return strdup(env);
	axl_workspace *w = NULL;
	if (axl_workspace_find(&w) < 0)
		return NULL;
	char *p = axl_workspace_course(w);
	axl_workspace_free(w);
	return p;
}

int axl_catalog_use_course(axl_catalog *c, axl_diags *d)
{
	char *path = axl_course_find();
	int rc = path ? axl_catalog_apply_course(c, path, d) : 0;
	free(path);
	return rc;
}
