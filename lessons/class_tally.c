/* class_tally.c - the class view's numbers: per lesson of a catalog how
 * many passed, who is on it now, median attempts and time, hints, who is
 * over the time box and which check the learners who have not passed it
 * fail most often; per learner the lesson they are on, how long they have
 * been on it and the check holding them there.  Sums are 64-bit and
 * saturate, so no progress file, however large its counts, wraps them. */
#include "config.h"

#include "class.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

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

static int64_t sat_add(int64_t a, int64_t b)
{
	return b > 0 && a > INT64_MAX - b ? INT64_MAX : a + b;
}

/* Time on a lesson at now: what was recorded, plus the stretch the
 * learner is in the middle of when it is recent (under the idle cap). */
static int64_t time_at(const axl_lesson_progress *lp, int64_t now)
{
	int64_t t = lp->time_s;
	if (!lp->passed && lp->last_active > 0 && now > lp->last_active &&
	    now - lp->last_active <= AXL_IDLE_CAP_S)
		t = sat_add(t, now - lp->last_active);
	return t;
}

static bool over_box(const axl_lesson *l, const axl_lesson_progress *lp, int64_t now)
{
	return lp && !lp->passed && l->time_box_min > 0 &&
	       time_at(lp, now) > (int64_t)l->time_box_min * 60;
}

static bool add_index(size_t **v, size_t n, size_t x)
{
	size_t *nv = realloc(*v, (n + 1) * sizeof *nv);
	if (!nv)
		return false;
	nv[n] = x;
	*v = nv;
	return true;
}

/* Per learner: where they are, for how long, stuck on what. */
static bool learner_numbers(const axl_catalog *c, axl__gather *g, size_t j)
{
	axl_class_learner *L = &g->k->learners[j];
	const axl_progress *p = g->prog[j];
	L->current = learner_current(c, p);
	for (size_t i = 0; i < p->n; i++) {
		const axl_lesson_progress *lp = &p->lessons[i];
		if (lp->last_active > L->last_active)
			L->last_active = lp->last_active;
	}
	const axl_lesson_progress *lp = L->current ? axl_progress_find(p, L->current->id) : NULL;
	if (!lp)
		return true;
	L->time_on = time_at(lp, g->k->now);
	L->attempts_on = lp->attempts;
	L->over_box = over_box(L->current, lp, g->k->now);
	return !lp->last_failed || (L->failing = strdup(lp->last_failed));
}

/* Two learners with the same name (and different ids) get the start of
 * their id after it, so a call-out never names two people alike. */
static bool distinct_names(axl_class *k)
{
	bool *clash = calloc(k->nlearners ? k->nlearners : 1, sizeof *clash);
	if (!clash)
		return false;
	for (size_t j = 0; j < k->nlearners; j++)
		for (size_t i = 0; i < k->nlearners && !clash[j]; i++)
			clash[j] = i != j && !strcmp(k->learners[i].name, k->learners[j].name);
	for (size_t j = 0; j < k->nlearners; j++) {
		if (!clash[j] || !k->learners[j].id)
			continue;
		char *n = NULL;
		if (asprintf(&n, "%s (%.6s)", k->learners[j].name, k->learners[j].id) < 0) {
			free(clash);
			return false;
		}
		free(k->learners[j].name);
		k->learners[j].name = n;
	}
	free(clash);
	return true;
}

static bool tally(const axl_catalog *c, axl__gather *g)
{
	axl_class *k = g->k;
	size_t nl = k->nlearners;
	if (!(k->lessons = calloc(c->n ? c->n : 1, sizeof *k->lessons)))
		return false;
	k->nlessons = c->n;
	for (size_t j = 0; j < nl; j++)
		if (!learner_numbers(c, g, j))
			return false;
	if (!distinct_names(k))
		return false;
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
				tim[nw++] = time_at(lp, k->now);
			}
			cl->hints = sat_add(cl->hints, lp->hints);
			cl->hinted += lp->hints > 0;
			if (over_box(l, lp, k->now))
				ok = add_index(&cl->over, cl->over_box++, j);
			if (ok && !lp->passed && lp->last_failed && *lp->last_failed)
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

int axl__class_finish(axl__gather *g, const axl_catalog *c, axl_class **out)
{
	bool ok = !g->nomem && tally(c, g);
	for (size_t j = 0; j < g->k->nlearners; j++)
		axl_progress_free(g->prog[j]);
	free(g->prog);
	for (size_t i = 0; i < g->nreal; i++)
		free(g->real[i]);
	free(g->real);
	if (!ok) {
		axl_class_free(g->k);
		return -ENOMEM;
	}
	*out = g->k;
	return 0;
}

int axl_class_gather_at(const axl_catalog *c, const char *const *paths, size_t npaths,
			int64_t now, axl_class **out)
{
	*out = NULL;
	axl__gather g = { .k = calloc(1, sizeof(axl_class)) };
	if (!g.k)
		return -ENOMEM;
	g.k->now = now;
	for (size_t i = 0; i < npaths && !g.nomem; i++)
		axl__class_add_path(&g, paths[i]);
	return axl__class_finish(&g, c, out);
}

int axl_class_gather_doc(const axl_catalog *c, const json_t *doc, const char *label,
			 int64_t now, axl_class **out)
{
	*out = NULL;
	axl__gather g = { .k = calloc(1, sizeof(axl_class)) };
	if (!g.k)
		return -ENOMEM;
	g.k->now = now;
	axl__class_add_doc(&g, doc, label);
	return axl__class_finish(&g, c, out);
}

int axl_class_gather(const axl_catalog *c, const char *const *paths, size_t npaths,
		     axl_class **out)
{
	return axl_class_gather_at(c, paths, npaths, (int64_t)time(NULL), out);
}

static void free_notes(axl_class_skip *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].path);
		free(v[i].why);
	}
	free(v);
}

void axl_class_free(axl_class *k)
{
	if (!k)
		return;
	for (size_t i = 0; i < k->nlearners; i++) {
		free(k->learners[i].name);
		free(k->learners[i].id);
		free(k->learners[i].progress_path);
		free(k->learners[i].failing);
	}
	free(k->learners);
	for (size_t i = 0; k->lessons && i < k->nlessons; i++) {
		for (size_t f = 0; f < k->lessons[i].nfails; f++) {
			free(k->lessons[i].fails[f].check);
			free(k->lessons[i].fails[f].learners);
		}
		free(k->lessons[i].fails);
		free(k->lessons[i].over);
	}
	free(k->lessons);
	free_notes(k->skipped, k->nskipped);
	free_notes(k->same, k->nsame);
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
	case AXL_CHECK_TRACE:
		axl_bound_text(exp, sizeof exp, k->tmin, k->tmax, "");
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
