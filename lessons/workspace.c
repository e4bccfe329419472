/* workspace.c - the learner's workspace: DIR/exercises/NN-id.c (copies of
 * the starters; the lesson folders stay pristine) and DIR/.asynclab/ (the
 * progress file).  Finding it, creating it, and putting a starter back with
 * a backup of the learner's file. */
#include "config.h"

#include "engine.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void axl_workspace_free(axl_workspace *w)
{
	if (!w)
		return;
	free(w->root);
	free(w->exercises);
	free(w->state);
	free(w->progress_path);
	free(w);
}

static axl_workspace *ws_new(const char *root)
{
	axl_workspace *w = calloc(1, sizeof *w);
	if (!w)
		return NULL;
	if (!(w->root = strdup(root)) || asprintf(&w->exercises, "%s/exercises", root) < 0 ||
	    asprintf(&w->state, "%s/.asynclab", root) < 0 ||
	    asprintf(&w->progress_path, "%s/.asynclab/progress.json", root) < 0) {
		axl_workspace_free(w);
		return NULL;
	}
	return w;
}

static bool is_dir(const char *p)
{
	struct stat st;
	return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

static bool is_workspace(const char *root)
{
	char *s = NULL;
	if (asprintf(&s, "%s/.asynclab", root) < 0)
		return false;
	bool ok = is_dir(s);
	free(s);
	return ok;
}

int axl_workspace_open(const char *dir, axl_workspace **out)
{
	*out = NULL;
	char abs[PATH_MAX];
	if (!realpath(dir, abs))
		return -errno;
	if (!is_workspace(abs))
		return -ENOENT;
	return (*out = ws_new(abs)) ? 0 : -ENOMEM;
}

int axl_workspace_find(axl_workspace **out)
{
	*out = NULL;
	const char *env = getenv("ASYNCLAB_WORKSPACE");
	if (env && *env)
		return axl_workspace_open(env, out);
	char cwd[PATH_MAX];
	if (!getcwd(cwd, sizeof cwd))
		return -errno;
	/* Walk up: the learner may be inside exercises/ or deeper. */
	char cur[PATH_MAX];
	snprintf(cur, sizeof cur, "%s", cwd);
	for (;;) {
		if (is_workspace(cur))
			return (*out = ws_new(cur)) ? 0 : -ENOMEM;
		char *slash = strrchr(cur, '/');
		if (!slash || slash == cur)
			break;
		*slash = '\0';
	}
	if (is_workspace("/"))
		return (*out = ws_new("/")) ? 0 : -ENOMEM;
	char *def = NULL;
	if (asprintf(&def, "%s/%s", cwd, AXL_DEFAULT_WORKSPACE) < 0)
		return -ENOMEM;
	int rc = is_workspace(def) ? ((*out = ws_new(def)) ? 0 : -ENOMEM) : -ENOENT;
	free(def);
	return rc;
}

char *axl_workspace_exercise(const axl_workspace *w, const axl_lesson *l)
{
	char *p = NULL;
	if (asprintf(&p, "%s/%s.c", w->exercises, l->folder) < 0)
		return NULL;
	return p;
}

int axl_copy_file(const char *from, const char *to)
{
	size_t len;
	char *data = axl_read_file(from, &len);
	if (!data)
		return -errno;
	int rc = axl_write_atomic(to, data, len);
	free(data);
	return rc;
}

int axl_workspace_ensure(const axl_workspace *w, const axl_lesson *l)
{
	char *ex = axl_workspace_exercise(w, l);
	char *st = axl_lesson_path(l, "starter.c");
	int rc = 0;
	if (!ex || !st)
		rc = -ENOMEM;
	else if (access(ex, F_OK) != 0)
		rc = errno == ENOENT ? axl_copy_file(st, ex) : -errno;
	else
		rc = 1; /* already there: never overwrite the learner's work */
	free(ex);
	free(st);
	return rc;
}

static int mkdir_p(const char *path)
{
	char buf[PATH_MAX];
	if (snprintf(buf, sizeof buf, "%s", path) >= (int)sizeof buf)
		return -ENAMETOOLONG;
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0755) != 0 && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	if (mkdir(buf, 0755) != 0 && errno != EEXIST)
		return -errno;
	return is_dir(buf) ? 0 : -ENOTDIR;
}

int axl_workspace_init(const char *dir, const axl_catalog *c, axl_workspace **out,
		       int *copied)
{
	*out = NULL;
	if (copied)
		*copied = 0;
	int rc = mkdir_p(dir);
	if (rc < 0)
		return rc;
	char abs[PATH_MAX];
	if (!realpath(dir, abs))
		return -errno;
	axl_workspace *w = ws_new(abs);
	if (!w)
		return -ENOMEM;
	if ((rc = mkdir_p(w->exercises)) < 0 || (rc = mkdir_p(w->state)) < 0) {
		axl_workspace_free(w);
		return rc;
	}
	for (size_t i = 0; c && i < c->n; i++) {
		rc = axl_workspace_ensure(w, c->lessons[i]);
		if (rc < 0) {
			axl_workspace_free(w);
			return rc;
		}
		if (rc == 0 && copied)
			(*copied)++;
	}
	*out = w;
	return 0;
}

int axl_workspace_reset(const axl_workspace *w, const axl_lesson *l, time_t now,
			char **backup)
{
	*backup = NULL;
	char *ex = axl_workspace_exercise(w, l);
	char *st = axl_lesson_path(l, "starter.c");
	int rc = 0;
	if (!ex || !st) {
		rc = -ENOMEM;
		goto out;
	}
	if (access(ex, F_OK) == 0) {
		struct tm tm;
		char ts[32];
		localtime_r(&now, &tm);
		strftime(ts, sizeof ts, "%Y%m%d-%H%M%S", &tm);
		/* Two resets within a second must not overwrite the first backup. */
		for (int n = 0; n < 100; n++) {
			free(*backup);
			*backup = NULL;
			if ((n ? asprintf(backup, "%s.bak-%s-%d", ex, ts, n)
			       : asprintf(backup, "%s.bak-%s", ex, ts)) < 0) {
				rc = -ENOMEM;
				goto out;
			}
			if (access(*backup, F_OK) != 0)
				break;
		}
		if ((rc = axl_copy_file(ex, *backup)) < 0) {
			free(*backup);
			*backup = NULL;
			goto out;
		}
	}
	rc = axl_copy_file(st, ex);
out:
	free(ex);
	free(st);
	return rc;
}
