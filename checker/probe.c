/* probe.c - the in-process half of the checker: a constructor that, when
 * ASYNCLAB_PROBE_FD is set, installs the runtime's hook table, keeps
 * per-task state in a side table indexed by task id, and writes the event
 * stream (tasks, exits, timeline spans, stats).  The hot hook (poll end)
 * takes no lock, reads no clock and allocates nothing; the start of a poll
 * is not hooked at all on the real clock (the runtime publishes its running
 * task for the watchdog), nor are wakes and waker clones and drops (see
 * pr_wakers_held).
 * Detectors live in probe_detect.c. */
#define _GNU_SOURCE
#include "probe.h"
#include "probe_detect.h"

#include <execinfo.h>
#include <fcntl.h>
#include <stddef.h>
#include <link.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int pr_active;
/* Stands for a thread not registered (yet). */
pr_thread pr_no_thread;
PR_TLS pr_tls_t pr_tls = { .thread = &pr_no_thread };

pr_rt *_Atomic pr_rts[PR_MAX_RTS];
static atomic_flag rts_lock = ATOMIC_FLAG_INIT;

void pr_rts_lock(void)
{
	while (atomic_flag_test_and_set_explicit(&rts_lock, memory_order_acquire))
		;
}

void pr_rts_unlock(void)
{
	atomic_flag_clear_explicit(&rts_lock, memory_order_release);
}
static _Atomic uint64_t next_gid;
static _Atomic uint64_t spans_out, spans_dropped, tasks_out, tasks_dropped;
static _Atomic int64_t live_now, live_peak;
static uint64_t stat_spawned, stat_polls, stat_vns, start_ns;
int pr_clock_virtual;

/* --- runtimes and tasks ------------------------------------------------ */

_Static_assert(offsetof(pr_task, locks) + sizeof(void *) <= 64 &&
		       sizeof(pr_task) % 64 == 0,
	       "the hot fields of a task's state fill one cache line");

static pr_rt *find_rt(const ax_rt *rt)
{
	for (int i = 0; i < PR_MAX_RTS; i++) {
		pr_rt *p = atomic_load_explicit(&pr_rts[i], memory_order_acquire);
		if (p && p->rt == rt)
			return p;
	}
	return NULL;
}

static inline pr_rt *rt_of(const ax_task *t)
{
	ax_rt *rt = ax_task_rt(t);
	pr_rt *p = pr_tl_rt;
	if (__builtin_expect(p != NULL && p->rt == rt, 1))
		return p;
	return find_rt(rt);
}

/* A tracked task's state is its hook word (set in h_spawn). */
pr_task *pr_task_of(ax_task *t)
{
	return ax_task_hook_data(t);
}

/* Visit every tracked task of runtime p. */
void pr_each_task(pr_rt *p, void (*fn)(pr_task *pt, void *ud), void *ud)
{
	for (size_t i = 0; i < PR_NPAGES; i++) {
		pr_page *pg = atomic_load(&p->pages[i]);
		if (!pg)
			continue;
		for (size_t j = 0; j < PR_PAGE; j++)
			if (pg->slot[j].gid)
				fn(&pg->slot[j], ud);
	}
}

static inline uint64_t now_of(const pr_rt *p)
{
	if (p && p->virt)
		return ax_now();
	return atomic_load_explicit(&pr_coarse_ns, memory_order_relaxed);
}

uint64_t pr_now(void)
{
	return now_of(pr_tl_rt);
}

/* --- events ------------------------------------------------------------ */

static void emit_buf(pr_buf *b)
{
	pr_emit_line(b->p, b->len);
	pr_buf_free(b);
}

static void emit_span(const pr_task *pt, const char *kind, uint64_t t0,
		      uint64_t t1, uint64_t real_ns)
{
	if (atomic_fetch_add(&spans_out, 1) >= pr_cfg.max_spans) {
		atomic_fetch_add(&spans_dropped, 1);
		return;
	}
	char line[256];
	int n = snprintf(line, sizeof line,
			 "{\"ev\":\"span\",\"task\":%llu,\"kind\":\"%s\",\"t0\":%llu,"
			 "\"t1\":%llu,\"real_ns\":%llu}",
			 (unsigned long long)pt->gid, kind, (unsigned long long)t0,
			 (unsigned long long)t1, (unsigned long long)real_ns);
	pr_emit_line(line, (size_t)n);
}

void pr_span_lock(const pr_task *pt, uint64_t t0, uint64_t t1)
{
	emit_span(pt, "lock", t0, t1, 0);
}

static void span_close(pr_task *pt)
{
	if (pt->flags & PT_SPAN_OPEN) {
		pt->flags &= ~PT_SPAN_OPEN;
		emit_span(pt, "poll", pt->span_t0, pt->span_t1, 0);
		pt->span_tick = ~(uint64_t)0;
	}
}

void pr_stall_span(uint64_t t0, uint64_t t1, uint64_t real_ns)
{
	ax_task *t = pr_tl_cur;
	pr_task *pt = t ? pr_task_of(t) : NULL;
	if (!pt || !pr_active)
		return;
	emit_span(pt, "stall", t0, t1, real_ns);
	/* The poll's own span starts no later than its first stall. */
	uint64_t polls = ax_rt_polls(ax_task_rt(t));
	if (pr_tls.stall_polls != polls) {
		pr_tls.stall_polls = polls;
		pr_tls.stall_t0 = t0;
	}
	/* A later poll's span, which reads the coarse clock, then ends no
	 * earlier (the virtual clock is exact already). */
	if (!ax_clock_is_virtual())
		pr_coarse_advance(t1);
	if (pr_trace_on)
		pr_trace_stall(t1);
}

static void emit_task(const pr_task *pt, const char *fut, const pr_task *parent)
{
	if (atomic_fetch_add(&tasks_out, 1) >= pr_cfg.max_tasks) {
		atomic_fetch_add(&tasks_dropped, 1);
		return;
	}
	pr_buf b = { 0 };
	pr_bprintf(&b, "{\"ev\":\"task\",\"id\":%llu,\"name\":", (unsigned long long)pt->gid);
	pr_bstr(&b, (pt->flags & PT_NAMED) ? pt->name : NULL);
	pr_bputs(&b, ",\"future\":");
	pr_bstr(&b, fut);
	pr_bprintf(&b, ",\"parent\":%llu,\"file\":",
		   (unsigned long long)(parent ? parent->gid : 0));
	pr_bstr(&b, pt->site ? pt->site->file : NULL);
	pr_bputs(&b, ",\"func\":");
	pr_bstr(&b, pt->site ? pt->site->func : NULL);
	pr_bprintf(&b, ",\"line\":%d,\"t\":%llu}", pt->site ? pt->site->line : 0,
		   (unsigned long long)pr_now());
	emit_buf(&b);
}

/* --- hooks ---------------------------------------------------------------- */

static void h_rt_start(void *ud, ax_rt *rt)
{
	pr_rt *p = calloc(1, sizeof *p);
	if (!p)
		return;
	p->rt = rt;
	p->virt = ax_clock_is_virtual();
	/* The watchdog's starting point: no poll yet, and the CPU time this
	 * thread used before (program start-up) belongs to none. */
	atomic_store(&p->tid, (int)gettid());
	struct timespec cts;
	if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &cts) == 0)
		p->w.last_cpu_ns = (uint64_t)cts.tv_sec * 1000000000u + (uint64_t)cts.tv_nsec;
	p->w.seen_idle = true;
	pr_crash_mods_refresh();
	pr_rts_lock();
	int slot = -1;
	for (int i = 0; i < PR_MAX_RTS; i++) {
		pr_rt *o = atomic_load(&pr_rts[i]);
		if (o && o->rt == rt) {
			/* A freed runtime's address came back: forget the old one. */
			atomic_store(&pr_rts[i], NULL);
			o->rt = NULL;
		}
		if (slot < 0 && (!o || o->rt == NULL))
			slot = i;
	}
	if (slot >= 0)
		atomic_store(&pr_rts[slot], p);
	pr_rts_unlock();
	if (slot < 0) {
		free(p);
		return;
	}
	pr_tl_rt = p;
	atomic_store(&p->tid, (int)gettid());
	if (pr_tl_thread == &pr_no_thread) {
		pr_thread *th = pr_thread_register();
		if (th)
			pr_tl_thread = th;
	}
	/* The clock this runtime's times are on (the program may choose
	 * another than ASYNCLAB_CLOCK). */
	char line[96];
	int n = snprintf(line, sizeof line, "{\"ev\":\"rt\",\"clock\":\"%s\",\"t\":%llu}",
			 p->virt ? "virtual" : "real", (unsigned long long)now_of(p));
	pr_emit_line(line, (size_t)n);
	(void)ud;
}

static void h_spawn(void *ud, ax_task *t, ax_task *parent, const char *fut,
		    const ax_site *site)
{
	pr_rt *p = rt_of(t);
	uint64_t id = ax_task_id(t);
	if (!p || id >> PR_PAGE_BITS >= PR_NPAGES)
		return;
	size_t pi = id >> PR_PAGE_BITS;
	pr_page *pg = atomic_load(&p->pages[pi]);
	if (!pg) {
		/* Aligned so that each task's hot fields share one line. */
		pg = aligned_alloc(64, sizeof *pg);
		if (!pg)
			return;
		memset(pg, 0, sizeof *pg);
		atomic_store_explicit(&p->pages[pi], pg, memory_order_release);
	}
	pg->used++;
	pr_task *pt = &pg->slot[id & (PR_PAGE - 1)];
	memset(pt, 0, sizeof *pt);
	pt->span_tick = ~(uint64_t)0;
	pt->gid = atomic_fetch_add(&next_gid, 1) + 1;
	pt->site = site;
	pt->name = ax_task_name(t);
	if (pt->name)
		pt->flags |= PT_NAMED;
	else
		pt->name = fut;
	pt->t = t;
	ax_task_set_hook_data(t, pt);
	int64_t live = atomic_fetch_add(&live_now, 1) + 1;
	if (live > atomic_load(&live_peak))
		atomic_store(&live_peak, live);
	emit_task(pt, fut, pr_task_of(parent));
	pr_detect_spawn(pt);
	(void)ud;
}

/* A runtime driven from another thread than the one that created it. */
static void thread_attach(ax_task *t)
{
	pr_tl_rt = find_rt(ax_task_rt(t));
	if (pr_tl_rt)
		atomic_store(&pr_tl_rt->tid, (int)gettid());
	if (pr_tl_thread == &pr_no_thread) {
		pr_thread *th = pr_thread_register();
		if (th)
			pr_tl_thread = th;
	}
}

/* Under the virtual clock, time moves inside a poll only when the probe
 * advances it for an intercepted blocking sleep, and a span must start
 * where the poll did: this hook is installed then only. */
static void h_poll_begin_virtual(void *ud, ax_task *t)
{
	pr_tls.poll_t0 = ax_now();
	pr_tls.poll_t0_polls = ax_rt_polls(ax_task_rt(t));
	(void)ud;
}

/* When this poll of pt began, as near as the probe knows without a hook
 * at its start: the virtual clock then; else the watchdog's first sight
 * of it running, for a poll that outlasted a tick of the coarse clock;
 * else now, which is the same tick. */
static uint64_t poll_start(const pr_rt *p, const ax_task *t, uint64_t now)
{
	uint64_t polls = ax_rt_polls(ax_task_rt(t));
	if (pr_tls.poll_t0_polls == polls && pr_tls.poll_t0 <= now)
		return pr_tls.poll_t0;
	uint64_t t0 = now;
	if (pr_tls.stall_polls == polls && pr_tls.stall_t0 < t0)
		t0 = pr_tls.stall_t0;
	if (p && !p->virt &&
	    atomic_load_explicit(&p->run_polls, memory_order_acquire) == polls) {
		uint64_t seen = atomic_load_explicit(&p->run_t0, memory_order_relaxed);
		if (seen < t0)
			t0 = seen;
	}
	return t0;
}

/* A new timeline span starts with this poll; the previous one, if any,
 * is written out. */
static void span_start(pr_task *pt, uint64_t t0)
{
	span_close(pt);
	pt->flags |= PT_SPAN_OPEN;
	pt->span_t0 = t0;
}

/* The per-poll checks of a PENDING poll that need the detectors' work:
 * a lock held, a cancellation seen, a run of self-wakes to count or end,
 * a self-wake without progress, no waker held. */
static __attribute__((noinline)) void pending_checks(pr_task *pt, bool self_woke,
						     uint32_t first_polls)
{
	pr_tls.progress = first_polls != 0;
	pr_detect_pending(pt, self_woke);
}

/* The per-poll checks.  A wake of the task during its own poll leaves it
 * queued (ax_task_is_queued), and on its executor's thread only the task itself runs then,
 * so that is a self-wake; a wake from another thread that is not handled
 * yet holds a reference and so counts among the wakers held.  A poll made
 * progress when a future had its first poll in it.  Most polls need none
 * of the detectors' work. */
static inline void poll_checks(pr_task *pt, ax_task *t, ax_poll_t r,
			       uint32_t first_polls)
{
	if (r != AX_PENDING)
		return;
	bool self_woke = ax_task_is_queued(t);
	if (pt->locks || (pt->flags & PT_CANCEL_SEEN) || pt->self_run ||
	    (self_woke ? first_polls == 0 : pr_wakers_held(t) <= 0))
		pending_checks(pt, self_woke, first_polls);
	/* A self-wake that started a future (a yield, typically) is progress
	 * for the count above; a run of them is sampled for a spin on
	 * ax_yield in which nothing changes. */
	if (self_woke && first_polls != 0) {
		if (__builtin_expect(++pt->yield_run % PR_YIELD_SAMPLE == 0, 0))
			pr_detect_yield_spin(pt);
	} else if (pt->yield_run) {
		pt->yield_run = 0;
	}
}

/* poll_end for every case the fast path leaves out: the thread not yet
 * attached, a span to start or extend, the virtual clock. */
static __attribute__((noinline)) void poll_end_slow(pr_task *pt, ax_task *t,
						    ax_poll_t r, uint32_t first_polls)
{
	if (!pr_tl_rt)
		thread_attach(t);
	pr_rt *p = rt_of(t);
	uint64_t now = now_of(p);
	if (!(pt->flags & PT_SPAN_OPEN) || now - pt->span_t1 > 1000000) {
		uint64_t t0 = poll_start(p, t, now);
		if (!(pt->flags & PT_SPAN_OPEN) || t0 - pt->span_t1 > 1000000)
			span_start(pt, t0);
	}
	pt->span_t1 = now;
	/* A daemon is marked after its spawn (ax_task_daemon on the handle),
	 * so its mark is written at a poll: the report then knows, if the
	 * run is stopped at the time limit, that this task was meant to be
	 * still pending. */
	if (__builtin_expect(ax_task_is_daemon(t), 0) &&
	    !(pt->flags & PT_DAEMON_OUT)) {
		pt->flags |= PT_DAEMON_OUT;
		char line[64];
		int n = snprintf(line, sizeof line, "{\"ev\":\"daemon\",\"id\":%llu}",
				 (unsigned long long)pt->gid);
		pr_emit_line(line, (size_t)n);
	}
	/* On the real clock the next poll in this tick of the coarse clock
	 * has nothing to do for the span. */
	pt->span_tick = p && !p->virt ? now : ~(uint64_t)0;
	poll_checks(pt, t, r, first_polls);
}

/* poll_end.  The common case: a tracked task (its state is its hook
 * word) whose span was already extended in this tick of the coarse clock
 * (which moves every few milliseconds), so the span needs no store and
 * only the per-poll checks remain. */
static void h_poll_end(void *ud, ax_task *t, ax_poll_t r, uint32_t first_polls)
{
	pr_task *pt = ax_task_hook_data(t);
	if (__builtin_expect(pt == NULL, 0))
		return;
	if (__builtin_expect(pt->span_tick != atomic_load_explicit(
						       &pr_coarse_ns, memory_order_relaxed),
			     0))
		return poll_end_slow(pt, t, r, first_polls);
	poll_checks(pt, t, r, first_polls);
	(void)ud;
}

/* poll_end once the busy-wake detector is armed: also notes the
 * runtime's first-poll count, which is the count at the start of the
 * next poll on this thread (every poll is hooked), so that a self-wake
 * can tell whether its poll got anywhere before it. */
static void h_poll_end_armed(void *ud, ax_task *t, ax_poll_t r, uint32_t first_polls)
{
	pr_tls.fp_last = ax_rt_first_polls(ax_task_rt(t));
	h_poll_end(ud, t, r, first_polls);
}

/* Installed only once the busy-wake detector is armed on some thread:
 * the armed task's next self-wake records the line that does it. */
static void h_wake(void *ud, ax_task *target, ax_task *by, bool self_wake)
{
	(void)ud;
	if (__builtin_expect(pr_tl_arm_busy == target, 0) && self_wake &&
	    target == by && ax_rt_first_polls(ax_task_rt(target)) == pr_tls.fp_last)
		pr_detect_self_wake(pr_task_of(target));
}

/* Installed once tasks pile up at a spawn site: a task that spawns tasks
 * woken by one of the tasks it spawned is the unbounded-spawn rule's sign
 * of a bound. */
static void h_wake_other(void *ud, ax_task *target, ax_task *by)
{
	(void)ud;
	pr_detect_spawn_feedback(pr_task_of(by), pr_task_of(target));
}

/* A task took the output of finished task t. */
static void h_join(void *ud, ax_task *t, ax_task *by)
{
	(void)ud;
	if (by)
		pr_detect_spawn_feedback(pr_task_of(t), pr_task_of(by));
}

/* A permit of a semaphore taken or given back by the task polling. */
static void h_sem(void *ud, const void *s, size_t permits, bool acquire)
{
	(void)ud;
	pr_task *pt = pr_cur();
	if (pt)
		pr_detect_spawn_permit(pt, s, permits, acquire);
}

static void h_task_exit(void *ud, ax_task *t, bool aborted)
{
	pr_task *pt = pr_task_of(t);
	if (!pt)
		return;
	pt->flags |= PT_EXITED;
	pr_detect_exit(pt);
	span_close(pt);
	char line[160];
	int n = snprintf(line, sizeof line,
			 "{\"ev\":\"exit\",\"id\":%llu,\"aborted\":%s,\"t\":%llu}",
			 (unsigned long long)pt->gid, aborted ? "true" : "false",
			 (unsigned long long)pr_now());
	pr_emit_line(line, (size_t)n);
	atomic_fetch_sub(&live_now, 1);
	(void)ud;
}

static void h_task_free(void *ud, ax_task *t)
{
	pr_rt *p = rt_of(t);
	pr_task *pt = pr_task_of(t);
	if (!p || !pt)
		return;
	if (!(pt->flags & PT_EXITED)) {
		pr_detect_exit(pt);
		atomic_fetch_sub(&live_now, 1);
	}
	pr_detect_free(pt);
	ax_task_set_hook_data(t, NULL);
	pt->gid = 0;
	pt->t = NULL;
	size_t pi = ax_task_id(t) >> PR_PAGE_BITS;
	pr_page *pg = atomic_load(&p->pages[pi]);
	if (++pg->freed == PR_PAGE) {
		atomic_store(&p->pages[pi], NULL);
		free(pg);
	}
	(void)ud;
}

static void h_lock(void *ud, const void *lock, ax_lock_kind kind, bool acquire,
		   const ax_site *site)
{
	if (kind == AX_LOCK_BLOCKING)
		pr_lock_event(pr_cur(), lock, acquire, site, 0, "blocking lock");
	(void)ud;
}

static void h_future_first_poll(void *ud, ax_future *f)
{
	pr_detect_future_polled(f);
	(void)ud;
}

static void h_deadlock(void *ud, ax_rt *rt)
{
	pr_rt *p = find_rt(rt);
	if (p)
		pr_detect_deadlock(p);
	char line[64];
	int n = snprintf(line, sizeof line, "{\"ev\":\"deadlock\",\"t\":%llu}",
			 (unsigned long long)now_of(p));
	pr_emit_line(line, (size_t)n);
	(void)ud;
}

/* Fold a runtime's figures into the run's. */
static void add_stats(pr_rt *p)
{
	ax_rt_stats st;
	ax_rt_stats_get(p->rt, &st);
	stat_spawned += st.spawned;
	stat_polls += st.polls;
	if (p->virt)
		stat_vns += st.now_ns;
}

static void h_rt_stop(void *ud, ax_rt *rt)
{
	pr_rt *p = find_rt(rt);
	if (!p || p->stopped)
		return;
	pr_detect_census(p);
	/* The runtime is freed next: the watchdog must not read it. */
	pr_rts_lock();
	p->stopped = 1;
	pr_rts_unlock();
	add_stats(p);
	pr_flush();
	(void)ud;
}

static void h_cancel(void *ud, ax_cancel_ev ev, const void *obj, ax_task *t, bool arg)
{
	pr_detect_cancel(ev, obj, t, arg);
	(void)ud;
}

#define HOOKS_COMMON                                   \
	.rt_start = h_rt_start,                        \
	.rt_stop = h_rt_stop,                          \
	.spawn = h_spawn,                              \
	.task_exit = h_task_exit,                      \
	.task_free = h_task_free,                      \
	.lock = h_lock,                                \
	.future_create = pr_h_future_create,           \
	.future_first_poll = h_future_first_poll,      \
	.future_moved = pr_h_future_moved,             \
	.future_drop = pr_h_future_drop,               \
	.cancel = h_cancel,                            \
	.deadlock = h_deadlock,                        \
	.join = h_join,                                \
	.sem = h_sem

/* Without the wake hooks a wake costs the runtime one test more.  On the
 * virtual clock a poll's start is hooked too (h_poll_begin_virtual).
 * The wake hooks come in two steps, each table adding to the one before:
 * wakes by other tasks once a spawn site has a run of spawns to watch
 * (h_wake_other), then every wake and the first-poll count once the
 * busy-wake detector arms (h_wake, h_poll_end_armed). */
static const ax_hooks hooks = { HOOKS_COMMON, .poll_end = h_poll_end };
static const ax_hooks hooks_others = { HOOKS_COMMON, .poll_end = h_poll_end,
				       .wake_other = h_wake_other };
static const ax_hooks hooks_wakes = { HOOKS_COMMON, .poll_end = h_poll_end_armed,
				      .wake = h_wake, .wake_other = h_wake_other };
static const ax_hooks hooks_virtual = { HOOKS_COMMON, .poll_end = h_poll_end,
					.poll_begin = h_poll_begin_virtual };
static const ax_hooks hooks_virtual_others = { HOOKS_COMMON, .poll_end = h_poll_end,
					       .poll_begin = h_poll_begin_virtual,
					       .wake_other = h_wake_other };
static const ax_hooks hooks_virtual_wakes = { HOOKS_COMMON,
					      .poll_end = h_poll_end_armed,
					      .poll_begin = h_poll_begin_virtual,
					      .wake = h_wake, .wake_other = h_wake_other };
/* The wake hooks installed: 0 none, 1 wake_other, 2 both; raised and
 * installed under a spin lock (a pthread lock here would be one of the
 * program's own, to the interposers), so that tables go up in order. */
static atomic_int wakes_level;
static atomic_flag wakes_lock = ATOMIC_FLAG_INIT;

/* The tables stay valid for good, so a thread that read the old pointer
 * may still call through it.  The switch is one way: a program that armed
 * the busy-wake detector once keeps paying for its wake hook.  The armed
 * poll_end keeps the first-poll count; this poll's end, under the old
 * table, is the caller.  The trace's table has both wake hooks already. */
static void want_level(int level)
{
	if (!pr_active || pr_trace_on)
		return;
	if (atomic_load_explicit(&wakes_level, memory_order_relaxed) >= level)
		return;
	while (atomic_flag_test_and_set_explicit(&wakes_lock, memory_order_acquire))
		;
	if (atomic_load_explicit(&wakes_level, memory_order_relaxed) < level) {
		atomic_store_explicit(&wakes_level, level, memory_order_relaxed);
		ax_hooks_install(level == 2 ? (pr_clock_virtual ? &hooks_virtual_wakes : &hooks_wakes)
					    : (pr_clock_virtual ? &hooks_virtual_others
								: &hooks_others));
	}
	atomic_flag_clear_explicit(&wakes_lock, memory_order_release);
}

void pr_want_wakes(ax_task *t)
{
	pr_tls.fp_last = ax_rt_first_polls(ax_task_rt(t));
	want_level(2);
}

void pr_want_other_wakes(void)
{
	want_level(1);
}

/* --- set-up ----------------------------------------------------------------- */

/* Does the main program itself need libasynclab?  A wrapper the probe
 * was preloaded into (timeout, env, a shell) passes it on untouched. */
static int needs_runtime(struct dl_phdr_info *info, size_t size, void *ud)
{
	int *found = ud;
	const ElfW(Dyn) *dyn = NULL;
	for (int i = 0; i < info->dlpi_phnum; i++)
		if (info->dlpi_phdr[i].p_type == PT_DYNAMIC)
			dyn = (const ElfW(Dyn) *)(info->dlpi_addr + info->dlpi_phdr[i].p_vaddr);
	const char *strtab = NULL;
	for (const ElfW(Dyn) *d = dyn; d && d->d_tag != DT_NULL; d++)
		if (d->d_tag == DT_STRTAB)
			strtab = (const char *)d->d_un.d_ptr;
	for (const ElfW(Dyn) *d = dyn; d && strtab && d->d_tag != DT_NULL; d++)
		if (d->d_tag == DT_NEEDED && strstr(strtab + d->d_un.d_val, "libasynclab.so"))
			*found = 1;
	(void)size;
	return 1; /* the first entry is the main program: stop there */
}

static void at_fork_child(void)
{
	/* A forked child must not write into the parent's stream. */
	pr_active = 0;
	pr_discard();
	ax_hooks_install(NULL);
}

__attribute__((constructor)) static void probe_init(void)
{
	pr_libc_init();
	const char *fds = getenv("ASYNCLAB_PROBE_FD");
	if (!fds || !*fds)
		return;
	char *end;
	long fd = strtol(fds, &end, 10);
	if (*end || fd < 0 || fcntl((int)fd, F_GETFD) < 0)
		return;
	int found = 0;
	dl_iterate_phdr(needs_runtime, &found);
	if (!found)
		return;
	fcntl((int)fd, F_SETFD, FD_CLOEXEC);
	/* Programs this one starts (system, popen) are not checked. */
	unsetenv("ASYNCLAB_PROBE_FD");
	pr_config_init();
	pr_mods_init();
	void *prime[4];
	backtrace(prime, 4); /* loads the unwinder now, not in a handler */
	start_ns = pr_mono_ns();
	atomic_store(&pr_coarse_ns, start_ns);
	const char *c = getenv("ASYNCLAB_CLOCK");
	pr_clock_virtual = c && !strcmp(c, "virtual");
	pr_emit_init((int)fd);
	pr_active = 1;
	pr_trace_init();
	pr_crash_init();
	/* stdout is a pipe here, so it would be fully buffered and a program
	 * stopped at a limit would lose everything it printed. */
	setvbuf(stdout, NULL, _IOLBF, 0);
	pr_buf b = { 0 };
	char exe[4096];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	exe[n > 0 ? n : 0] = 0;
	/* t0: where the run's real-clock times start (the report counts from
	 * there). */
	pr_bprintf(&b, "{\"ev\":\"hello\",\"v\":1,\"pid\":%d,\"clock\":\"%s\",\"t0\":%llu,\"exe\":",
		   (int)getpid(), pr_clock_virtual ? "virtual" : "real", (unsigned long long)start_ns);
	pr_bstr(&b, exe);
	pr_bputs(&b, pr_trace_on ? ",\"trace\":true}" : "}");
	emit_buf(&b);
	pr_flush();
	pthread_atfork(NULL, NULL, at_fork_child);
	if (pr_trace_on)
		ax_hooks_install(pr_trace_table(pr_clock_virtual ? &hooks_virtual_wakes
							      : &hooks_wakes));
	else
		ax_hooks_install(pr_clock_virtual ? &hooks_virtual : &hooks);
	pr_watch_start();
}

/* The closing events of the stream: what was dropped, the run's
 * figures, "bye". */
static void stream_close(void)
{
	char line[320];
	int n;
	if (atomic_load(&spans_dropped)) {
		n = snprintf(line, sizeof line, "{\"ev\":\"spans_dropped\",\"n\":%llu}",
			     (unsigned long long)atomic_load(&spans_dropped));
		pr_emit_line(line, (size_t)n);
	}
	if (atomic_load(&tasks_dropped)) {
		n = snprintf(line, sizeof line, "{\"ev\":\"tasks_dropped\",\"n\":%llu}",
			     (unsigned long long)atomic_load(&tasks_dropped));
		pr_emit_line(line, (size_t)n);
	}
	n = snprintf(line, sizeof line,
		     "{\"ev\":\"stats\",\"peak_live_tasks\":%lld,\"spawned\":%llu,"
		     "\"polls\":%llu,\"virtual_ns\":%llu,\"wall_ns\":%llu}",
		     (long long)atomic_load(&live_peak), (unsigned long long)stat_spawned,
		     (unsigned long long)stat_polls, (unsigned long long)stat_vns,
		     (unsigned long long)(pr_mono_ns() - start_ns));
	pr_emit_line(line, (size_t)n);
	if (pr_trace_on)
		pr_trace_close();
	pr_emit_line("{\"ev\":\"bye\"}", 12);
	pr_flush();
}

void pr_end_run(const char *reason, const char *msg)
{
	pr_tl_in_hook = 1;
	if (pr_trace_on)
		pr_trace_end(reason);
	pr_buf b = { 0 };
	pr_bputs(&b, "{\"ev\":\"end\",\"reason\":");
	pr_bstr(&b, reason);
	pr_bputs(&b, ",\"message\":");
	pr_bstr(&b, msg);
	pr_bputs(&b, "}");
	emit_buf(&b);
	/* Runtimes still running count too; this thread drives the one
	 * that deadlocked. */
	for (int i = 0; i < PR_MAX_RTS; i++) {
		pr_rt *p = atomic_load(&pr_rts[i]);
		if (p && p->rt && !p->stopped)
			add_stats(p);
	}
	stream_close();
	fflush(stdout);
	fflush(stderr);
	_exit(PR_END_STATUS);
}

__attribute__((destructor)) static void probe_fini(void)
{
	if (!pr_active)
		return;
	pr_watch_stop();
	for (int i = 0; i < PR_MAX_RTS; i++) {
		pr_rt *p = atomic_load(&pr_rts[i]);
		if (p && p->rt && !p->stopped) {
			/* The program exits with its runtime still running. */
			pr_tl_rt = p;
			pr_detect_census(p);
			p->stopped = 1;
		}
	}
	pr_locks_at_exit();
	pr_detect_at_exit();
	stream_close();
	ax_hooks_install(NULL);
	pr_active = 0;
}
