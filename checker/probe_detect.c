/* probe_detect.c - the checker's per-task detectors: lost wakers, busy
 * self-wakes, ignored cancellation, unbounded spawning, and the
 * blocking-call report used by the libc interposers (locks are in
 * probe_locks.c, futures and the end of a run in probe_futures.c).  Mechanisms and
 * thresholds are described in docs/checker.md. */
#define _GNU_SOURCE
#include "probe_detect.h"

#include <dlfcn.h>
#include <execinfo.h>
#include <stdio.h>
#include <string.h>

#define STACK_MAX 32

static void spin_lock(atomic_flag *l)
{
	while (atomic_flag_test_and_set_explicit(l, memory_order_acquire))
		;
}

static void spin_unlock(atomic_flag *l)
{
	atomic_flag_clear_explicit(l, memory_order_release);
}

/* The program's own frames of a stack, innermost first: drop the probe's
 * and the runtime's frames above the first frame of the program. */
static int user_stack(void **pcs, int n)
{
	int i = 0;
	while (i < n && !pr_pc_is_user((uintptr_t)pcs[i] - 1))
		i++;
	if (i == n)
		return n;
	memmove(pcs, pcs + i, (size_t)(n - i) * sizeof *pcs);
	return n - i;
}

/* --- code addresses already reported (one finding per call site) ------- */

#define SEEN_MAX 512
static uintptr_t seen_pc[SEEN_MAX];
static int seen_n;
static atomic_flag seen_lock = ATOMIC_FLAG_INIT;

bool pr_seen_before(int id, uintptr_t pc)
{
	uintptr_t key = pc ^ ((uintptr_t)id << 56);
	bool found = false;
	spin_lock(&seen_lock);
	for (int i = 0; i < seen_n; i++)
		if (seen_pc[i] == key)
			found = true;
	if (!found && seen_n < SEEN_MAX)
		seen_pc[seen_n++] = key;
	spin_unlock(&seen_lock);
	return found;
}

/* --- blocking calls ------------------------------------------------------ */

/* The labels of the tasks queued behind a worker (pr_worker_what). */
void pr_queued_add(void *ud, ax_task *t)
{
	pr_queued *q = ud;
	char lb[96];
	int w = snprintf(q->buf + q->len, sizeof q->buf - q->len, "%s%s", q->n ? ", " : "",
			 pr_task_label(pr_task_of(t), lb, sizeof lb));
	if (w > 0 && q->len + (size_t)w < sizeof q->buf)
		q->len += (size_t)w;
	q->n++;
}

void pr_worker_what(char *out, size_t n, int w, int of, int turns, const char *verb,
		    const char *all, long queued, const pr_queued *q)
{
	if (turns) {
		snprintf(out, n,
			 "worker %d of %d %s, and as the workers take turns on the "
			 "virtual clock %s", w, of, verb, all);
		return;
	}
	const char *others = of > 2 ? "the other workers go" : "the other worker goes";
	if (queued <= 0 || !q)
		snprintf(out, n, "worker %d of %d %s; %s on", w, of, verb, others);
	else
		snprintf(out, n, "worker %d of %d %s, and %ld task%s queued on it (%s%s) "
				 "with it; %s on", w, of, verb, queued, queued == 1 ? "" : "s", q->buf,
			 queued > (long)q->n ? ", ..." : "", others);
}

/* What the blocking call holds up: the executor's thread and every other
 * task; with workers side by side, only the worker's thread and the tasks
 * queued on it. */
static void blocked_what(char *out, size_t n)
{
	ax_rt *rt = ax_rt_current();
	int of = 1, turns = 0;
	int w = rt ? ax_instrument_worker(rt, &of, &turns) : 0;
	if (w == 0) {
		snprintf(out, n, "the executor thread waits here and every other task is delayed");
		return;
	}
	pr_queued q = { .len = 0, .n = 0 };
	q.buf[0] = '\0';
	size_t queued = turns ? 0 : ax_instrument_worker_queued(pr_queued_add, &q, 3);
	pr_worker_what(out, n, w, of, turns, "waits here", "every other task is delayed",
		       (long)queued, &q);
}

void pr_report_blocking(const char *what, uintptr_t ret)
{
	pr_task *pt = pr_cur();
	if (!pr_active || !pr_cfg.on[F_BLOCKING_CALL] || pr_tl_in_hook)
		return;
	pr_tl_in_hook = 1;
	void *pcs[STACK_MAX];
	int n = backtrace(pcs, STACK_MAX);
	uintptr_t pc = ret - 1;
	if (!pr_pc_is_user(pc)) {
		/* Called through a wrapper (a sanitizer's interceptor, the
		 * runtime): name the program's own line instead. */
		pc = 0;
		for (int i = 1; i < n && !pc; i++)
			if (pr_pc_is_user((uintptr_t)pcs[i] - 1))
				pc = (uintptr_t)pcs[i] - 1;
		if (!pc)
			pc = ret - 1;
	}
	if (!pr_seen_before(F_BLOCKING_CALL, pc)) {
		n = user_stack(pcs, n);
		char lb[128], held[512];
		blocked_what(held, sizeof held);
		pr_finding f;
		if (pr_f_begin(&f, F_BLOCKING_CALL, pt, "blocking call %s%s inside %s: %s", what,
			       strchr(what, '(') ? "" : "()", pr_task_label(pt, lb, sizeof lb),
			       held)) {
			pr_f_loc_pc(&f, pc);
			pr_f_stack(&f, pcs, n, 0);
			pr_f_task_notes(&f, pt);
			pr_f_end(&f);
		}
	}
	pr_tl_in_hook = 0;
}

/* --- spawn sites ------------------------------------------------------------ */

static pr_site **sites;
static size_t sites_cap, sites_n;
static atomic_flag sites_lock = ATOMIC_FLAG_INIT;

static size_t hash_ptr(const void *p, size_t cap)
{
	uint64_t x = (uint64_t)(uintptr_t)p * 0x9E3779B97F4A7C15ull;
	return (size_t)(x >> 20) & (cap - 1);
}

/* Called with sites_lock held. */
static pr_site *site_get(const ax_site *site)
{
	if (sites_n * 2 >= sites_cap) {
		size_t cap = sites_cap ? sites_cap * 2 : 256;
		pr_site **t = calloc(cap, sizeof *t);
		if (!t)
			return NULL;
		for (size_t i = 0; i < sites_cap; i++) {
			if (!sites[i])
				continue;
			size_t h = hash_ptr(sites[i]->site, cap);
			while (t[h])
				h = (h + 1) & (cap - 1);
			t[h] = sites[i];
		}
		free(sites);
		sites = t;
		sites_cap = cap;
	}
	size_t h = hash_ptr(site, sites_cap);
	while (sites[h]) {
		if (sites[h]->site == site)
			return sites[h];
		h = (h + 1) & (sites_cap - 1);
	}
	pr_site *s = calloc(1, sizeof *s);
	if (!s)
		return NULL;
	s->site = site;
	s->burst_poll = UINT64_MAX;
	sites[h] = s;
	sites_n++;
	return s;
}

static void report_spawn(pr_site *ss, pr_task *parent, uint32_t n, uint32_t peak,
			 bool burst)
{
	char lb[128];
	pr_finding f;
	bool ok = burst
		? pr_f_begin(&f, F_UNBOUNDED_SPAWN, parent,
			     "%u tasks spawned here within one poll of %s: nothing "
			     "bounds how many this loop starts", n,
			     pr_task_label(parent, lb, sizeof lb))
		: pr_f_begin(&f, F_UNBOUNDED_SPAWN, parent,
			     "%u tasks spawned here one after another (limit %u) and "
			     "the spawning task never waited for one of them (a permit "
			     "given back, a join, a result): nothing bounds how many "
			     "run at once; %u %s alive together at the most", n,
			     pr_cfg.spawn_limit, peak, peak == 1 ? "was" : "were");
	if (!ok)
		return;
	pr_f_loc_site(&f, ss->site);
	pr_f_task_notes(&f, parent);
	pr_f_end(&f);
}

/* The run of spawns at which the wake hook is wanted, so that a wake by
 * one of a site's tasks is seen before the run can reach the limit
 * (joins are hooked all along).  A bound that lets the run grow past
 * this before it waits for the first time is seen at its next wait. */
static uint32_t spawn_arm_run(void)
{
	uint32_t a = pr_cfg.spawn_limit / 4;
	return a > 64 ? 64 : a ? a : 1;
}

/* Unbounded spawning is decided from the order of events, not from how
 * many tasks happen to be alive: a site's run counts the tasks spawned
 * there since one of its tasks last woke, or gave its output to, a task
 * that spawns there (the spawner waiting on a permit its tasks give back,
 * on their join handles, or on their results).  A loop with such a wait
 * in it keeps its run short whatever the tasks' timing; one without
 * reaches the limit on every run, however fast its tasks end.  Spawns
 * within one poll are bounded by the burst limit as well. */
void pr_detect_spawn(pr_task *pt)
{
	if (!pt->site)
		return;
	pr_task *parent = pr_cur();
	spin_lock(&sites_lock);
	pr_site *ss = site_get(pt->site);
	if (!ss) {
		spin_unlock(&sites_lock);
		return;
	}
	pt->ssite = ss;
	atomic_store_explicit(&ss->spawner, parent ? parent->gid : 0, memory_order_relaxed);
	uint32_t live = ++ss->live;
	if (live > ss->peak)
		ss->peak = live;
	uint32_t run = atomic_load_explicit(&ss->run, memory_order_relaxed) + 1;
	atomic_store_explicit(&ss->run, run, memory_order_relaxed);
	uint32_t burst = 0;
	ax_task *cur = pr_tl_cur;
	if (cur) {
		/* The poll this spawn is made in: its runtime and poll count. */
		const ax_rt *rt = ax_task_rt(cur);
		uint64_t poll = ax_rt_polls(rt);
		if (ss->burst_poll != poll || ss->burst_rt != rt) {
			ss->burst_poll = poll;
			ss->burst_rt = rt;
			ss->burst = 0;
		}
		burst = ++ss->burst;
	}
	bool burst_over = !ss->reported && burst > pr_cfg.spawn_burst;
	bool over = !ss->reported && !burst_over && run > pr_cfg.spawn_limit;
	if (over || burst_over)
		ss->reported = true;
	uint32_t peak = ss->peak;
	spin_unlock(&sites_lock);
	if (run == spawn_arm_run())
		pr_want_other_wakes();
	if (burst_over)
		report_spawn(ss, parent, burst, peak, true);
	else if (over)
		report_spawn(ss, parent, run, peak, false);
}

void pr_detect_spawn_feedback(const pr_task *child, const pr_task *other)
{
	pr_site *ss = child ? child->ssite : NULL;
	if (ss && other &&
	    atomic_load_explicit(&ss->spawner, memory_order_relaxed) == other->gid &&
	    atomic_load_explicit(&ss->run, memory_order_relaxed))
		atomic_store_explicit(&ss->run, 0, memory_order_relaxed);
}

/* A bound kept with a semaphore: the spawner takes a permit before each
 * spawn and the site's tasks give it back.  Once one of them gave back a
 * permit of a semaphore, the spawner taking a permit of it is a wait for
 * them, whether or not it had to wait: the semaphore bounds the loop
 * however fast the tasks end (a bound that is never reached wakes no one,
 * and a rule on wakes alone counted its spawns as unbounded).  A
 * semaphore made with the limit's worth of permits or more is no bound. */
#define SEM_SITES 256
static pr_site *_Atomic sem_sites[SEM_SITES]; /* by semaphore address */

static pr_site *_Atomic *sem_slot(const void *sem)
{
	uintptr_t h = (uintptr_t)sem;
	h ^= h >> 17;
	h *= 0x9e3779b97f4a7c15u;
	return &sem_sites[(h >> 56) % SEM_SITES];
}

void pr_detect_spawn_permit(pr_task *pt, const void *sem, size_t permits, bool acquire)
{
	pr_site *_Atomic *slot = sem_slot(sem);
	if (!acquire) {
		pr_site *ss = pt->ssite;
		if (!ss)
			return;
		if (atomic_load_explicit(&ss->sem, memory_order_relaxed) != sem)
			atomic_store_explicit(&ss->sem, sem, memory_order_relaxed);
		if (atomic_load_explicit(slot, memory_order_relaxed) != ss)
			atomic_store_explicit(slot, ss, memory_order_relaxed);
		return;
	}
	/* The site whose tasks last gave back a permit of a semaphore at this
	 * slot, if that semaphore is this one and this task spawns there. */
	pr_site *ss = atomic_load_explicit(slot, memory_order_relaxed);
	if (ss && permits < pr_cfg.spawn_limit &&
	    atomic_load_explicit(&ss->sem, memory_order_relaxed) == sem &&
	    atomic_load_explicit(&ss->spawner, memory_order_relaxed) == pt->gid &&
	    atomic_load_explicit(&ss->run, memory_order_relaxed))
		atomic_store_explicit(&ss->run, 0, memory_order_relaxed);
}

/* --- poll results -------------------------------------------------------- */

static void report_task(int id, pr_task *pt, const ax_site *where,
			uintptr_t pc, const char *msg)
{
	pr_finding f;
	char lb[128];
	if (!pr_f_begin(&f, id, pt, "%s %s", pr_task_label(pt, lb, sizeof lb), msg))
		return;
	if (pc)
		pr_f_loc_pc(&f, pc);
	else
		pr_f_loc_site(&f, where ? where : pt->site);
	if (pc && where)
		pr_f_note_site(&f, where, "it is awaiting here");
	pr_f_task_notes(&f, pt);
	pr_f_end(&f);
}

/* The armed task woke itself again: remember the line that does it. */
void pr_detect_self_wake(pr_task *pt)
{
	if (pt && !pt->busy_pc && !(pt->flags & PT_REP_BUSY)) {
		void *pcs[STACK_MAX];
		int n;
		pt->busy_pc = pr_user_caller(pcs, &n, STACK_MAX);
	}
}

/* FNV-1a over n bytes, continuing from h. */
static uint32_t hash_bytes(uint32_t h, const void *p, size_t n)
{
	const unsigned char *b = p;
	for (size_t i = 0; i < n; i++)
		h = (h ^ b[i]) * 16777619u;
	return h;
}

/* A hash of what the task has of its own while suspended at a yield:
 * every async-function frame from its future down to the yield (each
 * one's fields after the frame header, and the await it is suspended
 * at).  0 when the innermost future is not a yield or a future that is
 * not a frame (a combinator) sits on the way. */
static uint32_t yield_state(ax_task *t)
{
	const ax_future *f = pr_task_future(t);
	uint32_t h = 2166136261u;
	for (int depth = 0; f && depth < 64; depth++) {
		if (!(f->vt->flags & AX_VT_FRAME))
			return f->vt->name && !strcmp(f->vt->name, "yield_now") ? h | 1 : 0;
		const ax_frame *fr = (const ax_frame *)(const void *)f;
		h = hash_bytes(h, &fr->await_site, sizeof fr->await_site);
		if (f->vt->size > sizeof *fr)
			h = hash_bytes(h, (const char *)fr + sizeof *fr,
				       f->vt->size - sizeof *fr);
		f = fr->child;
	}
	return 0;
}

/* A task that yields again and again at the same await while nothing of
 * its own changes (its frames' fields, the await it is at) waits for
 * something by spinning: the same as waking itself.  Called every
 * PR_YIELD_SAMPLE self-woken polls in a row that started a future; a
 * frame that changed since the last sample (a loop counter, a sum) is a
 * computation that yields to be fair, not a spin, and starts the count
 * again. */
void pr_detect_yield_spin(pr_task *pt)
{
	if (pt->flags & PT_REP_BUSY)
		return;
	uint32_t h = yield_state(pt->t);
	if (h == 0 || h != pt->yield_hash) {
		pt->yield_hash = h;
		pt->yield_run = 0;
		return;
	}
	/* The count is 16 bits: a threshold above it counts to its top. */
	uint32_t need = pr_cfg.busy_wakes < 65520 ? pr_cfg.busy_wakes : 65520;
	if (pt->yield_run < need)
		return;
	pt->flags |= PT_REP_BUSY;
	char msg[240];
	snprintf(msg, sizeof msg,
		 "yielded at the same await in each of its last %u polls while "
		 "nothing of its own changed: it spins on ax_yield instead of "
		 "waiting to be woken (a notify, a channel, a waker)",
		 (unsigned)pt->yield_run);
	report_task(F_BUSY_WAKE, pt, ax_task_await_site(pt->t), 0, msg);
}

void pr_detect_pending(pr_task *pt, bool self_woke)
{
	if (!self_woke && pr_wakers_held(pt->t) <= 0 &&
	    !(pt->flags & (PT_REP_LOST | PT_ABORT_REQ))) {
		pt->flags |= PT_REP_LOST | PT_EXPLAINED;
		report_task(F_LOST_WAKER, pt, ax_task_await_site(pt->t), 0,
			    "returned PENDING but no waker for it is held anywhere: "
			    "nothing can ever wake it again");
	}
	if (self_woke && !pr_tl_progress) {
		if (pt->self_run + 2 >= pr_cfg.busy_wakes && !(pt->flags & PT_REP_BUSY)) {
			pr_tl_arm_busy = pt->t;
			pr_want_wakes(pt->t);
		}
		if (++pt->self_run >= pr_cfg.busy_wakes && !(pt->flags & PT_REP_BUSY)) {
			pt->flags |= PT_REP_BUSY;
			char msg[200];
			snprintf(msg, sizeof msg,
				 "woke itself in each of its last %u polls without "
				 "making progress: it spins instead of waiting",
				 pt->self_run);
			report_task(F_BUSY_WAKE, pt, ax_task_await_site(pt->t),
				    pt->busy_pc, msg);
		}
	} else if (pt->self_run) {
		pt->self_run = 0;
		pt->busy_pc = 0;
		if (pr_tl_arm_busy == pt->t)
			pr_tl_arm_busy = NULL;
	}
	if ((pt->flags & PT_CANCEL_SEEN) && !(pt->flags & PT_REP_CANCEL) &&
	    ++pt->cancel_polls >= pr_cfg.cancel_polls) {
		pt->flags |= PT_REP_CANCEL;
		char msg[200];
		snprintf(msg, sizeof msg,
			 "was cancelled but kept running for %u more polls: it "
			 "does not stop when its token is cancelled", pt->cancel_polls);
		report_task(F_IGNORED_CANCEL, pt, ax_task_await_site(pt->t), 0, msg);
	}
	if (pt->locks)
		pr_locks_pending(pt);
}

void pr_detect_exit(pr_task *pt)
{
	pr_locks_exit(pt, true);
	if (pt->ssite && !(pt->flags & PT_SITE_OUT)) {
		spin_lock(&sites_lock);
		pt->ssite->live--;
		spin_unlock(&sites_lock);
		pt->flags |= PT_SITE_OUT;
	}
}

void pr_detect_free(pr_task *pt)
{
	pr_locks_exit(pt, false);
}

/* --- cancellation ---------------------------------------------------------- */

static void add_token(pr_task *pt, const void *tok)
{
	for (int i = 0; i < PR_MAX_TOKENS; i++) {
		if (pt->tokens[i] == tok)
			return;
		if (!pt->tokens[i]) {
			pt->tokens[i] = tok;
			return;
		}
	}
}

static void cancel_seen(pr_task *pt)
{
	if (!(pt->flags & (PT_CANCEL_SEEN | PT_EXITED))) {
		pt->flags |= PT_CANCEL_SEEN;
		pt->cancel_polls = 0;
	}
}

static void token_cancelled(pr_task *pt, void *ud)
{
	const void *tok = *(const void **)ud;
	for (int i = 0; i < PR_MAX_TOKENS; i++)
		if (pt->tokens[i] == tok)
			cancel_seen(pt);
}

void pr_detect_cancel(ax_cancel_ev ev, const void *obj, ax_task *t, bool arg)
{
	pr_task *pt = t ? pr_task_of(t) : pr_cur();
	switch (ev) {
	case AX_CANCEL_TOKEN:
		if (pr_tl_rt)
			pr_each_task(pr_tl_rt, token_cancelled, &obj);
		break;
	case AX_CANCEL_CHECK:
	case AX_CANCEL_WAIT:
		if (!pt)
			break;
		add_token(pt, obj);
		if (arg)
			cancel_seen(pt);
		break;
	case AX_CANCEL_ABORT:
		if (pt)
			pt->flags |= PT_ABORT_REQ;
		break;
	}
}
