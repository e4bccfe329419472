/* check_instrument.c - asynclab/instrument.h: the read-only accessors read
 * what the runtime did (queued by a wake during the poll, wakers held,
 * the task polling, the runtime's published poll count, running task,
 * root and thread, a daemon's mark), and the header serves a tool built outside the tree
 * with nothing but -I include. */
#include "../testutil.h"

#include <asynclab/instrument.h>

#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* What poll_end saw, per poll. */
typedef struct seen {
	char name[32];
	ax_poll_t r;
	bool queued, polling_is_t, running_is_t, root_is_t;
	int32_t wakers;
	uint64_t polls;
} seen;
static seen seens[32];
static int nseen;
static pthread_t rt_thread_seen;
static ax_rt *rt_seen;

static void on_poll_end(void *ud, ax_task *t, ax_poll_t r, uint32_t first_polls)
{
	(void)ud;
	(void)first_polls;
	if (nseen >= 32)
		return;
	seen *s = &seens[nseen++];
	snprintf(s->name, sizeof s->name, "%s", ax_task_future(t)->vt->name);
	ax_rt *rt = ax_task_rt(t);
	rt_seen = rt;
	s->r = r;
	s->queued = ax_task_is_queued(t);
	s->wakers = ax_task_wakers_held(t);
	s->polling_is_t = ax_task_polling() == t;
	s->running_is_t = ax_rt_running(rt) == t;
	s->root_is_t = ax_rt_root(rt) == t;
	s->polls = ax_rt_polls(rt);
	rt_thread_seen = ax_rt_thread(rt);
}

/* Returns PENDING once without arranging a wake-up: nothing holds a
 * waker for it (the lost-waker shape); a timer later resumes the test. */
typedef struct forgetful {
	ax_future base;
	int out;
} forgetful;
static ax_poll_t forgetful_poll(ax_future *f, ax_cx *cx)
{
	(void)cx;
	return f->state++ ? AX_READY : AX_PENDING;
}
static const ax_future_vt forgetful_vt =
	AX_VT_OF(forgetful, "forgetful", forgetful_poll, NULL, 0);

static ax_notify *note;

AX_ASYNC(parked, int, int unused;)
{
	AX_BEGIN;
	AX_AWAIT(ax_notified(note));
	AX_RETURN(1);
	AX_END;
}

AX_ASYNC(driver, int, ax_task *h; ax_task *f;)
{
	AX_BEGIN;
	self->h = AX_SPAWN(AX_CALL(parked));
	self->f = AX_SPAWN(((forgetful){ .base.vt = &forgetful_vt }));
	AX_AWAIT(ax_yield());		/* the others run: parked waits */
	ax_notify_one(note);
	AX_AWAIT(ax_join(self->h));
	ax_task_abort(self->f);		/* nothing would wake it again */
	AX_AWAIT(ax_join(self->f));
	AX_RETURN(2);
	AX_END;
}

static const seen *find(const char *name, ax_poll_t r, int nth)
{
	for (int i = 0; i < nseen; i++)
		if (!strcmp(seens[i].name, name) && seens[i].r == r && nth-- == 0)
			return &seens[i];
	return NULL;
}

START_TEST(test_accessors)
{
	static const ax_hooks h = { .poll_end = on_poll_end };
	ax_rt *rt = test_rt(0);
	note = ax_notify_new();
	nseen = 0;
	ax_hooks_install(&h);
	ck_assert_int_eq(AX_BLOCK_ON(rt, AX_CALL(driver)), 2);
	ax_hooks_install(NULL);
	ck_assert_ptr_null(ax_task_polling()); /* outside a poll */
	ck_assert_ptr_eq(rt_seen, rt);
	ck_assert(pthread_equal(rt_thread_seen, pthread_self()));

	/* The root's first poll ends in its yield: it woke itself. */
	const seen *d = find("driver", AX_PENDING, 0);
	ck_assert_ptr_nonnull(d);
	ck_assert(d->queued);
	ck_assert(d->root_is_t);
	ck_assert(d->polling_is_t && d->running_is_t);
	/* parked waits on the notify, which holds one waker for it. */
	const seen *p = find("parked", AX_PENDING, 0);
	ck_assert_ptr_nonnull(p);
	ck_assert(!p->queued);
	ck_assert_int_eq(p->wakers, 1);
	ck_assert(!p->root_is_t);
	/* forgetful holds none: nothing can wake it. */
	const seen *f = find("forgetful", AX_PENDING, 0);
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(f->wakers, 0);
	ck_assert(!f->queued);
	/* The published poll count moves with every poll. */
	ck_assert_uint_lt(d->polls, p->polls);
	ck_assert_uint_lt(p->polls, f->polls);
	ax_notify_free(note);
	TEST_RT_END(rt);
}
END_TEST

/* A task's word: the inline read sees what the runtime stored, and a
 * task spawned without a table has none. */
static int word;
static void on_spawn(void *ud, ax_task *t, ax_task *parent, const char *fut,
		     const ax_site *site)
{
	(void)ud, (void)parent, (void)fut, (void)site;
	ax_task_set_hook_data(t, &word);
}
static int word_seen;
static void on_end_word(void *ud, ax_task *t, ax_poll_t r, uint32_t fp)
{
	(void)ud, (void)r, (void)fp;
	word_seen += ax_task_hook_data(t) == &word;
}

AX_ASYNC(driver_word, int, int unused;)
{
	AX_BEGIN;
	AX_RETURN(0);
	AX_END;
}

START_TEST(test_hook_word)
{
	static const ax_hooks h = { .spawn = on_spawn, .poll_end = on_end_word };
	ax_rt *rt = test_rt(0);
	ax_hooks_install(&h);
	ck_assert_int_eq(AX_BLOCK_ON(rt, AX_CALL(driver_word)), 0);
	ax_hooks_install(NULL);
	ck_assert_int_eq(word_seen, 1);
	ck_assert_ptr_null(ax_task_hook_data(NULL));
	TEST_RT_END(rt);
}
END_TEST

/* ax_task_is_daemon: AX_SPAWN_DAEMON and ax_task_daemon mark the task
 * (and detach it: the runtime frees it with nothing joined), a plain
 * detached task is not marked. */
static int daemons_seen, plain_seen, wrong_seen;

static void on_end_daemon(void *ud, ax_task *t, ax_poll_t r, uint32_t first_polls)
{
	(void)ud;
	(void)r;
	(void)first_polls;
	const char *name = ax_task_future(t)->vt->name;
	bool daemon = ax_task_is_daemon(t);
	if (!strcmp(name, "bg_job"))
		daemon ? daemons_seen++ : wrong_seen++;
	else if (!strcmp(name, "bg_other"))
		daemon ? wrong_seen++ : plain_seen++;
	else if (daemon)
		wrong_seen++; /* the driver */
}

AX_ASYNC(bg_job, int, int unused;)
{
	AX_BEGIN;
	AX_RETURN(0);
	AX_END;
}

AX_ASYNC(bg_other, int, int unused;)
{
	AX_BEGIN;
	AX_RETURN(0);
	AX_END;
}

AX_ASYNC(driver_daemon, int, int unused;)
{
	AX_BEGIN;
	ck_assert(AX_SPAWN_DAEMON(AX_CALL(bg_job)));
	ax_task_daemon(AX_SPAWN(AX_CALL(bg_job)));
	ax_task_daemon(NULL);
	ck_assert(AX_SPAWN_DETACHED(AX_CALL(bg_other)));
	AX_AWAIT(ax_yield());
	AX_AWAIT(ax_yield());
	AX_RETURN(0);
	AX_END;
}

START_TEST(test_daemon_mark)
{
	static const ax_hooks h = { .poll_end = on_end_daemon };
	ax_rt *rt = test_rt(0);
	ax_hooks_install(&h);
	ck_assert_int_eq(AX_BLOCK_ON(rt, AX_CALL(driver_daemon)), 0);
	ax_hooks_install(NULL);
	ck_assert_int_eq(daemons_seen, 2);
	ck_assert_int_eq(plain_seen, 1);
	ck_assert_int_eq(wrong_seen, 0);
	TEST_RT_END(rt);
}
END_TEST

/* The installed headers alone are enough for a tool: compile
 * instrument_user.c with only -I include, outside the build tree, link
 * it against the library and run it. */
START_TEST(test_standalone)
{
	char dir[] = "/tmp/ax-instrument-XXXXXX";
	ck_assert_ptr_nonnull(mkdtemp(dir));
	char cmd[4096];
	snprintf(cmd, sizeof cmd,
		 "cd %s && %s -std=gnu11 -Wall -Wextra -Werror %s -I'%s/include' "
		 "'%s/tests/checker/instrument_user.c' -o user -L'%s/.libs' -lasynclab "
		 "-pthread && LD_LIBRARY_PATH='%s/.libs' ./user",
		 dir, CC_CMD, SAN_CFLAGS, SRCDIR, SRCDIR, BUILDDIR, BUILDDIR);
	int st = system(cmd);
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	ck_assert_int_eq(system(cmd), 0);
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0, "instrument_user failed: %d", st);
}
END_TEST

static Suite *instrument_suite(void)
{
	Suite *s = suite_create("instrument");
	TCase *tc = tcase_create("instrument");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_accessors);
	tcase_add_test(tc, test_hook_word);
	tcase_add_test(tc, test_daemon_mark);
	tcase_add_test(tc, test_standalone);
	suite_add_tcase(s, tc);
	return s;
}

TEST_MAIN(instrument_suite)
