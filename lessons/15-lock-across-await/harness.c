/* harness.c - lesson 15's side: the counter and its locks, audit, and
 * main(), which runs three count_view() tasks at once and judges from the
 * counter and the audit records whether every view was counted.  The
 * counter starts at a number of the lesson's choosing.  A run that
 * deadlocks never gets here: the kit records how it ended, and the lesson
 * judges nothing that presumes a normal end. */
#include "harness_kit.h"
#include "lesson.h"

#include <stdio.h>

#define REQUESTS 3
#define START 41

int views;
ax_bmutex *views_lock;
ax_mutex *views_mutex;

AXH_SERVICE(audit, int)
{
	int rec = AXH_REC_BEGIN("audit");
	if (rec >= 0)
		axh_recs[rec].arg = self->seen;
	AX_BEGIN;
	AX_AWAIT(ax_sleep_ms(10));
	axh_rec_end(self, 0, 0);
	AX_RETURN(0);
	AX_END;
}

static const char *const names[REQUESTS] = { "ana", "bo", "cy" };

static void judge(int returned)
{
	char why[512] = "";
	bool ok = views == START + REQUESTS && returned == REQUESTS;
	if (returned < REQUESTS)
		snprintf(why, sizeof why, "%d of the %d count_view calls returned within 1 s",
			 returned, REQUESTS);
	else if (views >= START && views < START + REQUESTS)
		snprintf(why, sizeof why, "the counter went from %d to %d after %d views, so "
			 "%d update%s lost", START, views, REQUESTS,
			 START + REQUESTS - views, START + REQUESTS - views == 1 ? " was" : "s were");
	else if (views != START + REQUESTS)
		snprintf(why, sizeof why, "the counter went from %d to %d after %d views; it "
			 "should be at %d", START, views, REQUESTS, START + REQUESTS);
	axh_check("every-view-counted", ok, NULL, "%s", why);

	int n = 0, dup = 0;
	const ax_site *at = NULL;
	for (int i = 0; i < axh_nrecs; i++) {
		if (!axh_recs[i].done)
			continue;
		n++;
		for (int j = 0; j < i; j++)
			if (axh_recs[j].done && axh_recs[j].arg == axh_recs[i].arg && !dup++)
				at = axh_recs[i].site;
	}
	ok = n == REQUESTS && !dup;
	if (n != REQUESTS)
		snprintf(why, sizeof why, "%d audit records were written for %d views", n,
			 REQUESTS);
	else if (dup)
		snprintf(why, sizeof why, "two audit records were written for the same view "
			 "number: two requests read the counter before either stored it");
	axh_check("audited", ok, ok ? NULL : at, "%s", why);
}

static int returned;

AX_ASYNC(one_view, int, const char *who; axh_ret r;)
{
	AX_BEGIN;
	AX_AWAIT_TO(self->r, axh_call("count_view", axl_entry_count_view(self->who)));
	returned++;
	AX_RETURN(0);
	AX_END;
}

AX_ASYNC(lesson_main, int, ax_task *h[REQUESTS]; int i; ax_res r;)
{
	AX_BEGIN;
	views = START;
	views_lock = ax_bmutex_new();
	views_mutex = ax_mutex_new();
	printf("[%lld ms] the counter is at %d\n", (long long)axh_ms(), views);
	for (self->i = 0; self->i < REQUESTS; self->i++)
		self->h[self->i] = AX_SPAWN(AX_CALL(one_view, .who = names[self->i]));
	for (self->i = 0; self->i < REQUESTS; self->i++)
		AX_AWAIT_TO(self->r, AX_TIMEOUT_MS(1000, ax_join(self->h[self->i])));
	printf("[%lld ms] views: %d\n", (long long)axh_ms(), views);
	judge(returned);
	axh_end("done", "%s", "");
	AX_RETURN(0);
	AX_END;
}

int main(void)
{
	axh_init();
	return AXH_RUN(AX_CALL(lesson_main));
}
