/* class.c - the class view's numbers: many learners' progress files read
 * (never moved or written), then per lesson of a catalog how many passed,
 * who is on it now, median attempts and time, hints, and which check the
 * learners who have not passed it fail most often. */
#include "config.h"

#include "engine.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* What gather keeps while it reads: the learners and their progress. */
typedef struct gather {
	axl_class *k;
	axl_progress **prog; /* parallel to k->learners */
	char **real;	     /* realpaths already counted, for duplicates */
	size_t nreal;
	bool nomem;
} gather;

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
	return asprintf(&p, "%s/%s", a, b) < 0 ? NULL : p;
}

static void skip(gather *g, const char *path, const char *why)
{
	axl_class *k = g->k;
	axl_class_skip *ns = realloc(k->skipped, (k->nskipped + 1) * sizeof *ns);
	if (!ns) {
		g->nomem = true;
		return;
	}
	k->skipped = ns;
	ns[k->nskipped].path = strdup(path);
	ns[k->nskipped].why = strdup(why);
	k->nskipped++;
}

static void skip_errno(gather *g, const char *path, int err)
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
static bool seen_before(gather *g, const char *path)
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

/* Add a learner named name whose progress is in file (NULL: a workspace
 * with no progress file yet, i.e. empty progress; key then names it for
 * the duplicate test). */
static void add_learner(gather *g, const char *name, const char *file, const char *key)
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
				skip(g, name, d.n ? d.msg[0] : file);
			axl_diags_free(&d);
			return;
		}
		axl_diags_free(&d);
	} else if (!(p = calloc(1, sizeof *p))) {
		g->nomem = true;
		return;
	}
	axl_class *k = g->k;
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
	L->name = strdup(name);
	L->progress_path = file ? strdup(file) : NULL;
	np[k->nlearners++] = p;
}

/* A folder that is a workspace (or holds a progress.json): add it, true.
 * Otherwise false and nothing added. */
static bool add_folder(gather *g, const char *name, const char *dir)
{
	char *state = join(dir, ".asynclab"), *pj = NULL, *direct = join(dir, "progress.json");
	bool ok = true;
	if (!state || !direct)
		g->nomem = true;
	else if (is_dir(state)) {
		if (!(pj = join(state, "progress.json")))
			g->nomem = true;
		else
			add_learner(g, name, exists(pj) ? pj : NULL, dir);
	} else if (exists(direct) && !is_dir(direct))
		add_learner(g, name, direct, NULL);
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

/* A folder of workspaces (a classroom's clones): each subfolder that is a
 * workspace, in name order.  False when there is none. */
static bool add_class_folder(gather *g, const char *path)
{
	DIR *dp = opendir(path);
	if (!dp)
		return false;
	char **names = NULL;
	size_t n = 0;
	struct dirent *e;
	while ((e = readdir(dp))) {
		if (e->d_name[0] == '.')
			continue;
		char **nn = realloc(names, (n + 1) * sizeof *nn);
		if (!nn || !(nn[n] = strdup(e->d_name))) {
			names = nn ? nn : names;
			g->nomem = true;
			break;
		}
		names = nn;
		n++;
	}
	closedir(dp);
	if (n)
		qsort(names, n, sizeof *names, by_name);
	size_t len = strlen(path);
	bool any = false;
	for (size_t i = 0; i < n; i++) {
		char *sub = NULL;
		if (asprintf(&sub, "%.*s/%s", (int)(len > 1 && path[len - 1] == '/' ? len - 1 : len),
			     path, names[i]) < 0) {
			g->nomem = true;
		} else if (is_dir(sub)) {
			any |= add_folder(g, sub, sub);
		}
		free(sub);
		free(names[i]);
	}
	free(names);
	return any;
}

static void add_path(gather *g, const char *path)
{
	struct stat st;
	if (stat(path, &st) != 0) {
		skip_errno(g, path, errno);
		return;
	}
	if (!S_ISDIR(st.st_mode)) {
		add_learner(g, path, path, NULL);
		return;
	}
	if (add_folder(g, path, path) || add_class_folder(g, path))
		return;
	char *why = NULL;
	if (asprintf(&why, "%s: not a workspace, a progress file or a folder of workspaces",
		     path) < 0) {
		g->nomem = true;
		return;
	}
	skip(g, path, why);
	free(why);
}

/* ---- per lesson ----------------------------------------------------------- */

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return x < y ? -1 : x > y;
}

/* The median of v[0..n) (sorted in place); the mean of the middle two
 * when n is even.  0 when n is 0. */
static double median(int64_t *v, size_t n)
{
	if (!n)
		return 0;
	qsort(v, n, sizeof *v, cmp_i64);
	return n % 2 ? (double)v[n / 2] : ((double)v[n / 2 - 1] + (double)v[n / 2]) / 2.0;
}

static const axl_check *check_named(const axl_lesson *l, const char *name, size_t *at)
{
	for (size_t i = 0; i < l->nchecks; i++)
		if (!strcmp(l->checks[i].name, name)) {
			*at = i;
			return &l->checks[i];
		}
	*at = l->nchecks;
	return NULL;
}

static int by_count(const void *a, const void *b)
{
	const axl_class_fail *x = a, *y = b;
	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	/* The same count: the check that comes first in the lesson first. */
	const axl_check *dx = x->def, *dy = y->def;
	if (dx != dy)
		return !dx ? 1 : !dy ? -1 : dx < dy ? -1 : 1;
	return strcmp(x->check, y->check);
}

static bool add_fail(axl_class_lesson *cl, const char *name, size_t learner)
{
	axl_class_fail *f = NULL;
	for (size_t i = 0; i < cl->nfails && !f; i++)
		if (!strcmp(cl->fails[i].check, name))
			f = &cl->fails[i];
	if (!f) {
		axl_class_fail *nf = realloc(cl->fails, (cl->nfails + 1) * sizeof *nf);
		if (!nf)
			return false;
		cl->fails = nf;
		f = &nf[cl->nfails++];
		memset(f, 0, sizeof *f);
		size_t at;
		f->def = check_named(cl->lesson, name, &at);
		if (!(f->check = strdup(name)))
			return false;
	}
	size_t *nl = realloc(f->learners, (f->count + 1) * sizeof *nl);
	if (!nl)
		return false;
	f->learners = nl;
	nl[f->count++] = learner;
	return true;
}

/* Where a learner is now: their current lesson when it is in the catalog
 * and not passed yet, else the first lesson not passed, else none. */
static const axl_lesson *learner_current(const axl_catalog *c, const axl_progress *p)
{
	const axl_lesson *l = axl_catalog_find(c, p->current);
	const axl_lesson_progress *lp = l ? axl_progress_find(p, l->id) : NULL;
	if (l && !(lp && lp->passed))
		return l;
	for (size_t i = 0; i < c->n; i++) {
		lp = axl_progress_find(p, c->lessons[i]->id);
		if (!lp || !lp->passed)
			return c->lessons[i];
	}
	return NULL;
}

static bool tally(const axl_catalog *c, gather *g)
{
	axl_class *k = g->k;
	size_t nl = k->nlearners;
	if (!(k->lessons = calloc(c->n ? c->n : 1, sizeof *k->lessons)))
		return false;
	k->nlessons = c->n;
	for (size_t j = 0; j < nl; j++)
		k->learners[j].current = learner_current(c, g->prog[j]);
	int64_t *att = calloc(nl ? nl : 1, sizeof *att), *tim = calloc(nl ? nl : 1, sizeof *tim);
	bool ok = att && tim;
	for (size_t i = 0; ok && i < c->n; i++) {
		axl_class_lesson *cl = &k->lessons[i];
		const axl_lesson *l = cl->lesson = c->lessons[i];
		size_t nw = 0;
		for (size_t j = 0; ok && j < nl; j++) {
			const axl_lesson_progress *lp = axl_progress_find(g->prog[j], l->id);
			cl->current += k->learners[j].current == l;
			if (!lp)
				continue;
			if (lp->passed) {
				cl->passed++;
				k->learners[j].passed++;
			}
			if (lp->attempts || lp->hints || lp->time_s) {
				att[nw] = lp->attempts;
				tim[nw++] = lp->time_s;
			}
			/* Each level fits an int, their sum over a class need not. */
			if (cl->hints <= INT64_MAX - lp->hints)
				cl->hints += lp->hints;
			cl->hinted += lp->hints > 0;
			if (!lp->passed && l->time_box_min > 0 &&
			    lp->time_s > (int64_t)l->time_box_min * 60)
				cl->over_box++;
			if (!lp->passed && lp->last_failed && *lp->last_failed)
				ok = add_fail(cl, lp->last_failed, j);
		}
		cl->worked = nw;
		cl->median_attempts = median(att, nw);
		cl->median_time_s = (int64_t)median(tim, nw);
		if (cl->nfails > 1)
			qsort(cl->fails, cl->nfails, sizeof *cl->fails, by_count);
	}
	free(att);
	free(tim);
	return ok;
}

int axl_class_gather(const axl_catalog *c, const char *const *paths, size_t npaths,
		     axl_class **out)
{
	*out = NULL;
	gather g = { .k = calloc(1, sizeof(axl_class)) };
	if (!g.k)
		return -ENOMEM;
	for (size_t i = 0; i < npaths && !g.nomem; i++)
		add_path(&g, paths[i]);
	bool ok = !g.nomem && tally(c, &g);
	for (size_t j = 0; j < g.k->nlearners; j++)
		axl_progress_free(g.prog[j]);
	free(g.prog);
	for (size_t i = 0; i < g.nreal; i++)
		free(g.real[i]);
	free(g.real);
	if (!ok) {
		axl_class_free(g.k);
		return -ENOMEM;
	}
	*out = g.k;
	return 0;
}

void axl_class_free(axl_class *k)
{
	if (!k)
		return;
	for (size_t i = 0; i < k->nlearners; i++) {
		free(k->learners[i].name);
		free(k->learners[i].progress_path);
	}
	free(k->learners);
	for (size_t i = 0; k->lessons && i < k->nlessons; i++) {
		for (size_t f = 0; f < k->lessons[i].nfails; f++) {
			free(k->lessons[i].fails[f].check);
			free(k->lessons[i].fails[f].learners);
		}
		free(k->lessons[i].fails);
	}
	free(k->lessons);
	for (size_t i = 0; i < k->nskipped; i++) {
		free(k->skipped[i].path);
		free(k->skipped[i].why);
	}
	free(k->skipped);
	free(k);
}

char *axl_check_message_generic(const axl_check *k)
{
	char exp[256] = "...";
	switch (k->kind) {
	case AXL_CHECK_VTIME:
		axl_bound_text(exp, sizeof exp, k->min_ms, k->max_ms, " ms");
		break;
	case AXL_CHECK_TASKS:
		if (k->min_live >= 0 || k->max_live >= 0)
			axl_bound_text(exp, sizeof exp, k->min_live, k->max_live, " live tasks");
		else
			snprintf(exp, sizeof exp, "at least %lld tasks spawned",
				 (long long)k->min_spawned);
		break;
	case AXL_CHECK_EXIT:
		snprintf(exp, sizeof exp, "%d", k->status);
		break;
	case AXL_CHECK_FINDING:
		snprintf(exp, sizeof exp, "a %s finding", k->finding);
		break;
	case AXL_CHECK_NO_FINDING:
		if (strcmp(k->finding, "any"))
			snprintf(exp, sizeof exp, "no %s finding", k->finding);
		else
			snprintf(exp, sizeof exp, "no finding");
		break;
	case AXL_CHECK_HARNESS:
		snprintf(exp, sizeof exp, "the harness passes");
		break;
	case AXL_CHECK_FRAME_LOCALS:
		snprintf(exp, sizeof exp, "every local used across an await in the frame");
		break;
	case AXL_CHECK_OUTPUT:
		break;
	}
	const char *msg = k->message ? k->message : "";
	size_t cap = strlen(msg) * 2 + strlen(exp) * 4 + 64, n = 0;
	char *out = malloc(cap);
	for (const char *p = msg; out && *p;) {
		const char *rep = NULL;
		if (!strncmp(p, "{actual}", 8))
			rep = "...", p += 8;
		else if (!strncmp(p, "{expected}", 10))
			rep = exp, p += 10;
		size_t add = rep ? strlen(rep) : 1;
		if (n + add + 1 > cap) {
			char *no = realloc(out, cap = 2 * (n + add + 1));
			if (!no) {
				free(out);
				return NULL;
			}
			out = no;
		}
		if (rep)
			memcpy(out + n, rep, add);
		else
			out[n] = *p++;
		n += add;
	}
	if (out)
		out[n] = '\0';
	return out;
}
