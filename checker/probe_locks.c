/* probe_locks.c - blocking locks: which task holds which lock, the
 * lock-across-await report, and the same-thread deadlock.  Every lock a
 * task takes inside a poll (through the lock hook for ax_bmutex and
 * ax_brwlock, or through an interposed pthread call, probe_libc_locks.c)
 * is recorded for its task and in one registry of held locks, so that a
 * task about to block the executor thread on a contended lock can be told
 * at once whether a task of the same thread holds it: then nothing can
 * ever release it, and the probe reports that one deadlock and ends the
 * run instead of letting it hang to the time limit. */
#define _GNU_SOURCE
#include "probe_detect.h"

#include <execinfo.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#define STACK_MAX 32

/* Every lock held by a task (or left held by a task that finished), so a
 * blocked acquisition can find its holder.  Few locks are held at once:
 * a list is enough. */
static pr_lock *held;
static atomic_flag held_lock = ATOMIC_FLAG_INIT;

static void held_take(void)
{
	while (atomic_flag_test_and_set_explicit(&held_lock, memory_order_acquire))
		;
}

static void held_give(void)
{
	atomic_flag_clear_explicit(&held_lock, memory_order_release);
}

static void held_add(pr_lock *l)
{
	held_take();
	l->anext = held;
	l->aprev = &held;
	if (held)
		held->aprev = &l->anext;
	held = l;
	held_give();
}

static void held_remove(pr_lock *l)
{
	held_take();
	*l->aprev = l->anext;
	if (l->anext)
		l->anext->aprev = l->aprev;
	held_give();
}

static void lock_free(pr_lock *l)
{
	free(l->waiters);
	free(l);
}

/* --- where in the task's frames ------------------------------------------ */

/* The frame of t that is running now, counted from the task's own future
 * through awaited children: every frame above it is suspended in an
 * await of its child, and it has no child.  -1 when a future that is not
 * an async-function frame (a combinator) sits on the way. */
static int running_depth(ax_task *t)
{
	const ax_future *f = pr_task_future(t);
	int d = 0;
	while (f && (f->vt->flags & AX_VT_FRAME)) {
		const ax_frame *fr = (const ax_frame *)(const void *)f;
		if (!fr->child)
			return d;
		f = fr->child;
		d++;
	}
	return -1;
}

/* The frame of t at depth d, or NULL. */
static const ax_frame *frame_at(ax_task *t, int d)
{
	const ax_future *f = pr_task_future(t);
	for (int i = 0; f && (f->vt->flags & AX_VT_FRAME); i++) {
		const ax_frame *fr = (const ax_frame *)(const void *)f;
		if (i == d)
			return fr;
		f = fr->child;
	}
	return NULL;
}

/* --- recording ---------------------------------------------------------- */

static void report_left(pr_lock *l);

/* Unlink the lock *pp of pt: released, with its finding if it was held
 * across an await, and its timeline span. */
static void release(pr_task *pt, pr_lock **pp)
{
	pr_lock *l = *pp;
	*pp = l->next;
	held_remove(l);
	if (l->pending_awaits > 0)
		pr_report_lock(pt, l);
	pr_span_lock(pt, l->t0, pr_now());
	lock_free(l);
}

void pr_lock_event(pr_task *pt, const void *lock, bool acquire,
		   const ax_site *site, uintptr_t pc, const char *what)
{
	if (!pt || !pr_active)
		return;
	if (acquire) {
		pr_lock *l = calloc(1, sizeof *l);
		if (!l)
			return;
		l->lock = lock;
		l->what = what;
		l->site = site;
		l->pc = pc;
		l->t0 = pr_now();
		l->depth = running_depth(pt->t);
		l->rt = ax_task_rt(pt->t);
		l->holder = pt;
		l->next = pt->locks;
		pt->locks = l;
		held_add(l);
		return;
	}
	for (pr_lock **pp = &pt->locks; *pp; pp = &(*pp)->next) {
		pr_lock *l = *pp;
		if (l->lock != lock || l->sem)
			continue;
		release(pt, pp);
		return;
	}
}

/* A semaphore permit is a lock of the task that took it only if that
 * task posts it again (a binary semaphore used as a mutex); a permit
 * posted by someone else was a signal, and a task may end holding
 * permits it consumed.  One record per task and semaphore. */
void pr_sem_event(pr_task *pt, const void *sem, bool acquire, uintptr_t pc)
{
	if (!pt || !pr_active)
		return;
	pr_lock **pp = &pt->locks;
	while (*pp && ((*pp)->lock != sem || !(*pp)->sem))
		pp = &(*pp)->next;
	if (acquire) {
		if (*pp) {
			(*pp)->permits++;
			return;
		}
		pr_lock_event(pt, sem, true, NULL, pc, "semaphore permit");
		if (pt->locks && pt->locks->lock == sem) {
			pt->locks->sem = true;
			pt->locks->permits = 1;
		}
		return;
	}
	if (*pp && --(*pp)->permits == 0)
		release(pt, pp);
}

/* A lock left held by a task that finished is released by someone else
 * (outside any poll): it is no longer held, and the finished task's
 * finding is made now. */
atomic_int pr_locks_left;

void pr_lock_left_released(const void *lock)
{
	pr_lock *found = NULL;
	held_take();
	for (pr_lock *l = held; l && !found; l = l->anext)
		if (l->lock == lock && !l->holder)
			found = l;
	held_give();
	if (!found)
		return;
	held_remove(found);
	atomic_fetch_sub(&pr_locks_left, 1);
	if (found->pending_awaits >= 0 && pr_active && !pr_tl_in_hook) {
		pr_tl_in_hook = 1;
		report_left(found);
		pr_tl_in_hook = 0;
	}
	lock_free(found);
}

/* The task returned PENDING: each lock it holds is held across the await
 * it is suspended at.  The await to name first is the one in the frame
 * that took the lock (the learner's line); the innermost await, when it
 * is elsewhere (inside the function that frame awaits), follows it. */
void pr_locks_pending(pr_task *pt)
{
	const ax_site *inner = ax_task_await_site(pt->t);
	for (pr_lock *l = pt->locks; l; l = l->next) {
		if (l->pending_awaits < 0)
			continue;
		const ax_frame *fr = l->depth >= 0 ? frame_at(pt->t, l->depth) : NULL;
		const ax_site *outer = fr && fr->await_site ? fr->await_site : inner;
		l->pending_awaits++;
		if (!outer || l->nawaits >= PR_MAX_AWAITS)
			continue;
		if (l->nawaits && l->awaits[l->nawaits - 1].outer == outer &&
		    l->awaits[l->nawaits - 1].inner == (inner != outer ? inner : NULL))
			continue;
		l->awaits[l->nawaits].outer = outer;
		l->awaits[l->nawaits].inner = inner != outer ? inner : NULL;
		l->nawaits++;
	}
}

static void note_awaits(pr_finding *f, const pr_lock *l)
{
	for (int i = 0; i < l->nawaits; i++) {
		pr_f_note_site(f, l->awaits[i].outer, "the lock is held across this await");
		if (l->awaits[i].inner)
			pr_f_note_site(f, l->awaits[i].inner,
				       "which is suspended here, further in");
	}
}

static void loc_taken(pr_finding *f, const pr_lock *l)
{
	if (l->site)
		pr_f_loc_site(f, l->site);
	else
		pr_f_loc_pc(f, l->pc);
}

/* The tasks on other workers that waited for l, copied (the registry's
 * lock is held while they are added): how many waited, n of them kept in
 * w, each wait ending at t1 or else now (the release that ends it). */
static int waiters_of(const pr_lock *l, pr_waiter *w, int *n)
{
	held_take();
	int total = l->nwaiters;
	*n = total < PR_MAX_WAITERS ? total : PR_MAX_WAITERS;
	if (*n)
		memcpy(w, l->waiters, (size_t)*n * sizeof *w);
	held_give();
	uint64_t now = pr_mono_ns();
	for (int i = 0; i < *n; i++)
		if (!w[i].t1 || w[i].t1 < w[i].t0)
			w[i].t1 = now;
	return total;
}

/* What the waits for l did: "task 'b' on worker 2 of 2 waited 40 ms for
 * it" (and how many more tasks waited). */
static void contention_text(char *out, size_t size, const pr_waiter *w, int n, int total)
{
	size_t len = 0;
	out[0] = '\0';
	for (int i = 0; i < n && len < size; i++) {
		int k = snprintf(out + len, size - len, "%s%s on worker %d of %d waited %llu ms",
				 i ? ", " : "", w[i].label, w[i].worker, w[i].of,
				 (unsigned long long)((w[i].t1 - w[i].t0) / 1000000u));
		if (k > 0)
			len += (size_t)k;
	}
	if (len < size)
		snprintf(out + len, size - len, "%s for it, blocking %s",
			 total > n ? " (and more tasks)" : "",
			 total == 1 ? "its worker's thread" : "their workers' threads");
}

/* The lock-across-await finding of lock l of pt (held across an await, or
 * still held when pt finished: l->ret_site is then where it returned). */
void pr_report_lock(pr_task *pt, pr_lock *l)
{
	char lb[128];
	pr_finding f;
	bool ok;
	pr_task_label(pt, lb, sizeof lb);
	bool finished = l->holder == NULL;
	pr_waiter w[PR_MAX_WAITERS];
	int nw = 0, total = finished ? 0 : waiters_of(l, w, &nw);
	int of = 1, turns = 0;
	bool side = !finished && ax_instrument_worker(l->rt, &of, &turns) > 0 && !turns;
	if (total > 0) {
		char cont[512];
		contention_text(cont, sizeof cont, w, nw, total);
		ok = pr_f_begin(&f, F_LOCK_ACROSS_AWAIT, pt,
				"%s taken here is held across an await in %s: %s; "
				"release it before the await or use an async mutex",
				l->what, lb, cont);
	} else if (!finished || l->pending_awaits > 0)
		ok = pr_f_begin(&f, F_LOCK_ACROSS_AWAIT, pt,
				"%s taken here is held across an await in %s: any "
				"other task that needs it blocks %s; "
				"release it before the await or use an async mutex",
				l->what, lb,
				side ? "its worker's thread" : "the executor thread");
	else
		ok = pr_f_begin(&f, F_LOCK_ACROSS_AWAIT, pt,
				"%s finished while still holding the %s taken here: "
				"nothing can take it again", lb, l->what);
	l->pending_awaits = -1; /* reported */
	if (!ok)
		return;
	loc_taken(&f, l);
	note_awaits(&f, l);
	if (finished)
		pr_f_note_site(&f, l->ret_site, "%s returned here with the lock still held", lb);
	for (int i = 0; i < nw; i++)
		pr_f_note_pc(&f, w[i].at, "%s on worker %d of %d waited here %llu ms for it",
			     w[i].label, w[i].worker, w[i].of,
			     (unsigned long long)((w[i].t1 - w[i].t0) / 1000000u));
	pr_f_task_notes(&f, pt);
	pr_f_end(&f);
}

void pr_report_task_locks(pr_task *pt)
{
	for (pr_lock *l = pt->locks; l; l = l->next)
		if (l->pending_awaits > 0)
			pr_report_lock(pt, l);
}

/* The task finished (or was freed) with locks still held.  A finished
 * task's locks stay in the registry as left behind: a later task that
 * blocks on one is in a deadlock, and that report says so; otherwise the
 * leftover is reported once the run ends (pr_locks_at_exit). */
void pr_locks_exit(pr_task *pt, bool report)
{
	const ax_site *ret = NULL;
	if (pt->locks && pt->t) {
		const ax_future *f = pr_task_future(pt->t);
		if (f && (f->vt->flags & AX_VT_FRAME))
			ret = ((const ax_frame *)(const void *)f)->await_site;
	}
	while (pt->locks) {
		pr_lock *l = pt->locks;
		pt->locks = l->next;
		if (!report || l->pending_awaits < 0 || l->sem) {
			held_remove(l);
			lock_free(l);
			continue;
		}
		/* Kept: who held it, for the reports below. */
		atomic_fetch_add(&pr_locks_left, 1);
		l->holder = NULL;
		l->ret_site = ret;
		l->gid = pt->gid;
		pr_task_label(pt, l->label, sizeof l->label);
		l->holder_site = pt->site;
		l->next = NULL;
	}
}

static void report_left(pr_lock *l)
{
	/* A stand-in for the finished task, enough for the finding. */
	pr_task t = { .gid = l->gid, .site = l->holder_site };
	pr_finding f;
	if (pr_f_begin(&f, F_LOCK_ACROSS_AWAIT, &t,
		       "%s finished while still holding the %s taken here: "
		       "nothing can take it again", l->label, l->what)) {
		loc_taken(&f, l);
		note_awaits(&f, l);
		pr_f_note_site(&f, l->ret_site, "%s returned here with the lock still held",
			       l->label);
		if (l->holder_site)
			pr_f_note_site(&f, l->holder_site, "%s was spawned here", l->label);
		pr_f_end(&f);
	}
	l->pending_awaits = -1;
}

void pr_locks_at_exit(void)
{
	held_take();
	for (pr_lock *l = held; l; l = l->anext)
		if (!l->holder && l->pending_awaits >= 0)
			report_left(l);
	held_give();
}

/* --- the same-thread deadlock ------------------------------------------- */

/* A holder of lock on runtime p other than the task asking: a task of the
 * same runtime, suspended (or finished) while holding it.  The executor
 * runs one task at a time on one thread, so that task cannot run again
 * while this thread waits. */
static pr_lock *holder_of(const void *lock, const ax_rt *rt, const pr_task *me)
{
	pr_lock *found = NULL;
	held_take();
	for (pr_lock *l = held; l && !found; l = l->anext)
		if (l->lock == lock && !l->sem && l->rt == rt && l->holder != me)
			found = l;
	held_give();
	return found;
}

/* With workers side by side a task suspended holding a lock runs again on
 * another worker than the one waiting for it: no deadlock, but
 * contention, kept with the lock for its lock-across-await finding. */
static void note_waiter(const void *lock, const ax_rt *rt, pr_task *me, int worker, int of,
			uintptr_t at)
{
	pr_waiter *fresh = calloc(PR_MAX_WAITERS, sizeof *fresh);
	pr_waiter w = { .gid = me->gid, .worker = worker, .of = of, .at = at,
			.t0 = pr_mono_ns() };
	pr_task_label(me, w.label, sizeof w.label);
	held_take();
	for (pr_lock *l = held; l; l = l->anext) {
		if (l->lock != lock || l->sem || l->rt != rt || !l->holder || l->holder == me)
			continue;
		if (!l->waiters) {
			l->waiters = fresh;
			fresh = NULL;
		}
		if (l->waiters && l->nwaiters < PR_MAX_WAITERS)
			l->waiters[l->nwaiters] = w;
		if (l->waiters)
			l->nwaiters++;
		break;
	}
	held_give();
	free(fresh);
}

void pr_lock_waited(const void *lock)
{
	pr_task *me = pr_cur();
	if (!me || !pr_active)
		return;
	uint64_t now = pr_mono_ns();
	held_take();
	for (pr_lock *l = held; l; l = l->anext) {
		if (l->lock != lock || !l->waiters)
			continue;
		int n = l->nwaiters < PR_MAX_WAITERS ? l->nwaiters : PR_MAX_WAITERS;
		for (int i = 0; i < n; i++)
			if (l->waiters[i].gid == me->gid && !l->waiters[i].t1)
				l->waiters[i].t1 = now;
	}
	held_give();
}

static pr_lock *held_by_me(const void *lock, const pr_task *me)
{
	for (pr_lock *l = me->locks; l; l = l->next)
		if (l->lock == lock && !l->sem)
			return l;
	return NULL;
}

/* The program's own line of the blocked call: the caller of the
 * interposed function when that is the program, else the innermost frame
 * of the program on the stack (the call came through the runtime). */
static uintptr_t user_line(uintptr_t ret)
{
	if (pr_pc_is_user(ret - 1))
		return ret - 1;
	void *pcs[STACK_MAX];
	int n;
	uintptr_t pc = pr_user_caller(pcs, &n, STACK_MAX);
	return pc ? pc : ret - 1;
}

static void deadlock_on(pr_lock *l, pr_task *me, const char *what, uintptr_t at,
			int worker, int of)
{
	char me_lb[128], msg[900];
	pr_task_label(me, me_lb, sizeof me_lb);
	pr_task *h = l->holder;
	char h_lb[128];
	if (h)
		pr_task_label(h, h_lb, sizeof h_lb);
	else
		snprintf(h_lb, sizeof h_lb, "%s", l->label);
	if (h && worker)
		snprintf(msg, sizeof msg,
			 "deadlock: %s blocks worker %d of %d in %s waiting for the %s "
			 "that %s took here and holds across an await; the workers take "
			 "turns on the virtual clock and this one keeps its turn while it "
			 "waits, so %s can never run again to release it",
			 me_lb, worker, of, what, l->what, h_lb, h_lb);
	else if (h)
		snprintf(msg, sizeof msg,
			 "deadlock: %s blocks the executor thread in %s waiting for "
			 "the %s that %s took here and holds across an await; both "
			 "run on this thread, so %s can never run again to release it",
			 me_lb, what, l->what, h_lb, h_lb);
	else
		snprintf(msg, sizeof msg,
			 "deadlock: %s blocks the executor thread in %s waiting for "
			 "the %s that %s took here and never released (it finished "
			 "holding it): nothing can release it now",
			 me_lb, what, l->what, h_lb);
	pr_task stand_in = { .gid = l->gid, .site = l->holder_site };
	pr_finding f;
	if (pr_f_begin(&f, F_LOCK_ACROSS_AWAIT, h ? h : &stand_in, "%s", msg)) {
		loc_taken(&f, l);
		note_awaits(&f, l);
		if (!h)
			pr_f_note_site(&f, l->ret_site,
				       "%s returned here with the lock still held", h_lb);
		pr_f_note_pc(&f, at, "%s waits for the lock here", me_lb);
		if (h)
			pr_f_task_notes(&f, h);
		else if (l->holder_site)
			pr_f_note_site(&f, l->holder_site, "%s was spawned here", h_lb);
		pr_f_task_notes(&f, me);
		pr_f_end(&f);
	}
	l->pending_awaits = -1;
	snprintf(msg, sizeof msg, "%s waits for a lock that %s %s", me_lb, h_lb,
		 !h ? "left held when it finished"
		 : worker ? "holds, suspended while the workers take turns"
			  : "holds, suspended on the same thread");
	pr_end_run("deadlock", msg);
}

/* The task relocks a lock it already holds: the thread waits for itself. */
static void deadlock_self(pr_lock *l, pr_task *me, const char *what, uintptr_t at)
{
	char lb[128], msg[400];
	pr_task_label(me, lb, sizeof lb);
	snprintf(msg, sizeof msg,
		 "deadlock: %s calls %s for the %s it already holds: the executor "
		 "thread waits for itself", lb, what, l->what);
	pr_finding f;
	if (pr_f_begin(&f, F_BLOCKING_CALL, me, "%s", msg)) {
		pr_f_loc_pc(&f, at);
		if (l->site)
			pr_f_note_site(&f, l->site, "it took the lock here");
		else
			pr_f_note_pc(&f, l->pc, "it took the lock here");
		pr_f_task_notes(&f, me);
		pr_f_end(&f);
	}
	l->pending_awaits = -1;
	snprintf(msg, sizeof msg, "%s waits for a lock it holds itself", lb);
	pr_end_run("deadlock", msg);
}

/* A lock the thread itself owns outside any task (glibc records the
 * owner's thread id in a mutex, and in a rwlock the writer's). */
static void deadlock_thread(pr_task *me, const char *what, uintptr_t at)
{
	char lb[128], msg[400];
	pr_task_label(me, lb, sizeof lb);
	snprintf(msg, sizeof msg,
		 "deadlock: %s calls %s for a lock this thread already holds "
		 "(taken outside any task): the executor thread waits for itself",
		 lb, what);
	pr_finding f;
	if (pr_f_begin(&f, F_BLOCKING_CALL, me, "%s", msg)) {
		pr_f_loc_pc(&f, at);
		pr_f_task_notes(&f, me);
		pr_f_end(&f);
	}
	snprintf(msg, sizeof msg, "%s waits for a lock its own thread holds", lb);
	pr_end_run("deadlock", msg);
}

void pr_lock_contended(const void *lock, const char *what, uintptr_t ret,
		       int owner_tid, int waits)
{
	pr_task *me = pr_cur();
	if (!me || !pr_active || pr_tl_in_hook)
		return;
	if (pr_trace_on)
		pr_trace_lock_wait(lock);
	uintptr_t at = user_line(ret);
	const ax_rt *rt = ax_task_rt(me->t);
	int of = 1, turns = 0;
	int worker = ax_instrument_worker(rt, &of, &turns);
	/* Workers side by side: the holder can run on another worker. */
	bool side = worker > 0 && !turns;
	if (waits == PR_WAITS_FOREVER) {
		pr_lock *l = held_by_me(lock, me);
		if (l)
			deadlock_self(l, me, what, at);
		l = holder_of(lock, rt, me);
		if (l && (!side || !l->holder))
			deadlock_on(l, me, what, at, turns ? worker : 0, of);
		if (!l && owner_tid > 0 && owner_tid == (int)syscall(SYS_gettid))
			deadlock_thread(me, what, at);
	}
	if (side)
		note_waiter(lock, rt, me, worker, of, at);
	pr_report_blocking(what, ret);
}
