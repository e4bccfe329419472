/* check_hooks.c - the hook table: a replacing table is used with its own
 * hooks and a table without hooks calls nothing, poll_end's count of first
 * polls, the per-task hook word, who wakes and joins whom as a task
 * ends, and a semaphore's permits taken and given back. */
#include "../testutil.h"

#include <asynclab/instrument.h>
#include <string.h>

/* poll_end says how many futures had their first poll in the poll; a
 * table that replaces another is used with its own hooks. */
typedef struct spin3 {
	ax_future base;
	int polls;
	int out;
} spin3;
static ax_poll_t spin3_poll(ax_future *f, ax_cx *cx)
{
	spin3 *s = (spin3 *)(void *)f;
	if (++s->polls == 3)
		return AX_READY;
	ax_waker_wake_by_ref(cx->waker); /* no new future: no progress */
	return AX_PENDING;
}
static const ax_future_vt spin3_vt = AX_VT_OF(spin3, "spin3", spin3_poll, NULL, 0);

static uint32_t fp_seen[8];
static int nfp, nwakes;
static void fp_end(void *ud, ax_task *t, ax_poll_t r, uint32_t first_polls)
{
	(void)ud;
	(void)t;
	(void)r;
	if (nfp < 8)
		fp_seen[nfp++] = first_polls;
}
static void count_wake(void *ud, ax_task *t, ax_task *by, bool self_wake)
{
	(void)ud;
	(void)t;
	(void)by;
	(void)self_wake;
	nwakes++;
}

START_TEST(test_hook_tables)
{
	static const ax_hooks ends = { .poll_end = fp_end };
	static const ax_hooks ends_wakes = { .poll_end = fp_end, .wake = count_wake };
	static const ax_hooks none = { 0 };
	ax_rt *rt = test_rt(0);
	nfp = nwakes = 0;
	ax_hooks_install(&ends);
	ck_assert_int_eq(AX_BLOCK_ON(rt, ((spin3){ .base.vt = &spin3_vt })), 0);
	/* The first poll is the task's future's own first poll. */
	ck_assert_int_eq(nfp, 3);
	ck_assert_uint_eq(fp_seen[0], 1);
	ck_assert_uint_eq(fp_seen[1], 0);
	ck_assert_uint_eq(fp_seen[2], 0);
	ck_assert_int_eq(nwakes, 0);
	/* The replacing table's wake hook is called. */
	ax_hooks_install(&ends_wakes);
	nfp = 0;
	ck_assert_int_eq(AX_BLOCK_ON(rt, ((spin3){ .base.vt = &spin3_vt })), 0);
	ck_assert_int_eq(nfp, 3);
	ck_assert_int_eq(nwakes, 2);
	/* A table without hooks calls nothing. */
	ax_hooks_install(&none);
	nfp = nwakes = 0;
	ck_assert_int_eq(AX_BLOCK_ON(rt, ((spin3){ .base.vt = &spin3_vt })), 0);
	ck_assert_int_eq(nfp + nwakes, 0);
	ax_hooks_install(NULL);
	TEST_RT_END(rt);
}
END_TEST

/* The hook word: set in the spawn hook, read back in poll_end. */
static int hd_slots[4], hd_next, hd_seen, hd_wrong;
static void hd_spawn(void *ud, ax_task *t, ax_task *parent, const char *fut,
		     const ax_site *site)
{
	(void)ud;
	(void)parent;
	(void)fut;
	(void)site;
	if (hd_next < 4)
		ax_task_set_hook_data(t, &hd_slots[hd_next++]);
}
static void hd_end(void *ud, ax_task *t, ax_poll_t r, uint32_t first_polls)
{
	(void)ud;
	(void)r;
	(void)first_polls;
	int *slot = ax_task_hook_data(t);
	if (slot && slot >= hd_slots && slot < hd_slots + 4)
		hd_seen++;
	else
		hd_wrong++;
}

static int hd_plain;
AX_ASYNC(hd_probe, int, int unused;)
{
	AX_BEGIN;
	ax_task *me = ax_task_current();
	ax_task_set_hook_data(me, &hd_slots[0]);
	hd_plain = ax_task_hook_data(me) == NULL ? 1 : 2;
	AX_RETURN(0);
	AX_END;
}
AX_ASYNC(hd_main, int, int i;)
{
	AX_BEGIN;
	ax_task_detach(AX_SPAWN(AX_CALL(hd_probe)));
	for (self->i = 0; self->i < 3; self->i++)
		AX_AWAIT(ax_yield());
	AX_RETURN(0);
	AX_END;
}

START_TEST(test_hook_data)
{
	static const ax_hooks h = { .spawn = hd_spawn, .poll_end = hd_end };
	ax_rt *rt = test_rt(0);
	hd_next = hd_seen = hd_wrong = 0;
	ax_hooks_install(&h);
	ck_assert_int_eq(AX_BLOCK_ON(rt, ((spin3){ .base.vt = &spin3_vt })), 0);
	ax_hooks_install(NULL);
	ck_assert_int_eq(hd_next, 1);
	ck_assert_int_eq(hd_seen, 3);
	ck_assert_int_eq(hd_wrong, 0);
	/* A task spawned without a table has no word. */
	ck_assert_ptr_null(ax_task_hook_data(NULL));
	hd_plain = 0;
	ck_assert_int_eq(AX_BLOCK_ON(rt, AX_CALL(hd_main)), 0);
	ck_assert_int_eq(hd_plain, 1);
	TEST_RT_END(rt);
}
END_TEST

/* Who is woken by whom when a task ends, and whose output is taken: a
 * task that awaits a child's JoinHandle, or its task set's join_next, is
 * woken by the child (its last act), in `wake` and in `wake_other`,
 * which a task's wake of itself never reaches; a child's output taken is
 * the join hook, with the task that took it, whether the child had ended
 * before or not. */
/* Tasks by id: a freed task's memory is reused by the next spawned. */
static uint64_t jn_root, jn_kids[4];
static int jn_wakes_by_kid, jn_joins[4], jn_join_wrong;
static int jn_kid_of(ax_task *t)
{
	for (int i = 0; t && i < 4; i++)
		if (jn_kids[i] && ax_task_id(t) == jn_kids[i])
			return i;
	return -1;
}
static int jn_self_wakes, jn_others, jn_others_by_kid;
static void jn_wake(void *ud, ax_task *t, ax_task *by, bool self_wake)
{
	(void)ud;
	if (jn_kid_of(by) >= 0 && ax_task_id(t) == jn_root)
		jn_wakes_by_kid++;
	jn_self_wakes += self_wake;
}
static void jn_wake_other(void *ud, ax_task *t, ax_task *by)
{
	(void)ud;
	jn_others++;
	if (jn_kid_of(by) >= 0 && ax_task_id(t) == jn_root)
		jn_others_by_kid++;
}
static void jn_join(void *ud, ax_task *t, ax_task *by)
{
	(void)ud;
	int i = jn_kid_of(t);
	if (i >= 0)
		jn_joins[i]++;
	if (i < 0 || !by || ax_task_id(by) != jn_root)
		jn_join_wrong++;
}
AX_ASYNC(jn_kid, int, int ms;)
{
	AX_BEGIN;
	if (self->ms)
		AX_AWAIT(ax_sleep_ms((uint64_t)self->ms));
	AX_RETURN(self->ms + 1);
	AX_END;
}
AX_ASYNC(jn_main, int, ax_task *h; ax_res r; ax_opt o; ax_taskset *set; int sum;)
{
	AX_BEGIN;
	jn_root = ax_task_id(ax_task_current());
	AX_AWAIT(ax_yield()); /* a wake of itself: not another's */
	/* kid 0 sleeps: the join waits and is woken by it. */
	self->h = AX_SPAWN(AX_CALL(jn_kid, .ms = 5));
	jn_kids[0] = ax_task_id(self->h);
	AX_AWAIT_TO(self->r, ax_join(self->h));
	self->sum += (int)self->r.val;
	/* kid 1 ends before its join: the output is taken, no wait. */
	self->h = AX_SPAWN(AX_CALL(jn_kid, .ms = 0));
	jn_kids[1] = ax_task_id(self->h);
	AX_AWAIT(ax_sleep_ms(1));
	AX_AWAIT_TO(self->r, ax_join(self->h));
	self->sum += (int)self->r.val;
	/* kid 2 in a set, waited for. */
	self->set = ax_taskset_new();
	AX_TASKSET_OWN(self->set);
	jn_kids[2] = ax_task_id(AX_TASKSET_SPAWN(self->set, AX_CALL(jn_kid, .ms = 3)));
	AX_AWAIT_TO(self->o, ax_taskset_join_next(self->set));
	self->sum += (int)self->o.val;
	AX_RETURN(self->sum);
	AX_END;
}

START_TEST(test_join_hooks)
{
	static const ax_hooks h = { .wake = jn_wake, .wake_other = jn_wake_other,
				    .join = jn_join };
	ax_rt *rt = test_rt(0);
	jn_wakes_by_kid = jn_join_wrong = jn_self_wakes = jn_others = jn_others_by_kid = 0;
	memset(jn_joins, 0, sizeof jn_joins);
	memset(jn_kids, 0, sizeof jn_kids);
	ax_hooks_install(&h);
	int sum = AX_BLOCK_ON(rt, AX_CALL(jn_main));
	ax_hooks_install(NULL);
	ck_assert_int_eq(sum, 6 + 1 + 4);
	/* Woken by kid 0 (its handle) and by kid 2 (its set). */
	ck_assert_int_eq(jn_wakes_by_kid, 2);
	/* wake_other: the same two, and no wake of a task by itself. */
	ck_assert_int_eq(jn_others_by_kid, 2);
	ck_assert_int_eq(jn_others, 2);
	ck_assert_int_ge(jn_self_wakes, 1);
	ck_assert_int_eq(jn_joins[0], 1);
	ck_assert_int_eq(jn_joins[1], 1);
	ck_assert_int_eq(jn_joins[2], 1);
	ck_assert_int_eq(jn_join_wrong, 0);
	TEST_RT_END(rt);
}
END_TEST

/* The sem hook: each permit taken (at once, after a wait, by try) and
 * given back, by the task polling, with the permits the semaphore was
 * made with; a failed try and an acquire dropped while queued are none. */
static ax_sem *sm_sem;
static int sm_taken, sm_back, sm_wrong;
static void sm_hook(void *ud, const void *s, size_t permits, bool acquire)
{
	(void)ud;
	ax_task *cur = ax_task_current();
	if (s != sm_sem || permits != 2 || !cur)
		sm_wrong++;
	if (acquire)
		sm_taken++;
	else
		sm_back++;
}
AX_ASYNC(sm_holder, int, int unused;)
{
	AX_BEGIN;
	AX_AWAIT(ax_sleep_ms(2));
	ax_sem_release(sm_sem);
	AX_RETURN(0);
	AX_END;
}
AX_ASYNC(sm_main, int, ax_task *h;)
{
	AX_BEGIN;
	AX_AWAIT(ax_sem_acquire(sm_sem));	   /* taken at once: 1 */
	ck_assert(ax_sem_try_acquire(sm_sem));	   /* by try: 2 */
	ck_assert(!ax_sem_try_acquire(sm_sem));	   /* none left: no event */
	self->h = AX_SPAWN(AX_CALL(sm_holder));	   /* gives one back: back 1 */
	AX_AWAIT(ax_sem_acquire(sm_sem));	   /* after a wait: 3 */
	ax_sem_release(sm_sem);			   /* back 2 */
	ax_sem_release(sm_sem);			   /* back 3 */
	AX_AWAIT(ax_join(self->h));
	AX_RETURN(0);
	AX_END;
}
START_TEST(test_sem_hook)
{
	static const ax_hooks h = { .sem = sm_hook };
	ax_rt *rt = test_rt(0);
	sm_sem = ax_sem_new(2);
	sm_taken = sm_back = sm_wrong = 0;
	ax_hooks_install(&h);
	AX_BLOCK_ON(rt, AX_CALL(sm_main));
	ax_hooks_install(NULL);
	ck_assert_int_eq(sm_taken, 3);
	ck_assert_int_eq(sm_back, 3);
	ck_assert_int_eq(sm_wrong, 0);
	ck_assert_uint_eq(ax_sem_available(sm_sem), 2);
	ax_sem_free(sm_sem);
	TEST_RT_END(rt);
}
END_TEST

static Suite *hooks_suite(void)
{
	Suite *s = suite_create("hooks");
	TCase *tc = tcase_create("hooks");
	tcase_add_test(tc, test_hook_tables);
	tcase_add_test(tc, test_hook_data);
	tcase_add_test(tc, test_join_hooks);
	tcase_add_test(tc, test_sem_hook);
	suite_add_tcase(s, tc);
	return s;
}

TEST_MAIN(hooks_suite)
