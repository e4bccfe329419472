/* harness.c - lesson 2's side: the login and load_cart services, the
 * users, and main(), which calls the learner's checkout() for each user
 * and judges from what the services saw: which steps ran, in what order,
 * with which input, and what checkout returned. */
#include "harness_kit.h"
#include "lesson.h"

#include <stdio.h>
#include <string.h>

static const struct user {
	const char *name;
	ax_val uid;	/* 0: may not log in */
	int items;
} users[] = {
	{ "alice", 1001, 3 },
	{ "mallory", 0, 0 },
	{ "carol", 1002, 7 },
};
#define NUSERS 3

AXH_SERVICE(login, ax_res)
{
	int rec = AXH_REC_BEGIN("login");
	if (rec >= 0)
		axh_recs[rec].sarg = self->user;
	AX_BEGIN;
	AX_AWAIT(ax_sleep_ms(20));
	for (int i = 0; i < NUSERS; i++)
		if (self->user && !strcmp(self->user, users[i].name) && users[i].uid) {
			axh_rec_end(self, users[i].uid, 0);
			AX_RETURN(((ax_res){ .val = users[i].uid }));
		}
	axh_rec_end(self, 0, -EACCES);
	AX_RETURN(((ax_res){ .err = -EACCES }));
	AX_END;
}

AXH_SERVICE(load_cart, ax_res)
{
	int rec = AXH_REC_BEGIN("load_cart");
	if (rec >= 0)
		axh_recs[rec].arg = self->uid;
	AX_BEGIN;
	AX_AWAIT(ax_sleep_ms(30));
	for (int i = 0; i < NUSERS; i++)
		if (users[i].uid && self->uid == users[i].uid) {
			axh_rec_end(self, users[i].items, 0);
			AX_RETURN(((ax_res){ .val = users[i].items }));
		}
	axh_rec_end(self, 0, -ENOENT);
	AX_RETURN(((ax_res){ .err = -ENOENT }));
	AX_END;
}

static axh_ret results[NUSERS];
static unsigned returned_at[NUSERS];

static const axh_rec *find(const char *svc, int step)
{
	for (int i = 0; i < axh_nrecs; i++)
		if (!strcmp(axh_recs[i].svc, svc) && axh_recs[i].step == step)
			return &axh_recs[i];
	return NULL;
}

/* The steps of a user who may log in: login(name) finished, then
 * load_cart(its uid) started and finished, then checkout returned. */
static bool steps_ok(int u, char *why, size_t n, const ax_site **at)
{
	const axh_rec *lg = find("login", u), *lc = find("load_cart", u);
	const char *name = users[u].name;
	*at = NULL;
	if (!lg) {
		snprintf(why, n, "checkout(\"%s\") never awaited login", name);
		return false;
	}
	if (!lg->sarg || strcmp(lg->sarg, name)) {
		*at = lg->site;
		snprintf(why, n, "checkout(\"%s\") logged in as \"%s\"", name,
			 lg->sarg ? lg->sarg : "(null)");
		return false;
	}
	if (!lg->done || lg->s1 > returned_at[u]) {
		*at = lg->site;
		snprintf(why, n, "checkout(\"%s\") returned before login finished", name);
		return false;
	}
	if (!lc) {
		snprintf(why, n, "checkout(\"%s\") never awaited load_cart", name);
		return false;
	}
	*at = lc->site;
	if (lc->s0 < lg->s1) {
		snprintf(why, n, "load_cart started for %s while login was still running: an "
				 "await must finish before the next line runs", name);
		return false;
	}
	if (lc->arg != users[u].uid) {
		snprintf(why, n, "load_cart got user id %lld for %s, but login returned %lld",
			 (long long)lc->arg, name, (long long)users[u].uid);
		return false;
	}
	if (!lc->done || lc->s1 > returned_at[u]) {
		snprintf(why, n, "checkout(\"%s\") returned before load_cart finished", name);
		return false;
	}
	*at = NULL;
	return true;
}

static void judge(void)
{
	char why[512];
	const ax_site *at;

	/* outputs: alice (and carol) get their carts. */
	bool ok = true;
	why[0] = '\0';
	for (int u = 0; u < NUSERS && ok; u++) {
		if (!users[u].uid)
			continue;
		const axh_ret *r = &results[u];
		if (r->err) {
			snprintf(why, sizeof why, "checkout(\"%s\") returned Err(%s)", users[u].name,
				 strerror(-r->err));
			ok = false;
		} else if (r->val != users[u].items) {
			snprintf(why, sizeof why, "checkout(\"%s\") returned Ok(%lld), not Ok(%d)",
				 users[u].name, (long long)r->val, users[u].items);
			ok = false;
		}
	}
	axh_check("outputs", ok, NULL, "%s", why);

	/* every-step-awaited */
	ok = true;
	at = NULL;
	why[0] = '\0';
	for (int u = 0; u < NUSERS && ok; u++)
		if (users[u].uid)
			ok = steps_ok(u, why, sizeof why, &at);
	axh_check("every-step-awaited", ok, at, "%s", why);

	/* errors-propagate: mallory gets login's error. */
	const axh_ret *m = &results[1];
	if (m->err == -EACCES)
		axh_check("errors-propagate", true, NULL, "%s", "");
	else if (m->err)
		axh_check("errors-propagate", false, NULL,
			  "checkout(\"mallory\") returned Err(%s), not login's error (%s)",
			  strerror(-m->err), strerror(EACCES));
	else
		axh_check("errors-propagate", false, NULL,
			  "checkout(\"mallory\") returned Ok(%lld) although her login failed",
			  (long long)m->val);

	/* stops-at-first-error: no step after mallory's failed login. */
	const axh_rec *lc = find("load_cart", 1);
	if (lc)
		axh_check("stops-at-first-error", false, lc->site,
			  "load_cart ran for mallory after her login had failed");
	else
		axh_check("stops-at-first-error", true, NULL, "%s", "");
}

AX_ASYNC(lesson_main, int, int u;)
{
	AX_BEGIN;
	for (self->u = 0; self->u < NUSERS; self->u++) {
		axh_step = self->u;
		AX_AWAIT_TO(results[self->u],
			    axh_call("checkout", axl_entry_checkout(users[self->u].name)));
		returned_at[self->u] = axh_seq();
		const axh_ret *r = &results[self->u];
		if (r->err)
			printf("%s: failed: %s\n", users[self->u].name, strerror(-r->err));
		else
			printf("%s: %lld items in cart\n", users[self->u].name, (long long)r->val);
	}
	printf("done at %lld ms\n", (long long)axh_ms());
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
