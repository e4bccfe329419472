/* harness.c - lesson 5's side: download, the mirrors, and main(), which
 * has the learner's fetch_fastest() race two pairs of mirrors and
 * fetch_archive() give up on the archive, and judges from download's
 * records who finished first, who was dropped and when. */
#include "harness_kit.h"
#include "lesson.h"

#include <stdio.h>
#include <string.h>

static const struct mirror {
	const char *name;
	int ms;
	ax_val bytes;
} mirrors[] = {
	{ "eu", 250, 4096 }, { "us", 120, 4096 }, { "ap", 80, 4096 }, { "archive", 400, 65536 },
};
#define NMIRRORS 4

static const struct mirror *mirror_of(const char *name)
{
	for (int i = 0; i < NMIRRORS; i++)
		if (name && !strcmp(name, mirrors[i].name))
			return &mirrors[i];
	return NULL;
}

/* Every download's end (finished or dropped) is announced here. */
static ax_notify *ends;

/* Is a faster download of the same race still running?  On a loaded
 * machine's real clock two timers can come due together; the faster
 * mirror then still finishes first, as it would on time. */
static bool faster_running(const void *frame)
{
	const axh_rec *me = axh_rec_of(frame);
	const struct mirror *mm = me ? mirror_of(me->sarg) : NULL;
	for (int i = 0; me && mm && i < axh_nrecs; i++) {
		const axh_rec *r = &axh_recs[i];
		const struct mirror *m = mirror_of(r->sarg);
		if (r != me && r->step == me->step && !r->s1 && m && m->ms < mm->ms)
			return true;
	}
	return false;
}

static void download_ended(void *frame)
{
	download_t *d = frame;
	const axh_rec *r = axh_rec_of(frame);
	if (r && !r->done)
		printf("[%lld ms] mirror %s: cancelled\n", (long long)axh_ms(), d->mirror);
	if (ends)
		ax_notify_waiters(ends);
}

AXH_SERVICE(download, ax_val)
{
	int rec = AXH_REC_BEGIN("download");
	if (rec >= 0) {
		axh_recs[rec].sarg = self->mirror;
		ax_frame_own(&self->ax_fr, self, download_ended);
	}
	AX_BEGIN;
	if (!mirror_of(self->mirror)) {
		axh_rec_end(self, 0, 0);
		AX_RETURN(0);
	}
	AX_AWAIT(ax_sleep_ms(mirror_of(self->mirror)->ms));
	while (faster_running(self))
		AX_AWAIT(ax_notified(ends));
	printf("[%lld ms] mirror %s: download complete\n", (long long)axh_ms(), self->mirror);
	axh_rec_end(self, mirror_of(self->mirror)->bytes, 0);
	AX_RETURN(mirror_of(self->mirror)->bytes);
	AX_END;
}

static const struct race {
	const char *a, *b;
	int winner;
} races[2] = { { "eu", "us", 1 }, { "ap", "eu", 0 } };
#define NRACES 2
#define ARCHIVE_STEP 2

static axh_ret got[NRACES + 1];
/* When each call returned, and when the tasks it had told to stop (an
 * abort takes effect at the executor's next turn) had done so. */
static unsigned returned_at[NRACES + 1], settled_at[NRACES + 1];

static const axh_rec *rec_of(int step, const char *name)
{
	for (int i = 0; i < axh_nrecs; i++)
		if (axh_recs[i].step == step && axh_recs[i].sarg && !strcmp(axh_recs[i].sarg, name))
			return &axh_recs[i];
	return NULL;
}

static void judge(void)
{
	char why[512] = "";
	const ax_site *at = NULL;
	bool ok = true;
	for (int k = 0; k < NRACES && ok; k++) {
		const struct race *rc = &races[k];
		const char *wname = rc->winner ? rc->b : rc->a;
		const axh_rec *w = rec_of(k, wname);
		if (!w || !w->done) {
			snprintf(why, sizeof why, "fetch_fastest(\"%s\", \"%s\") never finished the "
				 "download from %s, which was the faster one", rc->a, rc->b, wname);
			ok = false;
		} else if (got[k].val != rc->winner) {
			snprintf(why, sizeof why, "fetch_fastest(\"%s\", \"%s\") returned %lld, but %s "
				 "(%d) finished first", rc->a, rc->b, (long long)got[k].val, wname,
				 rc->winner);
			ok = false;
		}
	}
	axh_check("first-wins", ok, NULL, "%s", why);

	ok = true;
	for (int k = 0; k < NRACES && ok; k++) {
		const struct race *rc = &races[k];
		const char *lname = rc->winner ? rc->a : rc->b;
		const axh_rec *l = rec_of(k, lname);
		if (!l)
			snprintf(why, sizeof why, "fetch_fastest(\"%s\", \"%s\") never started the "
				 "download from %s", rc->a, rc->b, lname);
		else if (l->done)
			snprintf(why, sizeof why, "the download from %s, which lost the race, ran to "
				 "its end instead of being dropped", lname);
		else if (!l->dropped || l->s1 > settled_at[k])
			snprintf(why, sizeof why, "the download from %s, which lost the race, was "
				 "still running when fetch_fastest returned", lname);
		else
			continue;
		at = l ? l->site : NULL;
		ok = false;
	}
	axh_check("loser-dropped", ok, ok ? NULL : at, "%s", why);

	/* timeout: the archive dropped at 100 ms, the error returned. */
	const axh_rec *a = rec_of(ARCHIVE_STEP, "archive");
	const axh_ret *r = &got[ARCHIVE_STEP];
	/* The timer is armed a moment before the download's first poll
	 * records its start: on the real clock (a loaded machine, a sanitizer
	 * build) that moment can be a millisecond, so a drop up to 2 ms short
	 * of 100 ms from that start is still the timeout's. */
	int64_t ran_ns = a && a->s1 ? a->t1 - a->t0 : -1;
	int64_t ran = ran_ns < 0 ? -1 : ran_ns / 1000000;
	ok = false;
	at = a ? a->site : NULL;
	if (!a)
		snprintf(why, sizeof why, "fetch_archive never started the download from the "
			 "archive");
	else if (a->done)
		snprintf(why, sizeof why, "the archive download ran to its end (400 ms): nothing "
			 "gave up on it");
	else if (!a->dropped || a->s1 > settled_at[ARCHIVE_STEP])
		snprintf(why, sizeof why, "the archive download was still running when "
			 "fetch_archive returned");
	else if (ran_ns < 98000000)
		snprintf(why, sizeof why, "the archive download was dropped after %lld ms, before "
			 "its 100 ms were up", (long long)ran);
	else if (r->err != -ETIMEDOUT)
		snprintf(why, sizeof why, "the archive download was dropped, but fetch_archive "
			 "returned %s %lld instead of Err(-ETIMEDOUT)", r->err ? "Err" : "Ok",
			 r->err ? (long long)r->err : (long long)r->val);
	else
		ok = true;
	axh_check("timeout", ok, ok ? NULL : at, "%s", why);
}

AX_ASYNC(lesson_main, int, int k;)
{
	AX_BEGIN;
	ends = ax_notify_new();
	for (self->k = 0; self->k < NRACES; self->k++) {
		axh_step = self->k;
		AX_AWAIT_TO(got[self->k],
			    axh_call("fetch_fastest", axl_entry_fetch_fastest(races[self->k].a,
									     races[self->k].b)));
		returned_at[self->k] = axh_seq();
		AX_AWAIT(ax_yield());
		settled_at[self->k] = axh_seq();
		long long w = (long long)got[self->k].val;
		printf("[%lld ms] fastest mirror: %s\n", (long long)axh_ms(),
		       w == 0 ? races[self->k].a : w == 1 ? races[self->k].b : "?");
	}
	axh_step = ARCHIVE_STEP;
	AX_AWAIT_TO(got[ARCHIVE_STEP], axh_call("fetch_archive", axl_entry_fetch_archive()));
	returned_at[ARCHIVE_STEP] = axh_seq();
	AX_AWAIT(ax_yield());
	settled_at[ARCHIVE_STEP] = axh_seq();
	if (got[ARCHIVE_STEP].err == -ETIMEDOUT)
		printf("[%lld ms] archive: gave up\n", (long long)axh_ms());
	else
		printf("[%lld ms] archive: %lld bytes\n", (long long)axh_ms(),
		       (long long)got[ARCHIVE_STEP].val);
	judge();
	axh_end("done", "%s", "");
	/* Downloads a wrong answer left running end with the runtime. */
	ax_notify_free(ends);
	ends = NULL;
	AX_RETURN(0);
	AX_END;
}

int main(void)
{
	axh_init();
	return AXH_RUN(AX_CALL(lesson_main));
}
