/* harness.c - lesson 12's side: request and its two services, and main(),
 * which runs the learner's call_with_retry() for three clients at once.
 * It judges from request's records, which say when each client's
 * requests started and ended: whether the waits after failures grew,
 * whether two clients kept coming back at the same moment, whether the
 * clients of the restarting service got through and the client of the
 * dead one gave up at the deadline, not long before and not after. */
#include "harness_kit.h"
#include "lesson.h"

#include <stdio.h>

#define NCLIENTS 3
#define REQUEST_MS 10
#define DEADLINE_MS 2000
#define CAP_MS 1000
#define BASE_MS 100
#define ENOUGH_MS 4000	/* a client still retrying then has no deadline */

static const struct service {
	const char *name;
	int up_at_ms;	/* refuses requests that end before this; -1: never up */
} services[] = { { "restarting", 700 }, { "down", -1 } };

struct client {
	const char *name;
	int svc;
	long session;
};

static struct client clients[NCLIENTS] = {
	{ "a", 0, 4711 }, { "b", 0, 5308 }, { "c", 1, 6203 },
};

static uint64_t start_ns;	/* when the clients started */

static double rel_ms(int64_t ns)
{
	return (double)(ns - (int64_t)start_ns) / 1e6;
}

static int client_of(const client *c)
{
	for (int k = 0; k < NCLIENTS; k++)
		if (c == &clients[k])
			return k;
	return -1;
}

AXH_SERVICE(request, ax_res)
{
	int rec = AXH_REC_BEGIN("request");
	if (rec >= 0)
		axh_recs[rec].arg = client_of(self->c);
	AX_BEGIN;
	if (client_of(self->c) < 0) {
		axh_rec_end(self, 0, -EINVAL);
		AX_RETURN(((ax_res){ .err = -EINVAL }));
	}
	AX_AWAIT(ax_sleep_ms(REQUEST_MS));
	{
		const struct client *c = self->c;
		const struct service *s = &services[c->svc];
		double t = rel_ms((int64_t)ax_now());
		if (s->up_at_ms < 0 || t < s->up_at_ms) {
			printf("[%.0f ms] %s: request from %s refused\n", t, s->name, c->name);
			axh_rec_end(self, 0, -ECONNREFUSED);
			AX_RETURN(((ax_res){ .err = -ECONNREFUSED }));
		}
		printf("[%.0f ms] %s: request from %s answered\n", t, s->name, c->name);
		axh_rec_end(self, c->session, 0);
		AX_RETURN(((ax_res){ .val = c->session }));
	}
	AX_END;
}

static axh_ret got[NCLIENTS];
static bool returned[NCLIENTS];
static double returned_ms[NCLIENTS];

/* Client k's requests, in the order they started. */
static int requests_of(int k, const axh_rec **out, int max)
{
	int n = 0;
	for (int i = 0; i < axh_nrecs && n < max; i++)
		if (axh_recs[i].arg == k)
			out[n++] = &axh_recs[i];
	return n;
}

static const ax_site *site_of(int k)
{
	for (int i = 0; i < axh_nrecs; i++)
		if (axh_recs[i].arg == k && axh_recs[i].site)
			return axh_recs[i].site;
	return NULL;
}

/* The least wait due after the n-th failure: half the backoff (the
 * jitter draws from [d/2, d]). */
static int least_wait_ms(int n)
{
	int d = BASE_MS;
	for (int i = 1; i < n && d < CAP_MS; i++)
		d *= 2;
	if (d > CAP_MS)
		d = CAP_MS;
	return d / 2;
}

static const char *nth(int n)
{
	static char buf[16];
	snprintf(buf, sizeof buf, "%d%s", n,
		 n % 10 == 1 && n != 11 ? "st" : n % 10 == 2 && n != 12 ? "nd" :
		 n % 10 == 3 && n != 13 ? "rd" : "th");
	return buf;
}

#define MAXREQ 256

static void judge_recovers(void)
{
	const axh_rec *rq[MAXREQ];
	char why[512] = "";
	const ax_site *at = NULL;
	bool ok = true;
	for (int i = 0; i < axh_nrecs && ok; i++)
		if (axh_recs[i].arg < 0) {
			snprintf(why, sizeof why, "request was called with a client that is not "
				 "one of the lesson's");
			at = axh_recs[i].site;
			ok = false;
		}
	for (int k = 0; k < NCLIENTS && ok; k++) {
		const struct client *c = &clients[k];
		int n = requests_of(k, rq, MAXREQ);
		bool up = services[c->svc].up_at_ms >= 0;
		at = site_of(k);
		if (!n) {
			snprintf(why, sizeof why, "call_with_retry never called request for client "
				 "%s", c->name);
			ok = false;
		} else if (!returned[k]) {
			if (up) {
				snprintf(why, sizeof why, "client %s had not returned %d ms after it "
					 "started", c->name, ENOUGH_MS);
				ok = false;
			}
		} else if (up && got[k].err) {
			snprintf(why, sizeof why, "client %s gave up after %d request%s, the last "
				 "at %.0f ms; its service was back at %d ms", c->name, n,
				 n == 1 ? "" : "s", rel_ms(rq[n - 1]->t0),
				 services[c->svc].up_at_ms);
			ok = false;
		} else if (up && (!rq[n - 1]->done || rq[n - 1]->err ||
				  got[k].val != (ax_val)c->session)) {
			snprintf(why, sizeof why, "client %s returned %lld, but its successful "
				 "request gave %ld", c->name, (long long)got[k].val, c->session);
			ok = false;
		} else if (!up && !got[k].err) {
			snprintf(why, sizeof why, "client %s returned %lld as if it had succeeded, "
				 "but its service never answered", c->name, (long long)got[k].val);
			ok = false;
		}
	}
	axh_check("recovers", ok, ok ? NULL : at, "%s", why);
}

static void judge_backs_off(void)
{
	const axh_rec *rq[MAXREQ];
	char why[512] = "";
	const ax_site *at = NULL;
	bool ok = true;
	for (int k = 0; k < NCLIENTS && ok; k++) {
		int n = requests_of(k, rq, MAXREQ);
		for (int i = 0; i + 1 < n && ok; i++) {
			if (!rq[i]->s1 || rq[i + 1]->s0 < rq[i]->s1) {
				snprintf(why, sizeof why, "client %s sent its %s request before its %s "
					 "had answered", clients[k].name, nth(i + 2), nth(i + 1));
				at = rq[i + 1]->site;
				ok = false;
				break;
			}
			double waited = (double)(rq[i + 1]->t0 - rq[i]->t1) / 1e6;
			int due = least_wait_ms(i + 1);
			if (waited < due) {
				snprintf(why, sizeof why, "after its %s refused request, client %s "
					 "waited %.0f ms before the next (at least %d ms was due)",
					 nth(i + 1), clients[k].name, waited, due);
				at = rq[i + 1]->site;
				ok = false;
			}
		}
	}
	axh_check("backs-off", ok, ok ? NULL : at, "%s", why);
}

/* jitter: clients a and b (the same service, failing together) came back
 * at the same moment at most once after their first requests. */
static void judge_jitter(void)
{
	const axh_rec *ra[MAXREQ], *rb[MAXREQ];
	int na = requests_of(0, ra, MAXREQ), nb = requests_of(1, rb, MAXREQ);
	int same = 0;
	char when[256] = "";
	size_t wl = 0;
	for (int i = 1; i < na; i++)
		for (int j = 1; j < nb; j++) {
			int64_t d = ra[i]->t0 - rb[j]->t0;
			if (d < 0)
				d = -d;
			if (d < 500000) { /* half a millisecond */
				if (same < 4 && wl < sizeof when - 32)
					wl += (size_t)snprintf(when + wl, sizeof when - wl, "%s%.0f",
							       same ? ", " : "", rel_ms(ra[i]->t0));
				same++;
			}
		}
	axh_check("jitter", same < 2, same < 2 ? NULL : site_of(0), "clients a and b sent "
		  "their retries at the same moment %d times (at %s%s ms)", same, when,
		  same > 4 ? ", ..." : "");
}

static void judge_deadline(void)
{
	const axh_rec *rq[MAXREQ];
	int k = 2;
	int n = requests_of(k, rq, MAXREQ);
	char why[512] = "";
	bool ok = false;
	/* On the real clock a timer fires late on a busy machine: the last
	 * attempt, or giving up, may come a little after its due time. */
	double slack = axh_virtual() ? 0 : 300;
	double span = n ? (double)(rq[n - 1]->t0 - rq[0]->t0) / 1e6 : 0;
	if (!n)
		ok = true; /* nothing was retried: recovers says so */
	else if (!returned[k])
		snprintf(why, sizeof why, "client c was still retrying %d ms after its first "
			 "request (%d requests so far)", ENOUGH_MS, n);
	else if (span > DEADLINE_MS + slack)
		snprintf(why, sizeof why, "client c sent its last request %.0f ms after its first "
			 "(request %d)", span, n);
	/* Giving up late is waiting past the deadline before deciding: an
	 * attempt begun in time may end after it, and giving up right at
	 * its refusal is on time. */
	else if (returned_ms[k] - rel_ms(rq[0]->t0) > DEADLINE_MS + slack &&
		 returned_ms[k] - rel_ms(rq[n - 1]->t1) > REQUEST_MS + slack)
		snprintf(why, sizeof why, "client c gave up only %.0f ms after its first request, "
			 "%.0f ms after its last one had been refused: it waited past the deadline "
			 "before deciding to stop", returned_ms[k] - rel_ms(rq[0]->t0),
			 returned_ms[k] - rel_ms(rq[n - 1]->t1));
	else
		ok = true;
	axh_check("deadline", ok, ok ? NULL : site_of(k), "%s", why);

	ok = false;
	/* The next wait is at most CAP_MS: giving up earlier than this is not
	 * the deadline's doing. */
	double least = DEADLINE_MS - CAP_MS - REQUEST_MS;
	if (!n)
		snprintf(why, sizeof why, "client c never sent a request");
	else if (!returned[k])
		ok = true; /* it kept trying, past the deadline: deadline says so */
	else if (span < least)
		snprintf(why, sizeof why, "client c gave up after %d request%s, the last %.0f ms "
			 "after its first; its next wait, at most %d ms, would not have passed "
			 "the deadline", n, n == 1 ? "" : "s", span, CAP_MS);
	else
		ok = true;
	axh_check("keeps-trying", ok, ok ? NULL : site_of(k), "%s", why);
}

AX_ASYNC(run_client, int, int k; axh_ret r;)
{
	AX_BEGIN;
	AX_AWAIT_TO(self->r, axh_call("call_with_retry", axl_entry_call_with_retry(
							   &clients[self->k])));
	got[self->k] = self->r;
	returned[self->k] = true;
	returned_ms[self->k] = rel_ms((int64_t)ax_now());
	if (self->r.err)
		printf("[%.0f ms] client %s: gave up: %s\n", returned_ms[self->k],
		       clients[self->k].name, strerror(-self->r.err));
	else
		printf("[%.0f ms] client %s: ok, session %lld\n", returned_ms[self->k],
		       clients[self->k].name, (long long)self->r.val);
	AX_RETURN(0);
	AX_END;
}

/* Each client in a task of its own, so that the records find the
 * learner's lines that await request. */
AX_ASYNC(all_clients, int, ax_task *h[NCLIENTS]; int k; ax_res r;)
{
	AX_BEGIN;
	for (self->k = 0; self->k < NCLIENTS; self->k++)
		self->h[self->k] = AX_SPAWN(AX_CALL(run_client, .k = self->k));
	for (self->k = 0; self->k < NCLIENTS; self->k++)
		AX_AWAIT_TO(self->r, ax_join(self->h[self->k]));
	AX_RETURN(0);
	AX_END;
}

AX_ASYNC(lesson_main, int, ax_res r;)
{
	AX_BEGIN;
	start_ns = ax_now();
	AX_AWAIT_TO(self->r, AX_TIMEOUT_MS(ENOUGH_MS, AX_CALL(all_clients)));
	judge_recovers();
	judge_backs_off();
	judge_jitter();
	judge_deadline();
	axh_end("done", "%s", "");
	AX_RETURN(0);
	AX_END;
}

int main(void)
{
	axh_init();
	return AXH_RUN(AX_CALL(lesson_main));
}
