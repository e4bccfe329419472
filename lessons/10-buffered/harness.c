/* harness.c - lesson 10's side: resize, and main(), which has the
 * learner's resize_all() resize 12 images and then a number the lesson
 * text does not show, and judges from resize's records whether every
 * image was resized once, never more than LIMIT at a time, and LIMIT at a
 * time whenever images were left (no idle service, no waves that wait for
 * their slowest). */
#include "harness_kit.h"
#include "lesson.h"

#include <asynclab/future.h>
#include <stdio.h>

#define NSTEPS 2
static const int counts[NSTEPS] = { 12, 17 };

static int work_ms(int id)
{
	return 40 + (id * 37) % 80;
}

static int size_kb(int id)
{
	return 40 + (id * 29) % 50;
}

/* The service: a resize waits until the service's clock hands it back.
 * Every 20 ms the clock finishes at most one resize, the one whose work
 * is due first, so no two ever finish together, on either clock, and
 * between two the learner's code has had its turn to start another. */
#define TICK_MS 20
#define MAXJOBS 256
static ax_waker *wakers[MAXJOBS];
static bool stop_clock;
/* What the clock saw each time it finished a resize while images were
 * left to start: the resizes then in flight (the first time too few). */
static int short_at[2] = { -1, -1 }, short_flight[2];
static const ax_site *short_site[2];
static int started[2];
static ax_waker *clock_waker;	/* the clock, asleep while no resize waits */

static void wake_clock(void)
{
	if (clock_waker) {
		ax_waker *w = clock_waker;
		clock_waker = NULL;
		ax_waker_wake(w);
	}
}

AXH_SERVICE(resize, int)
{
	int rec = AXH_REC_BEGIN("resize");
	if (rec >= 0) {
		axh_recs[rec].arg = self->id;
		self->slot_ = rec;
		if (axh_step >= 0 && axh_step < 2)
			started[axh_step]++;
		wake_clock();
	}
	AX_BEGIN;
	if (self->id < 1 || self->slot_ >= MAXJOBS) {
		axh_rec_end(self, 0, 0);
		AX_RETURN(0);
	}
	while (!axh_recs[self->slot_].mark) {
		if (wakers[self->slot_])
			ax_waker_drop(wakers[self->slot_]);
		wakers[self->slot_] = ax_waker_clone(ax_cx_waker(cx));
		AX_SUSPEND;
	}
	printf("[%lld ms] image %d resized\n", (long long)axh_ms(), self->id);
	axh_rec_end(self, size_kb(self->id), 0);
	AX_RETURN(size_kb(self->id));
	AX_END;
}

static void clock_tick(int p, int images)
{
	int pick = -1, flight = 0;
	int64_t due_pick = 0, now = (int64_t)ax_now();
	for (int i = 0; i < axh_nrecs && i < MAXJOBS; i++) {
		axh_rec *r = &axh_recs[i];
		if (strcmp(r->svc, "resize") || r->s1 || r->mark)
			continue;
		flight++;
		int64_t due = r->t0 + (int64_t)work_ms((int)r->arg) * 1000000;
		if (due <= now && (pick < 0 || due < due_pick)) {
			pick = i;
			due_pick = due;
		}
	}
	if (pick < 0)
		return;
	if (p >= 0 && p < 2 && started[p] < images && flight < LIMIT && short_at[p] < 0) {
		short_at[p] = started[p];
		short_flight[p] = flight;
		short_site[p] = axh_recs[pick].site;
	}
	axh_recs[pick].mark = 1;
	if (wakers[pick]) {
		ax_waker_wake(wakers[pick]);
		wakers[pick] = NULL;
	}
}

static axh_ret rets[NSTEPS];

static bool resizes_waiting(void)
{
	for (int i = 0; i < axh_nrecs && i < MAXJOBS; i++)
		if (!strcmp(axh_recs[i].svc, "resize") && !axh_recs[i].s1 && !axh_recs[i].mark)
			return true;
	return false;
}

/* Ticks only while a resize waits, so that a resize_all that waits for
 * something that never comes ends as a deadlock, named as such. */
AX_ASYNC(service_clock, int, int unused;)
{
	AX_BEGIN;
	while (!stop_clock) {
		if (!resizes_waiting()) {
			if (clock_waker)
				ax_waker_drop(clock_waker);
			clock_waker = ax_waker_clone(ax_cx_waker(cx));
			AX_SUSPEND;
			continue;
		}
		AX_AWAIT(ax_sleep_ms(TICK_MS));
		clock_tick(axh_step, counts[axh_step < NSTEPS ? axh_step : 0]);
	}
	AX_RETURN(0);
	AX_END;
}
static unsigned returned_at[NSTEPS];

static const ax_site *first_site(int p)
{
	for (int i = 0; i < axh_nrecs; i++)
		if (axh_recs[i].step == p && axh_recs[i].site)
			return axh_recs[i].site;
	return NULL;
}

static void judge(void)
{
	char why[512] = "";
	const ax_site *at = NULL;
	bool ok = true;

	/* all-done: every image resized once, to its end, before resize_all
	 * returned, and the total is the sum of what resize gave. */
	for (int p = 0; p < NSTEPS && ok; p++) {
		int n = counts[p];
		int seen[32] = { 0 };
		ax_val total = 0;
		for (int i = 0; i < axh_nrecs && ok; i++) {
			const axh_rec *r = &axh_recs[i];
			if (r->step != p)
				continue;
			if (r->arg < 1 || r->arg > n) {
				at = r->site;
				snprintf(why, sizeof why, "resize_all(%d) asked for image %lld, which "
					 "does not exist (images are 1 to %d)", n, (long long)r->arg, n);
				ok = false;
			} else if (seen[r->arg]++) {
				at = r->site;
				snprintf(why, sizeof why, "image %lld was resized twice in "
					 "resize_all(%d)", (long long)r->arg, n);
				ok = false;
			} else if (!r->done || r->s1 > returned_at[p]) {
				at = r->site;
				snprintf(why, sizeof why, "resize_all(%d) returned before image %lld's "
					 "resize had finished", n, (long long)r->arg);
				ok = false;
			} else {
				total += r->ret;
			}
		}
		for (int id = 1; id <= n && ok; id++)
			if (!seen[id]) {
				at = first_site(p);
				snprintf(why, sizeof why, "image %d of %d was never resized", id, n);
				ok = false;
			}
		if (ok && (rets[p].err || rets[p].val != total)) {
			snprintf(why, sizeof why, "resize_all(%d) returned %lld KB, but the resizes "
				 "gave %lld KB in all", n, (long long)rets[p].val, (long long)total);
			ok = false;
		}
	}
	axh_check("all-done", ok, ok ? NULL : at, "%s", why);

	/* within-limit: never more than LIMIT resizes at once. */
	ok = true;
	at = NULL;
	for (int p = 0; p < NSTEPS && ok; p++) {
		int peak = axh_peak("resize", p);
		if (peak > LIMIT) {
			for (int i = 0; i < axh_nrecs && !at; i++)
				if (axh_recs[i].step == p && axh_recs[i].in_flight > LIMIT)
					at = axh_recs[i].site;
			snprintf(why, sizeof why, "%d resizes ran at once in resize_all(%d); the "
				 "service takes %d", peak, counts[p], LIMIT);
			ok = false;
		}
	}
	axh_check("within-limit", ok, at, "%s", why);

	/* kept-busy: LIMIT in flight at the peak, and LIMIT in flight each
	 * time the service finished one while images were left to start (a
	 * new one each time one finished, not a batch waiting for its
	 * slowest). */
	ok = true;
	at = NULL;
	for (int p = 0; p < NSTEPS && ok; p++) {
		int peak = axh_peak("resize", p);
		if (peak < LIMIT) {
			at = first_site(p);
			if (peak == 0)
				snprintf(why, sizeof why, "resize_all(%d) never called resize",
					 counts[p]);
			else
				snprintf(why, sizeof why, "at most %d resize%s ran at a time in "
					 "resize_all(%d), where the service takes %d", peak,
					 peak == 1 ? "" : "s", counts[p], LIMIT);
			ok = false;
		} else if (short_at[p] >= 0) {
			at = short_site[p];
			snprintf(why, sizeof why, "in resize_all(%d), with %d of the images started, "
				 "only %d resize%s %s in flight when the service finished the next "
				 "one: it had room for %d while the rest waited", counts[p],
				 short_at[p], short_flight[p], short_flight[p] == 1 ? "" : "s",
				 short_flight[p] == 1 ? "was" : "were", LIMIT);
			ok = false;
		}
	}
	axh_check("kept-busy", ok, at, "%s", why);
}

AX_ASYNC(lesson_main, int, int p; ax_task *clock; ax_res r;)
{
	AX_BEGIN;
	self->clock = AX_SPAWN(AX_CALL(service_clock));
	for (self->p = 0; self->p < NSTEPS; self->p++) {
		axh_step = self->p;
		AX_AWAIT_TO(rets[self->p],
			    axh_call("resize_all", axl_entry_resize_all(counts[self->p])));
		returned_at[self->p] = axh_seq();
		printf("[%lld ms] resize_all(%d): %lld KB, peak %d in flight\n",
		       (long long)axh_ms(), counts[self->p], (long long)rets[self->p].val,
		       axh_peak("resize", self->p));
	}
	stop_clock = true;
	axh_step = NSTEPS;
	wake_clock();
	AX_AWAIT_TO(self->r, ax_join(self->clock));
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
