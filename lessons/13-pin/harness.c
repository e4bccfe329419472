/* harness.c - lesson 13's side: greet, and main(), which runs the
 * learner's greet_all() and judges from the greeters' own records whether
 * each one stayed at the address of its first poll, was never polled in
 * a copy on the stack, and greeted its own name. */
#include "harness_kit.h"
#include "lesson.h"

#include <pthread.h>
#include <stdio.h>

#define MAX_GREETERS 16

static struct greeter {
	const char *who;
	const void *home;	/* where it was first polled */
	const void *moved_to;	/* first address it was polled at after that */
	const void *stack_at;	/* an address on the poll's stack it was polled at */
	const ax_site *site;	/* the learner's await in force when it moved */
	char said[8];
	bool greeted;
	unsigned s0, s1;
} greeters[MAX_GREETERS];
static int ngreeters;

/* Is p on the stack of the thread polling now? */
static bool on_stack(const void *p)
{
	static __thread uintptr_t lo, hi;
	if (!hi) {
		pthread_attr_t a;
		void *base;
		size_t size;
		if (pthread_getattr_np(pthread_self(), &a) != 0)
			return false;
		if (pthread_attr_getstack(&a, &base, &size) == 0) {
			lo = (uintptr_t)base;
			hi = lo + size;
		}
		pthread_attr_destroy(&a);
	}
	return (uintptr_t)p >= lo && (uintptr_t)p < hi;
}

/* At every poll: where is the greeter now, compared with where it was
 * first polled? */
static void look(greet_t *self)
{
	if (!self->home) {
		if (ngreeters == MAX_GREETERS) {
			self->tag = -1;
			self->home = self;
			return;
		}
		struct greeter *g = &greeters[ngreeters];
		self->tag = ngreeters++;
		self->home = self;
		g->who = self->who;
		g->home = self;
		g->s0 = axh_seq();
	}
	if (self->tag < 0 || self->tag >= ngreeters)
		return;
	struct greeter *g = &greeters[self->tag];
	if (self->home != (const void *)self && !g->moved_to) {
		g->moved_to = self;
		g->site = axh_caller();
	}
	if (on_stack(self) && !g->stack_at) {
		g->stack_at = self;
		g->site = axh_caller();
	}
}

AXH_SERVICE(greet, int)
{
	axh__tick();
	look(self);
	AX_BEGIN;
	snprintf(self->name, sizeof self->name, "%s", self->who ? self->who : "?");
	self->shown = self->name;
	AX_AWAIT(ax_sleep_ms((uint64_t)self->ms));
	if (self->tag >= 0 && self->tag < ngreeters) {
		struct greeter *g = &greeters[self->tag];
		memcpy(g->said, self->shown, sizeof g->said - 1);
		g->said[sizeof g->said - 1] = '\0';
		for (char *c = g->said; *c; c++)
			if ((unsigned char)*c < ' ' || (unsigned char)*c > '~')
				*c = '?';
		g->greeted = true;
		g->s1 = axh_seq();
		printf("[%lld ms] hello, %s\n", (long long)axh_ms(), g->said);
	}
	AX_RETURN(0);
	AX_END;
}

static const char *const who[GREETERS] = { "dee", "eli", "fay" };
static const int ms[GREETERS] = { 60, 30, 90 };

static void judge(bool returned)
{
	char why[512] = "";
	bool ok = true;
	const ax_site *at = NULL;
	for (int i = 0; i < ngreeters && ok; i++) {
		const struct greeter *g = &greeters[i];
		if (g->stack_at) {
			snprintf(why, sizeof why, "the greeter for %s was polled in a copy on the "
				 "stack of a poll, which is gone as soon as that poll returns",
				 g->who ? g->who : "?");
			ok = false;
			at = g->site;
		} else if (g->moved_to) {
			snprintf(why, sizeof why, "the greeter for %s was polled at one address "
				 "first and at another later: it was moved after its first poll",
				 g->who ? g->who : "?");
			ok = false;
			at = g->site;
		}
	}
	axh_check("stays-put", ok, at, "%s", why);

	ok = false;
	int greeted = 0;
	const struct greeter *wrong = NULL;
	for (int i = 0; i < ngreeters; i++) {
		greeted += greeters[i].greeted;
		if (greeters[i].greeted && greeters[i].who && !wrong &&
		    strcmp(greeters[i].said, greeters[i].who))
			wrong = &greeters[i];
	}
	if (!ngreeters)
		snprintf(why, sizeof why, "greet_all never polled a greeter made with "
			 "AX_CALL(greet, ...)");
	else if (wrong)
		snprintf(why, sizeof why, "the greeter for %s said hello to \"%s\"", wrong->who,
			 wrong->said);
	else if (!returned)
		snprintf(why, sizeof why, "greet_all had not returned after 1 s; %d of the %d "
			 "greeters had greeted", greeted, GREETERS);
	else if (ngreeters != GREETERS || greeted != GREETERS)
		snprintf(why, sizeof why, "%d greeters were polled and %d greeted, for %d names",
			 ngreeters, greeted, GREETERS);
	else
		ok = true;
	axh_check("greets-everyone", ok, ok ? NULL : wrong ? wrong->site : NULL, "%s", why);

	/* Side by side: every greeter was polled before the first one
	 * greeted. */
	unsigned first_end = 0, last_start = 0;
	for (int i = 0; i < ngreeters; i++) {
		if (greeters[i].s1 && (!first_end || greeters[i].s1 < first_end))
			first_end = greeters[i].s1;
		if (greeters[i].s0 > last_start)
			last_start = greeters[i].s0;
	}
	ok = ngreeters == GREETERS && first_end && last_start < first_end;
	axh_check("side-by-side", ok, NULL, "%s", ok ? "" : ngreeters < GREETERS ?
		  "not every greeter was polled" : "a greeter was first polled only after "
		  "another had already greeted: they ran one after another");
}

static bool returned;

AX_ASYNC(run_greet_all, int, axh_ret r;)
{
	AX_BEGIN;
	AX_AWAIT_TO(self->r, axh_call("greet_all", axl_entry_greet_all(who, ms)));
	returned = true;
	AX_RETURN(0);
	AX_END;
}

AX_ASYNC(lesson_main, int, ax_res r;)
{
	AX_BEGIN;
	AX_AWAIT_TO(self->r, AX_TIMEOUT_MS(1000, AX_CALL(run_greet_all)));
	printf("[%lld ms] greet_all: %s\n", (long long)axh_ms(),
	       returned ? "everyone greeted" : "not finished after 1 s");
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
