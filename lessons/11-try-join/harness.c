/* harness.c - lesson 11's side: load, a few applications whose parts and
 * broken sources the lesson text does not all show, and main(), which
 * asks the learner's load_config() for each application in turn.  It
 * judges from load's records whether the three loads of an application
 * ran at the same time, whether a failure was returned the moment it
 * happened, and whether the loads still running then were cancelled. */
#include "harness_kit.h"
#include "lesson.h"

#include <stdio.h>
#include <string.h>

#define NSRC 3
static const char *const sources[NSRC] = { "defaults", "file", "remote" };
static const int load_ms[NSRC] = { 100, 50, 300 };

/* Each application: its three parts, and the error a source fails with
 * (0: it loads). */
static const struct app {
	const char *name;
	int part[NSRC];
	int err[NSRC];
} apps[] = {
	{ "shop", { 1, 20, 300 }, { 0, 0, 0 } },
	{ "billing", { 2, 30, 500 }, { 0, -EACCES, 0 } },
	{ "search", { 4, 60, 700 }, { -ENOENT, 0, 0 } },
	{ "mail", { 8, 10, 900 }, { 0, 0, 0 } },
};
#define NAPPS ((int)(sizeof apps / sizeof apps[0]))

static int source_of(const char *s)
{
	for (int k = 0; k < NSRC; k++)
		if (s && !strcmp(s, sources[k]))
			return k;
	return -1;
}

static int app_of(const char *s)
{
	for (int a = 0; a < NAPPS; a++)
		if (s && !strcmp(s, apps[a].name))
			return a;
	return -1;
}

/* The source that fails first for app a (-1: none fails). */
static int first_failure(int a)
{
	int f = -1;
	for (int k = 0; k < NSRC; k++)
		if (apps[a].err[k] && (f < 0 || load_ms[k] < load_ms[f]))
			f = k;
	return f;
}

AXH_SERVICE(load, ax_res)
{
	int rec = AXH_REC_BEGIN("load");
	if (rec >= 0) {
		axh_recs[rec].mark = source_of(self->source);
		axh_recs[rec].arg = app_of(self->app);
	}
	AX_BEGIN;
	{
		int k = source_of(self->source), a = app_of(self->app);
		if (k < 0 || a < 0) {
			axh_rec_end(self, 0, -EINVAL);
			AX_RETURN(((ax_res){ .err = -EINVAL }));
		}
	}
	AX_AWAIT(ax_sleep_ms(load_ms[source_of(self->source)]));
	{
		int k = source_of(self->source), a = app_of(self->app);
		if (apps[a].err[k]) {
			printf("[%lld ms] %s: %s failed: %s\n", (long long)axh_ms(), apps[a].name,
			       sources[k], strerror(-apps[a].err[k]));
			axh_rec_end(self, 0, apps[a].err[k]);
			AX_RETURN(((ax_res){ .err = apps[a].err[k] }));
		}
		printf("[%lld ms] %s: %s loaded\n", (long long)axh_ms(), apps[a].name, sources[k]);
		axh_rec_end(self, apps[a].part[k], 0);
		AX_RETURN(((ax_res){ .val = apps[a].part[k] }));
	}
	AX_END;
}

static axh_ret got[NAPPS];
static unsigned returned_seq[NAPPS], settled_seq[NAPPS];
static int64_t returned_ms[NAPPS];

/* The record of source k's load for app a in its own round (the last
 * one, if it was loaded more than once). */
static const axh_rec *rec_of(int a, int k)
{
	const axh_rec *r = NULL;
	for (int i = 0; i < axh_nrecs; i++)
		if (axh_recs[i].step == a && axh_recs[i].arg == a && axh_recs[i].mark == k)
			r = &axh_recs[i];
	return r;
}

static int times_loaded(int a, int k)
{
	int n = 0;
	for (int i = 0; i < axh_nrecs; i++)
		n += axh_recs[i].step == a && axh_recs[i].arg == a && axh_recs[i].mark == k;
	return n;
}

static const ax_site *a_site(int a)
{
	for (int i = 0; i < axh_nrecs; i++)
		if (axh_recs[i].step == a && axh_recs[i].site)
			return axh_recs[i].site;
	return NULL;
}

static void judge_results(void)
{
	char why[512] = "";
	const ax_site *at = NULL;
	bool ok = true;
	for (int i = 0; i < axh_nrecs && ok; i++)
		if (axh_recs[i].mark < 0 || axh_recs[i].arg < 0) {
			snprintf(why, sizeof why, "load was asked for %s that the lesson does not "
				 "have", axh_recs[i].mark < 0 ? "a source" : "an application");
			at = axh_recs[i].site;
			ok = false;
		}
	for (int a = 0; a < NAPPS && ok; a++) {
		int f = first_failure(a);
		long sum = 0;
		for (int k = 0; k < NSRC; k++)
			sum += apps[a].part[k];
		for (int k = 0; k < NSRC && ok; k++) {
			int n = times_loaded(a, k);
			if (n > 1) {
				snprintf(why, sizeof why, "load_config(\"%s\") loaded its %s %d times",
					 apps[a].name, sources[k], n);
				at = rec_of(a, k)->site;
				ok = false;
			} else if (!n && (f < 0 || k == f)) {
				snprintf(why, sizeof why, "load_config(\"%s\") never loaded its %s",
					 apps[a].name, sources[k]);
				ok = false;
			}
		}
		if (!ok)
			break;
		const axh_ret *g = &got[a];
		if (f < 0 && g->err) {
			snprintf(why, sizeof why, "load_config(\"%s\") returned the error '%s', but "
				 "all three of its sources loaded", apps[a].name, strerror(-g->err));
			ok = false;
		} else if (f < 0 && g->val != sum) {
			snprintf(why, sizeof why, "load_config(\"%s\") returned %lld, but its three "
				 "parts add up to %ld", apps[a].name, (long long)g->val, sum);
			ok = false;
		} else if (f >= 0 && !g->err) {
			snprintf(why, sizeof why, "load_config(\"%s\") returned %lld, but its %s "
				 "could not be loaded (%s): it must return that error", apps[a].name,
				 (long long)g->val, sources[f], strerror(-apps[a].err[f]));
			ok = false;
		} else if (f >= 0 && g->err != apps[a].err[f]) {
			snprintf(why, sizeof why, "load_config(\"%s\") returned the error '%s', but "
				 "the error was its %s's: '%s'", apps[a].name, strerror(-g->err),
				 sources[f], strerror(-apps[a].err[f]));
			ok = false;
		}
	}
	axh_check("results", ok, ok ? NULL : at, "%s", why);
}

/* concurrent: in each round, every load started before the first load
 * of that round ended. */
static void judge_concurrent(void)
{
	char why[512] = "";
	const ax_site *at = NULL;
	bool ok = true;
	for (int a = 0; a < NAPPS && ok; a++) {
		unsigned first_end = 0;
		const axh_rec *ended = NULL;
		int n = 0;
		for (int i = 0; i < axh_nrecs; i++) {
			const axh_rec *r = &axh_recs[i];
			if (r->step != a)
				continue;
			n++;
			if (r->s1 && (!first_end || r->s1 < first_end)) {
				first_end = r->s1;
				ended = r;
			}
		}
		if (!n) {
			snprintf(why, sizeof why, "load_config(\"%s\") did not call load at all",
				 apps[a].name);
			ok = false;
			break;
		}
		for (int i = 0; i < axh_nrecs && ok; i++) {
			const axh_rec *r = &axh_recs[i];
			if (r->step == a && first_end && r->s0 > first_end) {
				snprintf(why, sizeof why, "for %s, the %s load started only after the "
					 "%s load had ended: the loads ran one after another",
					 apps[a].name, r->mark >= 0 ? sources[r->mark] : "?",
					 ended->mark >= 0 ? sources[ended->mark] : "?");
				at = r->site;
				ok = false;
			}
		}
	}
	axh_check("concurrent", ok, ok ? NULL : at, "%s", why);
}

/* The failing load of app a's round: the first to end with an error. */
static const axh_rec *failed_rec(int a)
{
	const axh_rec *f = NULL;
	for (int i = 0; i < axh_nrecs; i++) {
		const axh_rec *r = &axh_recs[i];
		if (r->step == a && r->done && r->err && (!f || r->s1 < f->s1))
			f = r;
	}
	return f;
}

/* fails-fast: once a load failed, load_config returned without waiting
 * for another load to finish or starting a new one. */
static void judge_fails_fast(void)
{
	char why[512] = "";
	const ax_site *at = NULL;
	bool ok = true;
	for (int a = 0; a < NAPPS && ok; a++) {
		if (first_failure(a) < 0)
			continue;
		const axh_rec *f = failed_rec(a);
		if (!f) {
			snprintf(why, sizeof why, "for %s, no load failed: load_config never loaded "
				 "the source that cannot be read", apps[a].name);
			ok = false;
			break;
		}
		for (int i = 0; i < axh_nrecs && ok; i++) {
			const axh_rec *r = &axh_recs[i];
			if (r->step != a || r == f)
				continue;
			if (r->s0 > f->s1 && r->s0 < returned_seq[a]) {
				snprintf(why, sizeof why, "for %s, the %s load was started after the %s "
					 "had already failed", apps[a].name,
					 r->mark >= 0 ? sources[r->mark] : "?", sources[f->mark]);
				at = r->site;
				ok = false;
			} else if (r->done && r->s1 > f->s1 && r->s1 < returned_seq[a]) {
				snprintf(why, sizeof why, "for %s, the %s failed at %lld ms, but "
					 "load_config went on waiting for the %s and returned only at "
					 "%lld ms", apps[a].name, sources[f->mark],
					 (long long)(f->t1 / 1000000), r->mark >= 0 ? sources[r->mark] : "?",
					 (long long)returned_ms[a]);
				at = r->site;
				ok = false;
			}
		}
	}
	axh_check("fails-fast", ok, ok ? NULL : at, "%s", why);
}

/* rest-cancelled: every load still running when one failed was dropped
 * before the round was over, never finished. */
static void judge_rest_cancelled(void)
{
	char why[512] = "";
	const ax_site *at = NULL;
	bool ok = true;
	for (int a = 0; a < NAPPS && ok; a++) {
		const axh_rec *f = first_failure(a) >= 0 ? failed_rec(a) : NULL;
		if (!f)
			continue;
		for (int i = 0; i < axh_nrecs && ok; i++) {
			const axh_rec *r = &axh_recs[i];
			if (r->step != a || r == f || r->s0 > f->s1 || (r->s1 && r->s1 < f->s1))
				continue;
			const char *src = r->mark >= 0 ? sources[r->mark] : "?";
			if (r->done) {
				snprintf(why, sizeof why, "for %s, the %s load went on after the %s had "
					 "failed and finished at %lld ms", apps[a].name, src,
					 sources[f->mark], (long long)(r->t1 / 1000000));
				ok = false;
			} else if (!r->dropped || r->s1 > settled_seq[a]) {
				snprintf(why, sizeof why, "for %s, the %s load was still running after "
					 "load_config had returned the %s's error: nothing cancelled it",
					 apps[a].name, src, sources[f->mark]);
				ok = false;
			}
			if (!ok)
				at = r->site ? r->site : a_site(a);
		}
	}
	axh_check("rest-cancelled", ok, ok ? NULL : at, "%s", why);
}

AX_ASYNC(lesson_main, int, int a; axh_ret r;)
{
	AX_BEGIN;
	for (self->a = 0; self->a < NAPPS; self->a++) {
		axh_step = self->a;
		AX_AWAIT_TO(self->r, axh_call("load_config",
					      axl_entry_load_config(apps[self->a].name)));
		got[self->a] = self->r;
		returned_seq[self->a] = axh_seq();
		returned_ms[self->a] = axh_ms();
		if (self->r.err)
			printf("[%lld ms] config of %s failed: %s\n", (long long)axh_ms(),
			       apps[self->a].name, strerror(-self->r.err));
		else
			printf("[%lld ms] config of %s: %lld\n", (long long)axh_ms(),
			       apps[self->a].name, (long long)self->r.val);
		/* A moment for cancelled tasks to be dropped at their next turn. */
		AX_AWAIT(ax_sleep_ms(1));
		settled_seq[self->a] = axh_seq();
		for (int i = 0; i < axh_nrecs; i++)
			if (axh_recs[i].step == self->a && axh_recs[i].dropped &&
			    axh_recs[i].mark >= 0)
				printf("[%lld ms] %s: %s cancelled\n",
				       (long long)(axh_recs[i].t1 / 1000000), apps[self->a].name,
				       sources[axh_recs[i].mark]);
	}
	axh_step = NAPPS;
	judge_results();
	judge_concurrent();
	judge_fails_fast();
	judge_rest_cancelled();
	axh_end("done", "%s", "");
	AX_RETURN(0);
	AX_END;
}

int main(void)
{
	axh_init();
	return AXH_RUN(AX_CALL(lesson_main));
}
