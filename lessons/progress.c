/* progress.c - the learner's progress (current lesson; per lesson: passed,
 * attempts, hint levels, time spent) kept as a small JSON document in the
 * workspace.  Writes are atomic (temp file, fsync, rename) so a crash never
 * leaves half a file; a file that does not parse is renamed aside and
 * reported, never silently dropped. */
#include "config.h"

#include "engine.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define PROGRESS_VERSION 1

void axl_progress_free(axl_progress *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->n; i++) {
		free(p->lessons[i].id);
		free(p->lessons[i].last_failed);
	}
	free(p->lessons);
	free(p->current);
	free(p);
}

static axl_lesson_progress *find(const axl_progress *p, const char *id)
{
	for (size_t i = 0; p && id && i < p->n; i++)
		if (!strcmp(p->lessons[i].id, id))
			return &p->lessons[i];
	return NULL;
}

const axl_lesson_progress *axl_progress_find(const axl_progress *p, const char *id)
{
	return find(p, id);
}

axl_lesson_progress *axl_progress_get(axl_progress *p, const char *id)
{
	axl_lesson_progress *lp = find(p, id);
	if (lp || !p || !id)
		return lp;
	axl_lesson_progress *nl = realloc(p->lessons, (p->n + 1) * sizeof *nl);
	if (!nl)
		return NULL;
	p->lessons = nl;
	lp = &nl[p->n];
	memset(lp, 0, sizeof *lp);
	if (!(lp->id = strdup(id)))
		return NULL;
	p->n++;
	return lp;
}

int axl_progress_set_current(axl_progress *p, const char *id)
{
	char *c = id ? strdup(id) : NULL;
	if (id && !c)
		return -ENOMEM;
	free(p->current);
	p->current = c;
	return 0;
}

void axl_progress_touch(axl_progress *p, const char *id, int64_t now)
{
	axl_lesson_progress *lp = axl_progress_get(p, id);
	if (!lp)
		return;
	if (lp->last_active > 0 && now > lp->last_active) {
		int64_t gap = now - lp->last_active;
		lp->time_s += gap > AXL_IDLE_CAP_S ? AXL_IDLE_CAP_S : gap;
	}
	lp->last_active = now;
}

void axl_progress_record(axl_progress *p, const axl_catalog *c, const axl_lesson *l,
			 const axl_result *r, int64_t now)
{
	axl_progress_touch(p, l->id, now);
	axl_lesson_progress *lp = axl_progress_get(p, l->id);
	if (!lp)
		return;
	lp->attempts++;
	free(lp->last_failed);
	lp->last_failed = NULL;
	for (size_t i = 0; i < r->nmarks; i++)
		if (!r->marks[i].passed) {
			lp->last_failed = strdup(r->marks[i].check->name);
			break;
		}
	if (!r->passed) {
		if (!p->current)
			axl_progress_set_current(p, l->id);
		return;
	}
	if (!lp->passed)
		lp->passed_at = now;
	lp->passed = true;
	/* Move on to the next lesson not passed yet, after this one, wrapping. */
	int at = axl_catalog_index(c, l);
	for (size_t k = 1; c && at >= 0 && k <= c->n; k++) {
		const axl_lesson *nx = c->lessons[((size_t)at + k) % c->n];
		const axl_lesson_progress *np = axl_progress_find(p, nx->id);
		if (!np || !np->passed) {
			axl_progress_set_current(p, nx->id);
			return;
		}
	}
	axl_progress_set_current(p, l->id);
}

json_t *axl_progress_to_json(const axl_progress *p)
{
	json_t *lessons = json_object();
	for (size_t i = 0; i < p->n; i++) {
		const axl_lesson_progress *lp = &p->lessons[i];
		json_object_set_new(lessons, lp->id,
			json_pack("{s:b, s:i, s:i, s:I, s:I, s:I, s:s?}",
				  "passed", lp->passed, "attempts", lp->attempts,
				  "hints", lp->hints, "time_s", (json_int_t)lp->time_s,
				  "last_active", (json_int_t)lp->last_active,
				  "passed_at", (json_int_t)lp->passed_at,
				  "last_failed", lp->last_failed));
	}
	return json_pack("{s:i, s:s?, s:o}", "version", PROGRESS_VERSION, "current",
			 p->current, "lessons", lessons);
}

/* Fill p from a parsed document; false when it is not a progress file. */
static bool from_json(axl_progress *p, const json_t *doc, char *why, size_t whylen)
{
	if (!json_is_object(doc)) {
		snprintf(why, whylen, "not a JSON object");
		return false;
	}
	if (json_integer_value(json_object_get(doc, "version")) != PROGRESS_VERSION) {
		snprintf(why, whylen, "no \"version\": %d", PROGRESS_VERSION);
		return false;
	}
	const json_t *cur = json_object_get(doc, "current");
	if (cur && !json_is_null(cur) && !json_is_string(cur)) {
		snprintf(why, whylen, "\"current\" is not a string");
		return false;
	}
	if (json_is_string(cur))
		axl_progress_set_current(p, json_string_value(cur));
	json_t *ls = json_object_get(doc, "lessons"), *v;
	const char *k;
	if (ls && !json_is_object(ls)) {
		snprintf(why, whylen, "\"lessons\" is not an object");
		return false;
	}
	json_object_foreach(ls, k, v) {
		if (!json_is_object(v)) {
			snprintf(why, whylen, "lesson \"%s\" is not an object", k);
			return false;
		}
		axl_lesson_progress *lp = axl_progress_get(p, k);
		if (!lp)
			return false;
		lp->passed = json_is_true(json_object_get(v, "passed"));
		lp->attempts = (int)json_integer_value(json_object_get(v, "attempts"));
		lp->hints = (int)json_integer_value(json_object_get(v, "hints"));
		lp->time_s = json_integer_value(json_object_get(v, "time_s"));
		lp->last_active = json_integer_value(json_object_get(v, "last_active"));
		lp->passed_at = json_integer_value(json_object_get(v, "passed_at"));
		const char *lf = json_string_value(json_object_get(v, "last_failed"));
		lp->last_failed = lf ? strdup(lf) : NULL;
		if (lp->attempts < 0 || lp->hints < 0 || lp->time_s < 0) {
			snprintf(why, whylen, "lesson \"%s\" has a negative count", k);
			return false;
		}
	}
	return true;
}

static void stamp(char *buf, size_t n, time_t t)
{
	struct tm tm;
	localtime_r(&t, &tm);
	strftime(buf, n, "%Y%m%d-%H%M%S", &tm);
}

/* Parse path into p; false with why filled when it is not a progress file. */
static bool parse_file(axl_progress *p, const char *path, char *why, size_t whylen)
{
	json_error_t jerr;
	json_t *doc = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
	if (!doc)
		snprintf(why, whylen, "line %d: %s", jerr.line, jerr.text);
	bool ok = doc && from_json(p, doc, why, whylen);
	json_decref(doc);
	return ok;
}

int axl_progress_from_doc(const json_t *doc, axl_progress **out, char *why, size_t whylen)
{
	*out = NULL;
	axl_progress *p = calloc(1, sizeof *p);
	int rc = !p ? -ENOMEM : from_json(p, doc, why, whylen) ? 0 : -EBADMSG;
	if (rc < 0)
		axl_progress_free(p);
	else
		*out = p;
	return rc;
}

int axl_progress_read(const char *path, axl_progress **out, axl_diags *d)
{
	*out = NULL;
	if (access(path, R_OK) != 0) {
		int err = errno;
		axl_diags_add(d, "%s: %s", path, strerror(err));
		return -err;
	}
	axl_progress *p = calloc(1, sizeof *p);
	if (!p)
		return -ENOMEM;
	char why[256];
	if (!parse_file(p, path, why, sizeof why)) {
		axl_progress_free(p);
		axl_diags_add(d, "%s: not a valid progress file (%s)", path, why);
		return -EBADMSG;
	}
	*out = p;
	return 0;
}

int axl_progress_load(const char *path, axl_progress **out, axl_diags *d)
{
	axl_progress *p = calloc(1, sizeof *p);
	*out = p;
	if (!p)
		return -ENOMEM;
	if (access(path, F_OK) != 0)
		return errno == ENOENT ? 0 : -errno;
	char why[256];
	if (parse_file(p, path, why, sizeof why))
		return 0;
	/* Keep the bad file for the learner (or an instructor) to look at, and
	 * start again from empty progress. */
	axl_progress_free(p);
	*out = p = calloc(1, sizeof *p);
	char ts[32], *aside = NULL;
	stamp(ts, sizeof ts, time(NULL));
	if (asprintf(&aside, "%s.corrupt-%s", path, ts) < 0)
		return -ENOMEM;
	if (rename(path, aside) == 0)
		axl_diags_add(d, "%s: not a valid progress file (%s); kept it as %s and started "
				 "with empty progress", path, why, aside);
	else
		axl_diags_add(d, "%s: not a valid progress file (%s); could not move it aside "
				 "(%s), so it is left as it is", path, why, strerror(errno));
	free(aside);
	return p ? -EBADMSG : -ENOMEM;
}

int axl_write_atomic(const char *path, const char *data, size_t len)
{
	char *tmp = NULL, *dcopy = strdup(path);
	if (!dcopy || asprintf(&tmp, "%s.tmp-%ld", path, (long)getpid()) < 0) {
		free(dcopy);
		return -ENOMEM;
	}
	int rc = 0;
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		rc = -errno;
		goto out;
	}
	for (size_t off = 0; off < len;) {
		ssize_t w = write(fd, data + off, len - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			rc = w < 0 ? -errno : -EIO;
			break;
		}
		off += (size_t)w;
	}
	if (!rc && fsync(fd) != 0)
		rc = -errno;
	if (close(fd) != 0 && !rc)
		rc = -errno;
	if (!rc && rename(tmp, path) != 0)
		rc = -errno;
	if (rc) {
		unlink(tmp);
		goto out;
	}
	/* Make the rename itself durable. */
	int dfd = open(dirname(dcopy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0) {
		fsync(dfd);
		close(dfd);
	}
out:
	free(tmp);
	free(dcopy);
	return rc;
}

int axl_progress_save(const axl_progress *p, const char *path)
{
	json_t *doc = axl_progress_to_json(p);
	if (!doc)
		return -ENOMEM;
	char *text = json_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(doc);
	if (!text)
		return -ENOMEM;
	size_t len = strlen(text);
	char *nl = realloc(text, len + 2);
	if (!nl) {
		free(text);
		return -ENOMEM;
	}
	nl[len] = '\n';
	nl[len + 1] = '\0';
	int rc = axl_write_atomic(path, nl, len + 1);
	free(nl);
	return rc;
}

int axl_hint_next(axl_progress *p, const axl_lesson *l, int *level, char **text)
{
	*text = NULL;
	if (l->nhints <= 0)
		return -ENOENT;
	axl_lesson_progress *lp = axl_progress_get(p, l->id);
	if (!lp)
		return -ENOMEM;
	int lv = lp->hints + 1 > l->nhints ? l->nhints : lp->hints + 1;
	char name[16];
	snprintf(name, sizeof name, "hint%d.md", lv);
	char *path = axl_lesson_path(l, name);
	if (!path)
		return -ENOMEM;
	*text = axl_read_file(path, NULL);
	int err = errno;
	free(path);
	if (!*text)
		return -err;
	if (lv > lp->hints)
		lp->hints = lv;
	*level = lv;
	return 0;
}

int axl_solution(const axl_progress *p, const axl_lesson *l, char **text)
{
	*text = NULL;
	const axl_lesson_progress *lp = axl_progress_find(p, l->id);
	if (!lp || !lp->passed)
		return -EACCES;
	char *path = axl_lesson_path(l, "solution.c");
	if (!path)
		return -ENOMEM;
	*text = axl_read_file(path, NULL);
	int err = errno;
	free(path);
	return *text ? 0 : -err;
}
