/* harness.c - lesson 4's side: fetch, two pages whose counts the lesson
 * text does not all show, and main(), which has the learner's load_page()
 * fill each page and judges from fetch's records whether the three
 * fetches of a page ran at the same time and were all awaited. */
#include "harness_kit.h"
#include "lesson.h"

#include <stdio.h>
#include <string.h>

static const char *const kinds[3] = { "user", "posts", "comments" };
static const int fetch_ms[3] = { 100, 200, 300 };
static const int counts[2][3] = { { 1, 12, 40 }, { 1, 3, 77 } };
static const int page_ids[2] = { 7, 19 };
#define NPAGES 2

static int kind_of(const char *what)
{
	for (int k = 0; k < 3; k++)
		if (what && !strcmp(what, kinds[k]))
			return k;
	return -1;
}

AXH_SERVICE(fetch, int)
{
	int rec = AXH_REC_BEGIN("fetch");
	if (rec >= 0) {
		axh_recs[rec].sarg = self->what;
		axh_recs[rec].arg = self->page;
	}
	AX_BEGIN;
	if (kind_of(self->what) < 0) {
		axh_rec_end(self, 0, 0);
		AX_RETURN(0);
	}
	AX_AWAIT(ax_sleep_ms(fetch_ms[kind_of(self->what)]));
	int n = 0;
	for (int p = 0; p < NPAGES; p++)
		if (self->page == page_ids[p])
			n = counts[p][kind_of(self->what)];
	printf("[%lld ms] %s of page %d loaded\n", (long long)axh_ms(), self->what, self->page);
	axh_rec_end(self, n, 0);
	AX_RETURN(n);
	AX_END;
}

static page pages[NPAGES];
static unsigned asked_at[NPAGES], returned_at[NPAGES];

static void judge(void)
{
	char why[512] = "";
	const ax_site *at = NULL;
	bool ok = true;
	for (int p = 0; p < NPAGES && ok; p++) {
		const int got[3] = { pages[p].users, pages[p].posts, pages[p].comments };
		for (int k = 0; k < 3 && ok; k++)
			if (got[k] != counts[p][k]) {
				snprintf(why, sizeof why, "page %d's %s count is %d, but fetch(\"%s\") of "
					 "that page gives %d", page_ids[p], kinds[k], got[k], kinds[k],
					 counts[p][k]);
				ok = false;
			}
	}
	axh_check("results", ok, NULL, "%s", why);

	/* all-awaited: each of the three fetches of a page ran to its end
	 * before load_page returned. */
	ok = true;
	for (int p = 0; p < NPAGES && ok; p++) {
		for (int k = 0; k < 3 && ok; k++) {
			const axh_rec *r = NULL;
			for (int i = 0; i < axh_nrecs; i++)
				if (axh_recs[i].step == p && kind_of(axh_recs[i].sarg) == k &&
				    axh_recs[i].arg == page_ids[p])
					r = &axh_recs[i];
			if (!r) {
				snprintf(why, sizeof why, "load_page(%d) never fetched the %s",
					 page_ids[p], kinds[k]);
				ok = false;
			} else if (r->dropped) {
				at = r->site;
				snprintf(why, sizeof why, "the %s fetch of page %d was dropped before it "
					 "finished", kinds[k], page_ids[p]);
				ok = false;
			} else if (!r->done || r->s1 > returned_at[p]) {
				at = r->site;
				snprintf(why, sizeof why, "load_page(%d) returned before its %s fetch had "
					 "finished", page_ids[p], kinds[k]);
				ok = false;
			}
		}
	}
	axh_check("all-awaited", ok, ok ? NULL : at, "%s", why);

	/* concurrent: at some moment the three fetches of a page were all
	 * running (in flight together), whatever the clock said. */
	ok = true;
	at = NULL;
	for (int p = 0; p < NPAGES && ok; p++) {
		int peak = axh_peak("fetch", p);
		if (peak >= 3)
			continue;
		ok = false;
		for (int i = 0; i < axh_nrecs; i++)
			if (axh_recs[i].step == p) {
				at = axh_recs[i].site;
				break;
			}
		if (peak == 0)
			snprintf(why, sizeof why, "no fetch of page %d ran at all", page_ids[p]);
		else if (peak == 1)
			snprintf(why, sizeof why, "the fetches of page %d ran one after another: each "
				 "started only once the one before had finished", page_ids[p]);
		else
			snprintf(why, sizeof why, "at most %d of the three fetches of page %d were "
				 "running at the same time", peak, page_ids[p]);
	}
	axh_check("concurrent", ok, at, "%s", why);
}

AX_ASYNC(lesson_main, int, int p; axh_ret r;)
{
	AX_BEGIN;
	for (self->p = 0; self->p < NPAGES; self->p++) {
		axh_step = self->p;
		pages[self->p].id = page_ids[self->p];
		asked_at[self->p] = axh_seq();
		AX_AWAIT_TO(self->r, axh_call("load_page", axl_entry_load_page(&pages[self->p])));
		returned_at[self->p] = axh_seq();
		printf("[%lld ms] page %d ready: %d user, %d posts, %d comments\n",
		       (long long)axh_ms(), pages[self->p].id, pages[self->p].users,
		       pages[self->p].posts, pages[self->p].comments);
	}
	judge();
	axh_end("done", "%s", "");
	AX_RETURN(0);
	AX_END;
}

int main(void)
{
	axh_init();
	return AXH_RUN(AX_CALL(lesson_main));
}
