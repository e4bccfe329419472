/* progress.c - the learner's progress (current lesson; per lesson: passed,
 * attempts, hint levels, time spent) as a model: lookups through a hash
 * index (a progress file may hold tens of thousands of entries, and a
 * linear search per entry made loading one quadratic), the updates a
 * verification, a hint or activity make, and the JSON document
 * progress.json holds.  Reading and writing the file, under the
 * workspace's lock, is progress_store.c. */
#include "config.h"

#include "progress.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

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
	free(p->learner_id);
	free(p->learner_name);
	free(p->ix);
	axl_progress_free(p->base);
	json_decref(p->extra);
	free(p->path);
	free(p);
}

/* FNV-1a: ids are short strings; any decent spread will do. */
static size_t hash(const char *s)
{
	uint64_t h = 1469598103934665603u;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211u;
	return (size_t)(h ^ (h >> 29));
}

/* The slot of id in the index: the one holding it, or the empty one where
 * it would go. */
static size_t slot(const axl_progress *p, const char *id)
{
	size_t mask = p->ixcap - 1, i = hash(id) & mask;
	while (p->ix[i] && strcmp(p->lessons[p->ix[i] - 1].id, id))
		i = (i + 1) & mask;
	return i;
}

/* Keep the index at most half full, so probes stay short. */
static int index_grow(axl_progress *p)
{
	if (p->ixcap && (p->n + 1) * 2 <= p->ixcap)
		return 0;
	size_t cap = p->ixcap ? p->ixcap * 2 : 64;
	size_t *ix = calloc(cap, sizeof *ix);
	if (!ix)
		return -ENOMEM;
	free(p->ix);
	p->ix = ix;
	p->ixcap = cap;
	for (size_t k = 0; k < p->n; k++)
		p->ix[slot(p, p->lessons[k].id)] = k + 1;
	return 0;
}

static axl_lesson_progress *find(const axl_progress *p, const char *id)
{
	if (!p || !id || !p->ixcap)
		return NULL;
	size_t i = p->ix[slot(p, id)];
	return i ? &p->lessons[i - 1] : NULL;
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
	if (index_grow(p) < 0)
		return NULL;
	if (p->n == p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 16;
		axl_lesson_progress *nl = realloc(p->lessons, cap * sizeof *nl);
		if (!nl)
			return NULL;
		p->lessons = nl;
		p->cap = cap;
	}
	lp = &p->lessons[p->n];
	memset(lp, 0, sizeof *lp);
	if (!(lp->id = strdup(id)))
		return NULL;
	p->ix[slot(p, id)] = ++p->n;
	return lp;
}

axl_progress *axl__progress_copy(const axl_progress *p)
{
	axl_progress *c = calloc(1, sizeof *c);
	if (!c || (p->current && axl_progress_set_current(c, p->current) < 0) ||
	    (p->learner_id && !(c->learner_id = strdup(p->learner_id))) ||
	    (p->learner_name && !(c->learner_name = strdup(p->learner_name))))
		goto fail;
	for (size_t i = 0; i < p->n; i++) {
		const axl_lesson_progress *from = &p->lessons[i];
		axl_lesson_progress *to = axl_progress_get(c, from->id);
		if (!to)
			goto fail;
		char *id = to->id;
		*to = *from;
		to->id = id;
		to->last_failed = NULL;
		if (from->last_failed && !(to->last_failed = strdup(from->last_failed)))
			goto fail;
	}
	return c;
fail:
	axl_progress_free(c);
	return NULL;
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

bool axl_learner_name_ok(const char *name)
{
	size_t n = name ? strlen(name) : 0;
	bool ink = false;
	if (!n || n > AXL_LEARNER_NAME_MAX)
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)name[i];
		if (c < 0x20 || c == 0x7f)
			return false;
		ink |= c != ' ';
	}
	return ink;
}

int axl_progress_identify(axl_progress *p, const char *name)
{
	if (name && !axl_learner_name_ok(name))
		return -EINVAL;
	if (!p->learner_id) {
		unsigned char r[16];
		for (size_t off = 0; off < sizeof r;) {
			ssize_t got = getrandom(r + off, sizeof r - off, 0);
			if (got < 0 && errno != EINTR)
				return -errno;
			off += got > 0 ? (size_t)got : 0;
		}
		/* The shape of a version-4 UUID, which tools recognise. */
		r[6] = (unsigned char)((r[6] & 0x0f) | 0x40);
		r[8] = (unsigned char)((r[8] & 0x3f) | 0x80);
		char id[40];
		snprintf(id, sizeof id,
			 "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", r[0],
			 r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], r[9], r[10], r[11], r[12],
			 r[13], r[14], r[15]);
		if (!(p->learner_id = strdup(id)))
			return -ENOMEM;
	}
	if (name) {
		char *n = strdup(name);
		if (!n)
			return -ENOMEM;
		free(p->learner_name);
		p->learner_name = n;
	}
	return 0;
}

void axl_progress_start(axl_progress *p, const char *id, int64_t now)
{
	axl_lesson_progress *lp = axl_progress_get(p, id);
	if (lp && !lp->last_active && !lp->passed)
		lp->last_active = now;
}

void axl_progress_touch(axl_progress *p, const char *id, int64_t now)
{
	axl_lesson_progress *lp = axl_progress_get(p, id);
	if (!lp)
		return;
	/* The time a lesson took stops at its pass: reading the solution or
	 * coming back later is not time spent on it. */
	if (!lp->passed && lp->last_active > 0 && now > lp->last_active) {
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
	if (lp->attempts < INT_MAX)
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
			axl_progress_start(p, nx->id, now);
			return;
		}
	}
	axl_progress_set_current(p, l->id);
}

json_t *axl_progress_to_json(const axl_progress *p)
{
	json_t *lessons = json_object();
	for (size_t i = 0; lessons && i < p->n; i++) {
		const axl_lesson_progress *lp = &p->lessons[i];
		json_object_set_new(lessons, lp->id,
			json_pack("{s:b, s:i, s:i, s:I, s:I, s:I, s:s?}",
				  "passed", lp->passed, "attempts", lp->attempts,
				  "hints", lp->hints, "time_s", (json_int_t)lp->time_s,
				  "last_active", (json_int_t)lp->last_active,
				  "passed_at", (json_int_t)lp->passed_at,
				  "last_failed", lp->last_failed));
	}
	json_t *doc = json_pack("{s:i, s:s?, s:o}", "version", AXL_PROGRESS_VERSION, "current",
				p->current, "lessons", lessons);
	if (doc && (p->learner_id || p->learner_name))
		json_object_set_new(doc, "learner", json_pack("{s:s?, s:s?}", "id", p->learner_id,
							      "name", p->learner_name));
	const char *k;
	json_t *v;
	/* Members a newer version wrote stay, after ours. */
	json_object_foreach(p->extra, k, v)
		if (doc && !json_object_get(doc, k))
			json_object_set(doc, k, v);
	return doc;
}

int axl_hint_next(axl_progress *p, const axl_lesson *l, int *level, char **text)
{
	*text = NULL;
	if (l->nhints <= 0)
		return -ENOENT;
	/* Under the lock, from the file as it is now: parallel hints count. */
	int lock = -1, rc = 0;
	if (p->path) {
		if ((lock = axl__progress_lock(p->path)) < 0)
			return lock;
		if ((rc = axl__progress_refresh(p, p->path, NULL)) < 0)
			goto out;
	}
	axl_lesson_progress *lp = axl_progress_get(p, l->id);
	if (!lp) {
		rc = -ENOMEM;
		goto out;
	}
	int lv = lp->hints + 1 > l->nhints ? l->nhints : lp->hints + 1;
	char name[16];
	snprintf(name, sizeof name, "hint%d.md", lv);
	char *path = axl_lesson_path(l, name);
	if (!path) {
		rc = -ENOMEM;
		goto out;
	}
	*text = axl_read_file(path, NULL);
	rc = *text ? 0 : -errno;
	free(path);
	if (rc < 0)
		goto out;
	if (lv > lp->hints)
		lp->hints = lv;
	*level = lv;
	if (lock >= 0)
		rc = axl__progress_write(p, p->path);
out:
	if (lock >= 0)
		axl__progress_unlock(lock);
	return rc;
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
