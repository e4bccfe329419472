/* class.c - where the class view's learners come from: workspaces,
 * progress files, folders of either (a classroom's clones, a folder of
 * collected files) and the class server's store.  Everything is only read,
 * never moved or written.  A learner is counted once: the same file named
 * twice, or the same learner id found in two places (a copy of one
 * learner's file), counts as one learner with the newer progress.  The
 * numbers per lesson are class_tally.c. */
#include "config.h"

#include "class.h"
#include "classdb.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static bool is_dir(const char *p)
{
	struct stat st;
	return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

static bool exists(const char *p)
{
	return access(p, F_OK) == 0;
}

static char *join(const char *a, const char *b)
{
	char *p = NULL;
	size_t n = strlen(a);
	while (n > 1 && a[n - 1] == '/')
		n--;
	return asprintf(&p, "%.*s/%s", (int)n, a, b) < 0 ? NULL : p;
}

static void note(axl__gather *g, axl_class_skip **list, size_t *n, const char *path,
		 const char *why)
{
	axl_class_skip *ns = realloc(*list, (*n + 1) * sizeof *ns);
	if (!ns) {
		g->nomem = true;
		return;
	}
	*list = ns;
	ns[*n].path = strdup(path);
	ns[*n].why = strdup(why);
	if (!ns[*n].path || !ns[*n].why)
		g->nomem = true;
	(*n)++;
}

static void skip(axl__gather *g, const char *path, const char *why)
{
	note(g, &g->k->skipped, &g->k->nskipped, path, why);
}

static void skip_errno(axl__gather *g, const char *path, int err)
{
	char *why = NULL;
	if (asprintf(&why, "%s: %s", path, strerror(err)) < 0) {
		g->nomem = true;
		return;
	}
	skip(g, path, why);
	free(why);
}

/* Was this file (or workspace) counted already?  Remembers it if not. */
static bool seen_before(axl__gather *g, const char *path)
{
	char rp[PATH_MAX];
	if (!realpath(path, rp))
		return false;
	for (size_t i = 0; i < g->nreal; i++)
		if (!strcmp(g->real[i], rp))
			return true;
	char **nr = realloc(g->real, (g->nreal + 1) * sizeof *nr);
	if (!nr || !(nr[g->nreal] = strdup(rp))) {
		if (nr)
			g->real = nr;
		g->nomem = true;
		return false;
	}
	g->real = nr;
	g->nreal++;
	return false;
}

/* The latest activity in a progress: which of two copies is newer. */
static int64_t newest(const axl_progress *p)
{
	int64_t t = 0;
	for (size_t i = 0; i < p->n; i++) {
		const axl_lesson_progress *lp = &p->lessons[i];
		int64_t x = lp->last_active > lp->passed_at ? lp->last_active : lp->passed_at;
		t = x > t ? x : t;
	}
	return t;
}

static int64_t total_attempts(const axl_progress *p)
{
	int64_t n = 0;
	for (size_t i = 0; i < p->n; i++)
		n += p->lessons[i].attempts;
	return n;
}

/* Take p (owned from here on) as the learner found at path (label names
 * them when their progress has no name). */
static void add_progress(axl__gather *g, const char *label, const char *path, axl_progress *p)
{
	axl_class *k = g->k;
	for (size_t j = 0; p->learner_id && j < k->nlearners; j++) {
		axl_progress *q = g->prog[j];
		if (!q->learner_id || strcmp(q->learner_id, p->learner_id))
			continue;
		/* The same learner again: keep the newer progress. */
		bool newer = newest(p) > newest(q) ||
			     (newest(p) == newest(q) && total_attempts(p) > total_attempts(q));
		char *why = NULL;
		const char *kept = newer ? path : k->learners[j].progress_path;
		if (asprintf(&why, "%s: the same learner as %s; counted once, from %s",
			     path ? path : label, k->learners[j].progress_path
			     ? k->learners[j].progress_path : k->learners[j].name,
			     kept ? kept : label) < 0)
			g->nomem = true;
		else
			note(g, &k->same, &k->nsame, path ? path : label, why);
		free(why);
		if (newer) {
			axl_progress_free(q);
			g->prog[j] = p;
			char *pp = path ? strdup(path) : NULL;
			free(k->learners[j].progress_path);
			k->learners[j].progress_path = pp;
		} else {
			axl_progress_free(p);
		}
		return;
	}
	axl_class_learner *nl = realloc(k->learners, (k->nlearners + 1) * sizeof *nl);
	axl_progress **np = realloc(g->prog, (k->nlearners + 1) * sizeof *np);
	if (nl)
		k->learners = nl;
	if (np)
		g->prog = np;
	if (!nl || !np) {
		axl_progress_free(p);
		g->nomem = true;
		return;
	}
	axl_class_learner *L = &nl[k->nlearners];
	memset(L, 0, sizeof *L);
	L->name = strdup(p->learner_name ? p->learner_name : label);
	L->id = p->learner_id ? strdup(p->learner_id) : NULL;
	L->progress_path = path ? strdup(path) : NULL;
	if (!L->name || (p->learner_id && !L->id) || (path && !L->progress_path))
		g->nomem = true;
	np[k->nlearners++] = p;
}

/* Add the learner whose progress is in file (NULL: a workspace with no
 * progress file yet, i.e. empty progress; key then names it for the
 * duplicate test). */
static void add_file(axl__gather *g, const char *label, const char *file, const char *key)
{
	if (seen_before(g, file ? file : key))
		return;
	axl_progress *p = NULL;
	if (file) {
		axl_diags d = { 0 };
		int rc = axl_progress_read(file, &p, &d);
		if (rc < 0) {
			if (rc == -ENOMEM)
				g->nomem = true;
			else
				skip(g, label, d.n ? d.msg[0] : file);
			axl_diags_free(&d);
			return;
		}
		axl_diags_free(&d);
	} else if (!(p = calloc(1, sizeof *p))) {
		g->nomem = true;
		return;
	}
	add_progress(g, label, file, p);
}

static void add_served(axl__gather *g, const char *label, const char *source, const char *id,
		       const char *name, const json_t *doc);

/* Every learner of a class store. */
static void add_store(axl__gather *g, const char *label, const char *db_path)
{
	if (seen_before(g, db_path))
		return;
	axl_classdb *db = NULL;
	char *err = NULL;
	axl_classdb_learner *L = NULL;
	size_t n = 0;
	int rc = axl_classdb_open(db_path, AXL_CLASSDB_READONLY, &db, &err);
	if (rc == 0)
		rc = axl_classdb_learners(db, &L, &n);
	axl_classdb_close(db);
	if (rc < 0) {
		if (rc == -ENOMEM)
			g->nomem = true;
		else if (err)
			skip(g, label, err);
		else
			skip_errno(g, label, -rc);
		free(err);
		return;
	}
	for (size_t i = 0; i < n && !g->nomem; i++) {
		json_t *doc = json_loads(L[i].progress, 0, NULL);
		add_served(g, label, db_path, L[i].id, L[i].name, doc);
		json_decref(doc);
	}
	axl_classdb_learners_free(L, n);
}

/* Add one learner as a store or a server gives them: the name and id are
 * the ones the server checked, whatever the progress says. */
static void add_served(axl__gather *g, const char *label, const char *source, const char *id,
		       const char *name, const json_t *doc)
{
	char why[256], *where = NULL;
	axl_progress *p = NULL;
	if (asprintf(&where, "%s (%s)", label, name) < 0) {
		g->nomem = true;
	} else if (!doc || axl_progress_from_doc(doc, &p, why, sizeof why) < 0) {
		char *msg = NULL;
		if (asprintf(&msg, "%s: not a valid progress (%s)", where,
			     doc ? why : "not JSON") < 0)
			g->nomem = true;
		else
			skip(g, where, msg);
		free(msg);
	} else {
		free(p->learner_name);
		free(p->learner_id);
		p->learner_name = strdup(name);
		p->learner_id = strdup(id);
		if (!p->learner_name || !p->learner_id)
			g->nomem = true;
		add_progress(g, where, source, p);
	}
	free(where);
}

void axl__class_add_doc(axl__gather *g, const json_t *doc, const char *label)
{
	const json_t *ls = json_object_get(doc, "learners"), *L;
	size_t i;
	json_array_foreach(ls, i, L) {
		const char *id = json_string_value(json_object_get(L, "id"));
		const char *name = json_string_value(json_object_get(L, "name"));
		if (!id || !name) {
			skip(g, label, "a learner without an id or a name");
			continue;
		}
		add_served(g, label, NULL, id, name, json_object_get(L, "progress"));
		if (g->nomem)
			return;
	}
}

/* A folder that is a workspace (or holds a progress.json): add it, true.
 * Otherwise false and nothing added. */
static bool add_folder(axl__gather *g, const char *label, const char *dir)
{
	char *state = join(dir, ".asynclab"), *pj = NULL, *direct = join(dir, "progress.json");
	bool ok = true;
	if (!state || !direct)
		g->nomem = true;
	else if (is_dir(state)) {
		if (!(pj = join(state, "progress.json")))
			g->nomem = true;
		else
			add_file(g, label, exists(pj) ? pj : NULL, dir);
	} else if (exists(direct) && !is_dir(direct))
		add_file(g, label, direct, NULL);
	else
		ok = false;
	free(state);
	free(pj);
	free(direct);
	return ok;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The names in a folder (not hidden), sorted; NULL and *n 0 when none. */
static char **list_dir(axl__gather *g, const char *path, size_t *n)
{
	*n = 0;
	DIR *dp = opendir(path);
	if (!dp)
		return NULL;
	char **names = NULL;
	struct dirent *e;
	while ((e = readdir(dp))) {
		if (e->d_name[0] == '.')
			continue;
		char **nn = realloc(names, (*n + 1) * sizeof *nn);
		if (!nn || !(nn[*n] = strdup(e->d_name))) {
			names = nn ? nn : names;
			g->nomem = true;
			break;
		}
		names = nn;
		(*n)++;
	}
	closedir(dp);
	if (*n)
		qsort(names, *n, sizeof *names, by_name);
	return names;
}

static bool ends_with(const char *s, const char *tail)
{
	size_t n = strlen(s), t = strlen(tail);
	return n > t && !strcmp(s + n - t, tail);
}

/* A folder of workspaces (a classroom's clones) or of collected progress
 * files: each subfolder that is a workspace and each *.json file, in name
 * order.  False when there is none. */
static bool add_class_folder(axl__gather *g, const char *path)
{
	size_t n;
	char **names = list_dir(g, path, &n);
	bool any = false;
	for (size_t i = 0; i < n; i++) {
		char *sub = join(path, names[i]);
		if (!sub)
			g->nomem = true;
		else if (is_dir(sub))
			any |= add_folder(g, sub, sub);
		else if (ends_with(names[i], ".json")) {
			add_file(g, sub, sub, NULL);
			any = true;
		}
		free(sub);
		free(names[i]);
	}
	free(names);
	return any;
}

void axl__class_add_path(axl__gather *g, const char *path)
{
	struct stat st;
	char *db = NULL;
	if (stat(path, &st) != 0) {
		skip_errno(g, path, errno);
		return;
	}
	if (axl_classdb_probe(path, &db)) {
		add_store(g, path, db);
		free(db);
		return;
	}
	if (!S_ISDIR(st.st_mode)) {
		add_file(g, path, path, NULL);
		return;
	}
	if (add_folder(g, path, path) || add_class_folder(g, path))
		return;
	char *why = NULL;
	if (asprintf(&why, "%s: not a workspace, a progress file, a class store or a folder of "
			   "workspaces or progress files", path) < 0) {
		g->nomem = true;
		return;
	}
	skip(g, path, why);
	free(why);
}

/* ---- the course they follow ------------------------------------------------ */

typedef struct course_vote {
	char **text, **from;
	size_t *votes, n;
	bool nomem;
} course_vote;

static void vote(course_vote *v, const char *text, const char *from)
{
	for (size_t i = 0; i < v->n; i++)
		if (!strcmp(v->text[i], text)) {
			v->votes[i]++;
			return;
		}
	char **nt = realloc(v->text, (v->n + 1) * sizeof *nt);
	if (nt)
		v->text = nt;
	char **nf = realloc(v->from, (v->n + 1) * sizeof *nf);
	if (nf)
		v->from = nf;
	size_t *nv = realloc(v->votes, (v->n + 1) * sizeof *nv);
	if (nv)
		v->votes = nv;
	if (!nt || !nf || !nv) {
		v->nomem = true;
		return;
	}
	v->text[v->n] = strdup(text);
	v->from[v->n] = strdup(from);
	v->votes[v->n] = 1;
	if (!v->text[v->n] || !v->from[v->n])
		v->nomem = true;
	v->n++;
}

/* The most common course: *text and *from taken out of v, which is
 * freed. */
static int vote_result(course_vote *v, char **text, char **from, size_t *others)
{
	*text = *from = NULL;
	*others = 0;
	size_t best = 0, total = 0;
	for (size_t i = 0; i < v->n; i++) {
		total += v->votes[i];
		if (v->votes[i] > v->votes[best])
			best = i;
	}
	int rc = v->nomem ? -ENOMEM : 0;
	if (!rc && v->n) {
		*text = v->text[best];
		*from = v->from[best];
		v->text[best] = v->from[best] = NULL;
		*others = total - v->votes[best];
	}
	for (size_t i = 0; i < v->n; i++) {
		free(v->text[i]);
		free(v->from[i]);
	}
	free(v->text);
	free(v->from);
	free(v->votes);
	return rc;
}

static void vote_workspace(course_vote *v, const char *dir)
{
	char *state = join(dir, ".asynclab"), *cf = state ? join(state, AXL_COURSE_FILE) : NULL;
	char *text = cf && exists(cf) ? axl_read_file(cf, NULL) : NULL;
	if (text)
		vote(v, text, cf);
	if (!state || !cf)
		v->nomem = true;
	free(text);
	free(cf);
	free(state);
}

static void vote_store(course_vote *v, const char *label, const char *db_path)
{
	axl_classdb *db = NULL;
	char *err = NULL;
	axl_classdb_learner *L = NULL;
	size_t n = 0;
	if (axl_classdb_open(db_path, AXL_CLASSDB_READONLY, &db, &err) == 0 &&
	    axl_classdb_learners(db, &L, &n) == 0)
		for (size_t i = 0; i < n; i++)
			if (L[i].course) {
				char *from = NULL;
				if (asprintf(&from, "%s (%s)", label, L[i].name) < 0)
					v->nomem = true;
				else
					vote(v, L[i].course, from);
				free(from);
			}
	axl_classdb_learners_free(L, n);
	axl_classdb_close(db);
	free(err);
}

int axl_class_course_doc(const json_t *doc, const char *label, char **text, char **from,
			 size_t *others)
{
	course_vote v = { 0 };
	const json_t *ls = json_object_get(doc, "learners"), *L;
	size_t i;
	json_array_foreach(ls, i, L) {
		const char *course = json_string_value(json_object_get(L, "course"));
		const char *name = json_string_value(json_object_get(L, "name"));
		char *f = NULL;
		if (!course)
			continue;
		if (asprintf(&f, "%s (%s)", label, name ? name : "?") < 0)
			v.nomem = true;
		else
			vote(&v, course, f);
		free(f);
	}
	return vote_result(&v, text, from, others);
}

int axl_class_course(const char *const *paths, size_t npaths, char **text, char **from,
		     size_t *others)
{
	course_vote v = { 0 };
	axl__gather scratch = { 0 };
	for (size_t i = 0; i < npaths && !v.nomem; i++) {
		char *db = NULL;
		if (axl_classdb_probe(paths[i], &db)) {
			vote_store(&v, paths[i], db);
			free(db);
		} else if (is_dir(paths[i])) {
			char *state = join(paths[i], ".asynclab");
			if (state && is_dir(state)) {
				vote_workspace(&v, paths[i]);
			} else {
				size_t n;
				char **names = list_dir(&scratch, paths[i], &n);
				for (size_t j = 0; j < n; j++) {
					char *sub = join(paths[i], names[j]);
					if (sub && is_dir(sub))
						vote_workspace(&v, sub);
					free(sub);
					free(names[j]);
				}
				free(names);
			}
			free(state);
		}
	}
	if (scratch.nomem)
		v.nomem = true;
	return vote_result(&v, text, from, others);
}
