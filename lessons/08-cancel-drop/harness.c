/* harness.c - lesson 8's side: keepalive, and main(), which runs the
 * learner's session() twice, once to its end and once cut off by a
 * timeout, then goes on for a while and judges from the keepalives' pings
 * and drops whether each keepalive lived exactly as long as its session. */
#include "harness_kit.h"
#include "lesson.h"

#include <stdio.h>
#include <string.h>

#define MAX_PINGS 256

static struct ping {
	const char *name;
	unsigned seq;
} pings[MAX_PINGS];
static int npings;

static void keepalive_stopped(void *frame)
{
	keepalive_t *k = frame;
	const axh_rec *r = axh_rec_of(frame);
	printf("[%lld ms] keepalive %s: stopped after %lld pings\n", (long long)axh_ms(),
	       k->name ? k->name : "?", r ? (long long)r->arg : 0);
}

AXH_SERVICE(keepalive, int)
{
	int rec = AXH_REC_BEGIN("keepalive");
	if (rec >= 0) {
		axh_recs[rec].sarg = self->name;
		ax_frame_own(&self->ax_fr, self, keepalive_stopped);
	}
	AX_BEGIN;
	for (;;) {
		AX_AWAIT(ax_sleep_ms(50));
		axh_rec *r = axh_rec_of(self);
		if (r)
			r->arg++;
		if (npings < MAX_PINGS)
			pings[npings++] = (struct ping){ self->name, axh_seq() };
		printf("[%lld ms] keepalive %s: ping\n", (long long)axh_ms(), self->name);
	}
	AX_END;
}

static const char *const names[2] = { "a", "b" };
static unsigned ended_at[2];	/* the session returned, or was dropped */
static bool returned[2];
static ax_res results[2];

static void judge(void)
{
	char why[512] = "";
	bool ok = true;
	/* Session a works 120 ms and session b is cut off at 130 ms: a
	 * keepalive started with its session pings twice on the virtual
	 * clock.  On the real clock a busy machine may hold the executor
	 * past both a ping's and the session's deadline; the timers then
	 * fire in deadline order, so the ping still comes first, but only
	 * one is sure. */
	const int least = axh_virtual() ? 2 : 1;
	for (int s = 0; s < 2 && ok; s++) {
		int during = 0;
		for (int i = 0; i < npings; i++)
			during += pings[i].name && !strcmp(pings[i].name, names[s]) &&
				  pings[i].seq < ended_at[s];
		if (during < least) {
			snprintf(why, sizeof why, "session %s's keepalive pinged %d times while the "
				 "session ran, not every 50 ms", names[s], during);
			ok = false;
		}
	}
	axh_check("keeps-alive", ok, NULL, "%s", why);

	static const char *const check[2] = { "stops-on-return", "stops-on-cancel" };
	for (int s = 0; s < 2; s++) {
		const axh_rec *k = NULL;
		for (int i = 0; i < axh_nrecs; i++)
			if (axh_recs[i].sarg && !strcmp(axh_recs[i].sarg, names[s]))
				k = &axh_recs[i];
		int after = 0;
		for (int i = 0; i < npings; i++)
			after += pings[i].name && !strcmp(pings[i].name, names[s]) &&
				 pings[i].seq > ended_at[s];
		ok = false;
		if (s == 0 && !returned[0])
			snprintf(why, sizeof why, "session a did not return within 2 s");
		else if (!k)
			snprintf(why, sizeof why, "session %s never ran a keepalive", names[s]);
		else if (after)
			snprintf(why, sizeof why, "session %s's keepalive pinged %d more times after "
				 "the session %s", names[s], after, s ? "was dropped" : "returned");
		else if (!k->dropped)
			snprintf(why, sizeof why, "session %s's keepalive was still running after the "
				 "session %s", names[s], s ? "was dropped" : "returned");
		else
			ok = true;
		axh_check(check[s], ok, ok || !k ? NULL : k->site, "%s", why);
	}
}

AX_ASYNC(lesson_main, int, ax_res r;)
{
	AX_BEGIN;
	AX_AWAIT_TO(self->r, ax_timeout_ms(2000, AX_BOX(axh_call("session",
							  axl_entry_session("a", 120)))));
	ended_at[0] = axh_seq();
	returned[0] = self->r.err != -ETIMEDOUT;
	results[0] = self->r;
	printf("[%lld ms] session a: %s\n", (long long)axh_ms(),
	       returned[0] ? "returned" : "did not return in 2 s; dropped");

	AX_AWAIT_TO(self->r, ax_timeout_ms(130, AX_BOX(axh_call("session",
							 axl_entry_session("b", 1000)))));
	ended_at[1] = axh_seq();
	results[1] = self->r;
	if (self->r.err == -ETIMEDOUT)
		printf("[%lld ms] session b: timed out and dropped\n", (long long)axh_ms());

	AX_AWAIT(ax_sleep_ms(200)); /* main goes on with other work */
	printf("[%lld ms] main: done\n", (long long)axh_ms());
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
