/* progress_store.c - progress.json on disk.  Every read-modify-write of
 * the file happens under the workspace's lock (flock on PATH.lock), and a
 * save merges what this process changed into what the file holds by then,
 * so verifications, hints and the lab running side by side never lose one
 * another's updates.  Writes are atomic (temp file, fsync, rename) so a
 * crash never leaves half a file; a file that does not parse is renamed
 * aside and reported, never silently dropped; temporary files a killed
 * writer left are removed on the next load. */
#include "config.h"

#include "progress.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* ---- reading ---------------------------------------------------------- */

/* A JSON integer as an int count: out of range is not a count. */
static bool count_of(const json_t *v, int *out)
{
	json_int_t n = json_integer_value(v);
	if (n < 0 || n > INT_MAX)
		return false;
	*out = (int)n;
	return true;
}

/* Times and durations in seconds past this (about 35 000 years) are not
 * real; refusing them keeps every sum and median over them in range. */
#define TIME_MAX ((int64_t)1 << 40)

/* A JSON integer as a time or duration in seconds. */
static bool time_of(const json_t *v, int64_t *out)
{
	json_int_t n = json_integer_value(v);
	if (n < 0 || n > TIME_MAX)
		return false;
	*out = n;
	return true;
}

/* Fill p from a parsed document; false when it is not a progress file. */
static bool from_json(axl_progress *p, const json_t *doc, char *why, size_t whylen)
{
	if (!json_is_object(doc)) {
		snprintf(why, whylen, "not a JSON object");
		return false;
	}
	if (json_integer_value(json_object_get(doc, "version")) != AXL_PROGRESS_VERSION) {
		snprintf(why, whylen, "no \"version\": %d", AXL_PROGRESS_VERSION);
		return false;
	}
	const json_t *cur = json_object_get(doc, "current");
	if (cur && !json_is_null(cur) && !json_is_string(cur)) {
		snprintf(why, whylen, "\"current\" is not a string");
		return false;
	}
	if (json_is_string(cur) && axl_progress_set_current(p, json_string_value(cur)) < 0)
		goto nomem;
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
			goto nomem;
		lp->passed = json_is_true(json_object_get(v, "passed"));
		if (!count_of(json_object_get(v, "attempts"), &lp->attempts) ||
		    !count_of(json_object_get(v, "hints"), &lp->hints) ||
		    !time_of(json_object_get(v, "time_s"), &lp->time_s) ||
		    !time_of(json_object_get(v, "last_active"), &lp->last_active) ||
		    !time_of(json_object_get(v, "passed_at"), &lp->passed_at)) {
			snprintf(why, whylen, "lesson \"%s\" has a negative or too large count", k);
			return false;
		}
		const char *lf = json_string_value(json_object_get(v, "last_failed"));
		if (lf && !(lp->last_failed = strdup(lf)))
			goto nomem;
	}
	const json_t *who = json_object_get(doc, "learner");
	if (who) {
		/* The id may be missing (a file written by hand): it is made at
		 * the next init; one that is there must be well formed. */
		const json_t *jid = json_object_get(who, "id"), *nm = json_object_get(who, "name");
		const char *id = json_string_value(jid);
		if (!json_is_object(who) ||
		    (jid && (!id || !*id || strlen(id) > 64 ||
			     strspn(id, "0123456789abcdefghijklmnopqrstuvwxyz"
					"ABCDEFGHIJKLMNOPQRSTUVWXYZ-") != strlen(id)))) {
			snprintf(why, whylen, "\"learner\" has an \"id\" that is not a learner id");
			return false;
		}
		if (nm && !json_is_null(nm) && !axl_learner_name_ok(json_string_value(nm))) {
			snprintf(why, whylen, "\"learner\" has a \"name\" that is not 1 to %d "
					      "printable characters", AXL_LEARNER_NAME_MAX);
			return false;
		}
		if ((id && !(p->learner_id = strdup(id))) ||
		    (json_is_string(nm) && !(p->learner_name = strdup(json_string_value(nm)))))
			goto nomem;
	}
	/* Keep what a newer version added, to write it back unchanged. */
	json_decref(p->extra);
	if (!(p->extra = json_deep_copy(doc)))
		goto nomem;
	json_object_del(p->extra, "version");
	json_object_del(p->extra, "current");
	json_object_del(p->extra, "lessons");
	json_object_del(p->extra, "learner");
	return true;
nomem:
	snprintf(why, whylen, "out of memory");
	return false;
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

static void stamp(char *buf, size_t n, time_t t)
{
	struct tm tm;
	localtime_r(&t, &tm);
	strftime(buf, n, "%Y%m%d-%H%M%S", &tm);
}

/* Keep a bad file for the learner (or an instructor) to look at. */
static int move_aside(const char *path, const char *why, axl_diags *d)
{
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
	return -EBADMSG;
}

/* ---- the lock and leftovers ------------------------------------------ */

int axl__progress_lock(const char *path)
{
	char *lk = NULL;
	if (asprintf(&lk, "%s.lock", path) < 0)
		return -ENOMEM;
	int fd = open(lk, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	/* A workspace we may read but not write (an instructor looking at
	 * it): reading needs no lock, and a save will fail on its own. */
	if (fd < 0 && (errno == EACCES || errno == EROFS))
		fd = open(lk, O_RDONLY | O_CLOEXEC);
	int e = errno;
	free(lk);
	if (fd < 0)
		return -e;
	while (flock(fd, LOCK_EX) < 0) {
		if (errno != EINTR) {
			e = errno;
			close(fd);
			return -e;
		}
	}
	return fd;
}

void axl__progress_unlock(int fd)
{
	if (fd >= 0)
		close(fd); /* releases the flock */
}

/* Whether process pid still exists (as anyone's). */
static bool alive(long pid)
{
	return pid > 0 && pid <= INT_MAX && (kill((pid_t)pid, 0) == 0 || errno == EPERM);
}

int axl_progress_clean(const char *path)
{
	char *dcopy = strdup(path), *bcopy = strdup(path);
	if (!dcopy || !bcopy) {
		free(dcopy);
		free(bcopy);
		return -ENOMEM;
	}
	const char *base = basename(bcopy);
	size_t bl = strlen(base);
	DIR *dir = opendir(dirname(dcopy));
	int removed = 0;
	struct dirent *e;
	while (dir && (e = readdir(dir))) {
		const char *n = e->d_name;
		if (strncmp(n, base, bl) || strncmp(n + bl, ".tmp-", 5))
			continue;
		char *end;
		long pid = strtol(n + bl + 5, &end, 10);
		if (*end || end == n + bl + 5 || alive(pid))
			continue;
		if (unlinkat(dirfd(dir), n, 0) == 0)
			removed++;
	}
	if (dir)
		closedir(dir);
	free(dcopy);
	free(bcopy);
	return removed;
}

/* ---- merging ---------------------------------------------------------- */

static int64_t clamp(int64_t v, int64_t lo, int64_t hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

static bool same_str(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

/* Fold m's changes since b into d's newer values, into m. */
static int merge_lesson(axl_lesson_progress *m, const axl_lesson_progress *b,
			const axl_lesson_progress *d)
{
	static const axl_lesson_progress none = { 0 };
	if (!b)
		b = &none;
	/* Counts are sums of events: add ours since the base to theirs. */
	int64_t att = (int64_t)d->attempts + ((int64_t)m->attempts - b->attempts);
	int64_t tim = d->time_s + (m->time_s - b->time_s);
	bool verified = m->attempts != b->attempts;
	m->attempts = (int)clamp(att, 0, INT_MAX);
	m->time_s = clamp(tim, 0, INT64_MAX / 2);
	/* Levels and milestones only go up. */
	if (d->hints > m->hints)
		m->hints = d->hints;
	if (d->last_active > m->last_active)
		m->last_active = d->last_active;
	if (d->passed) {
		if (!m->passed || (d->passed_at && (!m->passed_at || d->passed_at < m->passed_at)))
			m->passed_at = d->passed_at;
		m->passed = true;
	}
	/* The last failure is the last verification's: ours if we made one. */
	if (!verified && !same_str(m->last_failed, d->last_failed)) {
		char *lf = d->last_failed ? strdup(d->last_failed) : NULL;
		if (d->last_failed && !lf)
			return -ENOMEM;
		free(m->last_failed);
		m->last_failed = lf;
	}
	return 0;
}

/* *mine := theirs when mine is what the base had (we did not change it). */
static int take_unless_changed(char **mine, const char *base, const char *theirs)
{
	if (!same_str(*mine, base) || same_str(*mine, theirs))
		return 0;
	char *t = theirs ? strdup(theirs) : NULL;
	if (theirs && !t)
		return -ENOMEM;
	free(*mine);
	*mine = t;
	return 0;
}

/* m := d + (m - base), lesson by lesson; the current lesson and the
 * learner's name are ours if we changed them, else the file's; the
 * learner's id is the file's once it has one (the first one made wins,
 * so two commands making one at once agree). */
static int merge(axl_progress *m, const axl_progress *d)
{
	const axl_progress *b = m->base;
	if (same_str(m->current, b ? b->current : NULL) && !same_str(m->current, d->current) &&
	    axl_progress_set_current(m, d->current) < 0)
		return -ENOMEM;
	if (d->learner_id && !same_str(m->learner_id, d->learner_id)) {
		char *id = strdup(d->learner_id);
		if (!id)
			return -ENOMEM;
		free(m->learner_id);
		m->learner_id = id;
	}
	if (take_unless_changed(&m->learner_name, b ? b->learner_name : NULL, d->learner_name) < 0)
		return -ENOMEM;
	for (size_t i = 0; i < d->n; i++) {
		const axl_lesson_progress *dl = &d->lessons[i];
		bool had = axl_progress_find(m, dl->id) != NULL;
		axl_lesson_progress *ml = axl_progress_get(m, dl->id);
		if (!ml)
			return -ENOMEM;
		const axl_lesson_progress *bl = axl_progress_find(b, dl->id);
		/* An entry the base had but ours lacks was never ours to
		 * change (a progress built by hand): nothing to add. */
		if (!had)
			bl = NULL;
		int rc = merge_lesson(ml, bl, dl);
		if (rc < 0)
			return rc;
	}
	/* Lessons the file lacks but the base had (the file was replaced by
	 * an older copy): only our changes since the base count. */
	for (size_t i = 0; b && i < m->n; i++) {
		axl_lesson_progress *ml = &m->lessons[i];
		const axl_lesson_progress *bl = axl_progress_find(b, ml->id);
		if (bl && !axl_progress_find(d, ml->id)) {
			static const axl_lesson_progress none = { 0 };
			int rc = merge_lesson(ml, bl, &none);
			if (rc < 0)
				return rc;
		}
	}
	json_decref(m->extra);
	m->extra = d->extra ? json_incref(d->extra) : NULL;
	return 0;
}

int axl__progress_refresh(axl_progress *p, const char *path, axl_diags *d)
{
	struct stat st;
	if (stat(path, &st) != 0)
		return errno == ENOENT ? 0 : -errno;
	if (!S_ISREG(st.st_mode))
		return -EISDIR;
	axl_progress *disk = calloc(1, sizeof *disk);
	if (!disk)
		return -ENOMEM;
	char why[256];
	int rc;
	if (parse_file(disk, path, why, sizeof why))
		rc = merge(p, disk);
	else
		rc = strcmp(why, "out of memory") ? move_aside(path, why, d) : -ENOMEM;
	axl_progress_free(disk);
	return rc == -EBADMSG ? 0 : rc;
}

/* ---- writing ---------------------------------------------------------- */

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

int axl__progress_write(axl_progress *p, const char *path)
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
	if (rc < 0)
		return rc;
	axl_progress *base = axl__progress_copy(p);
	if (!base)
		return -ENOMEM;
	axl_progress_free(p->base);
	p->base = base;
	if (!p->path || strcmp(p->path, path)) {
		char *pp = strdup(path);
		if (!pp)
			return -ENOMEM;
		free(p->path);
		p->path = pp;
	}
	return 0;
}

/* ---- load and save ---------------------------------------------------- */

int axl_progress_load(const char *path, axl_progress **out, axl_diags *d)
{
	axl_progress *p = calloc(1, sizeof *p);
	*out = p;
	if (!p || !(p->path = strdup(path)))
		return -ENOMEM;
	int lock = axl__progress_lock(path);
	/* No lock (a read-only workspace): load anyway, a save will say. */
	if (lock >= 0)
		axl_progress_clean(path);
	int rc = 0;
	char why[256];
	if (access(path, F_OK) != 0) {
		rc = errno == ENOENT ? 0 : -errno;
	} else if (!parse_file(p, path, why, sizeof why)) {
		/* Start again from empty progress. */
		axl_progress *e = calloc(1, sizeof *e);
		char *pp = e ? strdup(path) : NULL;
		axl_progress_free(p);
		*out = p = e;
		if (!pp)
			rc = -ENOMEM;
		else
			p->path = pp, rc = move_aside(path, why, d);
	}
	if (p && !(p->base = axl__progress_copy(p)) && rc == 0)
		rc = -ENOMEM;
	axl__progress_unlock(lock);
	return rc;
}

int axl_progress_save(axl_progress *p, const char *path)
{
	int lock = axl__progress_lock(path);
	if (lock < 0)
		return lock;
	int rc = axl__progress_refresh(p, path, NULL);
	if (rc == 0)
		rc = axl__progress_write(p, path);
	axl__progress_unlock(lock);
	return rc;
}
