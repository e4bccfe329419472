/* harness.c - lesson 7's side: the batch source and the processing, and
 * main(), which runs the learner's worker() as a task twice: once with
 * the token cancelled while the worker waits for its third batch, once
 * with the token cancelled before it starts.  It judges from the records
 * whether the worker saw the cancel during its wait, left its loop and
 * returned by itself. */
#include "harness_kit.h"
#include "lesson.h"

#include <stdio.h>

#define NBATCH 40
#define GRACE_MS 1000 /* how long the lesson waits for a cancelled worker */
#define SPIN_LIMIT 20 /* waits started after a cancel before the run ends */

struct batches {
	uint64_t opened;	/* ns on the runtime clock */
	int next;		/* the next batch to take, from 1 */
	int gate;		/* this batch arrives only once the token is
				   cancelled (0: none) */
};

static batches sources[2];
static ax_token *tokens[2];
static unsigned cancel_seq[2];	/* 0: not cancelled yet */
static ax_notify *cancelled;	/* notified when a cancel is sent */
static int late_waits;		/* waits started after the cancel */

static int round_of(const batches *src)
{
	return src == &sources[1] ? 1 : 0;
}

static uint64_t arrival(const batches *src, int k)
{
	return src->opened + (uint64_t)k * 100000000u;
}

/* Has batch k arrived?  On a loaded machine's real clock the cancel may
 * come late; the gated batch still comes after it, as it does on time. */
static bool arrived(const batches *src, int k)
{
	if (ax_now() < arrival(src, k))
		return false;
	return !(src->gate && k >= src->gate && !cancel_seq[round_of(src)]);
}


AXH_SERVICE(next_batch, int)
{
	int rec = AXH_REC_BEGIN("next_batch");
	if (rec >= 0) {
		axh_recs[rec].step = round_of(self->src);
		if (cancel_seq[round_of(self->src)] && ++late_waits >= SPIN_LIMIT) {
			axh_check("leaves-loop", false, axh_recs[rec].site,
				  "after the cancel the worker started %d more waits for a batch "
				  "without leaving its loop", late_waits);
			axh_end("stopped", "the worker kept waiting for new batches after the "
					   "cancel (%d waits), so the lesson stopped it", late_waits);
			exit(0);
		}
	}
	AX_BEGIN;
	for (;;) {
		if (self->src->next > NBATCH) {
			axh_rec_end(self, 0, 0);
			AX_RETURN(0);
		}
		if (arrived(self->src, self->src->next)) {
			/* The first poll after a cancel delivers nothing: a worker
			 * that races this wait against the token sees the token
			 * first, on either clock, however late the cancel came. */
			axh_rec *me = axh_rec_of(self);
			if (cancel_seq[round_of(self->src)] && me && !me->mark) {
				me->mark = 1;
				AX_AWAIT(ax_yield());
				continue;
			}
			break;
		}
		if (ax_now() < arrival(self->src, self->src->next))
			AX_AWAIT(ax_sleep_until(arrival(self->src, self->src->next)));
		else
			AX_AWAIT(ax_notified(cancelled));
	}
	int k = self->src->next++;
	axh_rec_end(self, k, 0);
	AX_RETURN(k);
	AX_END;
}

int take_batch(batches *src)
{
	if (src->next > NBATCH || !arrived(src, src->next))
		return 0;
	int k = src->next++;
	/* A record of its own, opened and closed at once. */
	static ax_frame taken[NBATCH * 2];
	static int ntaken;
	ax_frame *fr = &taken[ntaken++ % (NBATCH * 2)];
	int rec = axh_rec_begin(fr, "take_batch", NULL);
	axh_recs[rec].step = round_of(src);
	axh_rec_end(fr, k, 0);
	axh_recs[rec].frame = NULL;
	return k;
}

AXH_SERVICE(process, int)
{
	int rec = AXH_REC_BEGIN("process");
	if (rec >= 0)
		axh_recs[rec].arg = self->batch;
	AX_BEGIN;
	AX_AWAIT(ax_sleep_ms(20));
	printf("[%lld ms] worker: batch %d done\n", (long long)axh_ms(), self->batch);
	axh_rec_end(self, self->batch, 0);
	AX_RETURN(self->batch);
	AX_END;
}

/* The worker, run in a task of its own as a program would. */
AX_ASYNC(run_worker, int, int round; axh_ret r;)
{
	AX_BEGIN;
	AX_AWAIT_TO(self->r, axh_call("worker", axl_entry_worker(&sources[self->round],
								 tokens[self->round])));
	AX_RETURN((int)self->r.val);
	AX_END;
}

static ax_res finished[2];
static bool gave_up[2];

/* Which batch did a record of round r deliver after the cancel? */
static bool delivered_late(const axh_rec *x, int r)
{
	return (x->svc[0] == 'n' || x->svc[0] == 't') && x->step == r && x->done && x->ret &&
	       x->s1 > cancel_seq[r];
}

static void judge(void)
{
	char why[512] = "";
	const ax_site *at = NULL;
	bool ok = true;
	for (int r = 0; r < 2 && ok; r++) {
		for (int i = 0; i < axh_nrecs && ok; i++) {
			const axh_rec *x = &axh_recs[i];
			if (!delivered_late(x, r))
				continue;
			for (int j = i + 1; j < axh_nrecs && ok; j++) {
				const axh_rec *p = &axh_recs[j];
				if (p->svc[0] != 'p' || p->arg != x->ret)
					continue;
				at = p->site;
				if (r == 0)
					snprintf(why, sizeof why, "the worker processed batch %lld, which "
						 "arrived after the cancel: it was waiting for that batch "
						 "when the cancel came, and did not see it", (long long)x->ret);
				else
					snprintf(why, sizeof why, "the worker processed batch %lld although "
						 "the token was cancelled before it started", (long long)x->ret);
				ok = false;
			}
		}
	}
	axh_check("stops-promptly", ok, ok ? NULL : at, "%s", why);

	/* leaves-loop: after the cancel, at most one new wait, dropped at
	 * once (a select that starts the wait and sees the token already
	 * cancelled); a second one means the worker went round again. */
	ok = true;
	for (int r = 0; r < 2 && ok; r++) {
		int late = 0;
		const axh_rec *first = NULL;
		for (int i = 0; i < axh_nrecs; i++) {
			const axh_rec *x = &axh_recs[i];
			if (x->svc[0] != 'n' || x->step != r || !cancel_seq[r] || x->s0 < cancel_seq[r])
				continue;
			if (!first)
				first = x;
			late++;
		}
		if (late > 1 || (first && !first->dropped)) {
			at = first->site;
			if (late > 1)
				snprintf(why, sizeof why, "after the cancel the worker started %d more waits "
					 "for a batch instead of leaving its loop", late);
			else
				snprintf(why, sizeof why, "after the cancel the worker went on to wait for "
					 "another batch");
			ok = false;
		}
	}
	axh_check("leaves-loop", ok, ok ? NULL : at, "%s", why);

	/* stops-cleanly: it returned by itself, with what it processed. */
	ok = true;
	for (int r = 0; r < 2 && ok; r++) {
		int processed = 0;
		for (int i = 0; i < axh_nrecs; i++)
			processed += axh_recs[i].svc[0] == 'p' && axh_recs[i].done &&
				     axh_recs[i].step == r;
		if (gave_up[r]) {
			snprintf(why, sizeof why, "the worker was still running %d ms after the cancel, "
				 "so the lesson aborted it", GRACE_MS);
			ok = false;
		} else if (finished[r].err) {
			snprintf(why, sizeof why, "the worker did not return normally");
			ok = false;
		} else if (finished[r].val != processed) {
			snprintf(why, sizeof why, "the worker returned %lld, but it processed %d "
				 "batches", (long long)finished[r].val, processed);
			ok = false;
		}
	}
	axh_check("stops-cleanly", ok, NULL, "%s", why);
}

AX_ASYNC(lesson_main, int, int r; ax_task *w; ax_res res;)
{
	AX_BEGIN;
	cancelled = ax_notify_new();
	for (self->r = 0; self->r < 2; self->r++) {
		axh_step = self->r;
		tokens[self->r] = ax_token_new();
		sources[self->r].opened = ax_now();
		sources[self->r].next = 1;
		if (self->r == 0) {
			sources[0].gate = 3;
		} else {
			printf("[%lld ms] main: cancelling before the worker starts\n",
			       (long long)axh_ms());
			ax_token_cancel(tokens[1]);
			cancel_seq[1] = axh_seq();
		}
		self->w = AX_SPAWN(AX_CALL(run_worker, .round = self->r));
		if (self->r == 0) {
			AX_AWAIT(ax_sleep_until(sources[0].opened + 250000000u));
			printf("[%lld ms] main: cancelling\n", (long long)axh_ms());
			ax_token_cancel(tokens[0]);
			cancel_seq[0] = axh_seq();
			ax_notify_waiters(cancelled);
		}
		AX_AWAIT_TO(self->res, AX_TIMEOUT_MS(GRACE_MS, ax_join(self->w)));
		if (self->res.err == -ETIMEDOUT) {
			gave_up[self->r] = true;
			printf("[%lld ms] main: the worker did not stop; aborting it\n",
			       (long long)axh_ms());
		} else {
			finished[self->r] = self->res;
			printf("[%lld ms] main: worker finished %lld batches\n", (long long)axh_ms(),
			       (long long)self->res.val);
		}
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
