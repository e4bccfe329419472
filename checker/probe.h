/* probe.h - private header of the in-process checker probe: its
 * configuration, per-runtime and per-task state, and the functions the
 * probe's files share (event output, detectors, libc interposition,
 * watchdog).  Nothing here is installed.  The probe sees the runtime
 * only through the installed headers: asynclab.h and
 * asynclab/instrument.h (hooks and read-only accessors). */
#ifndef ASYNCLAB_PROBE_H
#define ASYNCLAB_PROBE_H

#include "config.h"

#include "finding_ids.h"

#include <asynclab.h>
#include <asynclab/instrument.h>
#include <errno.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

/* The probe is loaded at start-up (LD_PRELOAD or linked), so its
 * thread-locals can use the fast model. */
#define PR_TLS __thread __attribute__((tls_model("initial-exec")))

/* Finding ids, from the one list of them (finding_ids.h). */
#define PR_F_ENUM(e, name, summary, fix) F_##e,
enum { AXC_FINDINGS(PR_F_ENUM) F_COUNT };
#undef PR_F_ENUM
extern const char *const pr_finding_ids[F_COUNT];

/* Thresholds and switches (ASYNCLAB_CHECK_*; see docs/checker.md). */
typedef struct pr_config {
	uint64_t stall_ms;	/* STALL_MS: a poll longer than this stalls */
	uint64_t slowdown;	/* SLOWDOWN: CPU threshold multiplier */
	uint32_t spawn_limit;	/* SPAWN_LIMIT: spawns per site with no wait on them */
	uint32_t spawn_burst;	/* SPAWN_BURST: spawns per site in one poll */
	uint32_t busy_wakes;	/* BUSY_WAKES: consecutive self-wake polls */
	uint32_t cancel_polls;	/* CANCEL_POLLS: polls after a cancel */
	uint32_t max_spans;	/* MAX_SPANS: timeline spans written */
	uint32_t max_tasks;	/* MAX_TASKS: task events written */
	bool on[F_COUNT];	/* ONLY / ALLOW */
} pr_config;
extern pr_config pr_cfg;
void pr_config_init(void); /* probe_config.c */

/* Non-zero once the probe writes events (ASYNCLAB_PROBE_FD was set). */
extern int pr_active;
/* Non-zero when the run starts on the virtual clock (ASYNCLAB_CLOCK), as
 * the hello event says. */
extern int pr_clock_virtual;

/* A task on another worker that waited for a lock a task held (workers
 * side by side): who, where, from when and, once it stopped waiting
 * (a timed wait that gave up), until when (else 0). */
#define PR_MAX_WAITERS 4
typedef struct pr_waiter {
	uint64_t gid;
	int worker, of;
	uintptr_t at; /* the line it waited at */
	uint64_t t0, t1;
	char label[96];
} pr_waiter;

/* A blocking lock a task holds (or a task that finished left held: then
 * holder is NULL and the fields after it say who that was). */
#define PR_MAX_AWAITS 8
typedef struct pr_lock {
	struct pr_lock *next;	       /* the holder's other locks */
	struct pr_lock *anext, **aprev; /* every held lock (probe_locks.c) */
	const void *lock;
	const char *what;    /* "blocking lock", "pthread mutex", ... */
	const ax_site *site; /* where it was taken, when known */
	uintptr_t pc;	     /* else the code address that took it */
	uint64_t t0;	     /* runtime clock when taken */
	int depth;	     /* the frame that took it (see running_depth), or -1 */
	uint32_t permits;    /* a semaphore's permits taken (sem only) */
	bool sem;	     /* a semaphore permit, not an owned lock */
	const ax_rt *rt;     /* the holder's runtime */
	struct pr_task *holder;
	/* Tasks on other workers that waited for it (under the registry's
	 * lock, probe_locks.c): PR_MAX_WAITERS of them kept, nwaiters
	 * counted. */
	pr_waiter *waiters;
	int nwaiters;
	/* The awaits it is held across: in the frame that took it (outer)
	 * and, when that differs, the innermost one. */
	struct {
		const ax_site *outer, *inner;
	} awaits[PR_MAX_AWAITS];
	int nawaits;
	int pending_awaits;  /* awaits seen, including ones not stored; -1 once reported */
	/* Once the holder finished with it held. */
	const ax_site *ret_site;    /* where the holder returned */
	const ax_site *holder_site; /* its spawn site */
	uint64_t gid;
	char label[96];
} pr_lock;

/* Per spawn site: live tasks and the spawn burst of the current poll. */
typedef struct pr_site {
	const ax_site *site;
	uint32_t live, peak;
	/* Tasks spawned here since a task from here last let a task that
	 * spawns here go on (woke it, or gave it its output): the
	 * unbounded-spawn rule's count, which depends on the program's
	 * order of events and not on how fast the tasks end. */
	_Atomic uint32_t run;
	_Atomic uint64_t spawner; /* the gid of the task that last spawned here */
	/* The semaphore whose permits the tasks spawned here last gave back:
	 * the spawner taking one of its permits is a wait for them. */
	const void *_Atomic sem;
	uint32_t burst;
	uint64_t burst_poll; /* the poll the burst belongs to: its count ... */
	const ax_rt *burst_rt; /* ... on this runtime */
	bool reported;
} pr_site;

enum {
	PT_EXITED = 1u << 0,
	PT_ABORT_REQ = 1u << 1,
	PT_CANCEL_SEEN = 1u << 2,
	PT_EXPLAINED = 1u << 4, /* a finding already explains why it hangs */
	PT_REP_LOST = 1u << 5,
	PT_REP_BUSY = 1u << 6,
	PT_REP_CANCEL = 1u << 7,
	PT_SPAN_OPEN = 1u << 8,
	PT_EVENTED = 1u << 9,	/* its "task" event was written */
	PT_NAMED = 1u << 10,	/* name is the task's name, not its future's */
	PT_SITE_OUT = 1u << 11,	/* no longer among its site's live tasks */
	PT_DAEMON_OUT = 1u << 12 /* its "daemon" event was written */
};

#define PR_MAX_TOKENS 4
typedef struct pr_task {
	/* Hot fields first: the poll and wake hooks touch one cache line. */
	ax_task *t;
	uint64_t gid; /* id in the event stream; 0 when the slot is free */
	uint16_t flags;
	uint16_t yield_run;	    /* self-woken polls that started a future (a
				       yield) in a row since yield_hash changed */
	uint32_t self_run;	    /* consecutive self-wake polls without progress */
	uint32_t cancel_polls;
	uint32_t yield_hash;	    /* the task's own state at the last sample of
				       a yield run (pr_detect_yield_spin) */
	uint64_t span_t0, span_t1;
	uint64_t span_tick; /* the coarse clock's tick the span was extended in;
			       ~0 when the next poll must look (no span, or a
			       virtual clock) */
	pr_lock *locks;
	/* Cold. */
	const ax_site *site;
	const char *name; /* the task's name, else its future's (PT_NAMED) */
	pr_site *ssite; /* its spawn site (it is counted out of the site's
			   live tasks at its exit: PT_SITE_OUT) */
	uintptr_t busy_pc;
	const void *tokens[PR_MAX_TOKENS];
} pr_task;

/* Tasks of one runtime, indexed by ax_task id in pages. */
#define PR_PAGE_BITS 10
#define PR_PAGE (1u << PR_PAGE_BITS)
#define PR_NPAGES 16384
typedef struct pr_page {
	uint32_t used, freed;
	_Alignas(64) pr_task slot[PR_PAGE];
} pr_page;

/* The stall watchdog's view of one thread that runs polls: the poll it
 * last saw running.  A stall is measured by the thread's own CPU time,
 * and by how long it has sat blocked in the kernel without running: time
 * it merely waited for a CPU (a loaded machine, valgrind, a sanitizer)
 * never counts. */
typedef struct pr_watch {
	uint64_t seen_polls;	  /* the poll count when last sampled */
	uint64_t seen_since_ns;	  /* when it was first seen */
	uint64_t reported_polls;  /* the poll reported as stalled, plus one */
	uint64_t early_polls;	  /* the poll captured half way, plus one */
	uint64_t seen_cpu_ns;	  /* the thread's CPU time when the poll was first seen */
	uint64_t last_cpu_ns;	  /* ... at the last sample */
	uint64_t last_ns;	  /* when the last sample was taken */
	uint64_t blocked_ns;	  /* time blocked, without CPU, since then */
	bool seen_idle;		  /* no poll was running at the last sample */
} pr_watch;

typedef struct pr_rt {
	ax_rt *rt; /* NULL once it is freed (under the runtimes' lock) */
	pr_page *_Atomic pages[PR_NPAGES];
	int stopped, deadlocked;
	bool virt; /* virtual clock */
	/* The stall watchdog's view (probe_watch.c) of the thread driving
	 * it.  The runtime publishes its running task, its poll count and
	 * the thread that drives it, so a poll costs the probe no hook call
	 * at its start.  (A runtime with workers: each worker's, kept by the
	 * watchdog.) */
	pr_watch w;
	_Atomic int tid;	  /* kernel id of the thread driving it */
	/* The poll the watchdog saw running and when it first did: the start
	 * of a timeline span for a poll that outlasts a clock tick. */
	_Atomic uint64_t run_polls, run_t0;
} pr_rt;

/* The runtimes the probe knows (probe.c).  The list lock is held while a
 * runtime is forgotten and while the watchdog reads a runtime. */
#define PR_MAX_RTS 16
extern pr_rt *_Atomic pr_rts[PR_MAX_RTS];
void pr_rts_lock(void);
void pr_rts_unlock(void);

/* Per thread that drives a runtime: its crash stack. */
typedef struct pr_thread {
	void *altstack;		   /* its alternate signal stack, if the probe's */
} pr_thread;

/* Per-thread state, in one block so the hot hooks find it with one
 * thread-pointer computation. */
typedef struct pr_tls_t {
	struct pr_rt *rt;	  /* runtime this thread executes */
	struct pr_thread *thread;
	const ax_task *arm_busy;  /* next self-wake of it records the line */
	uint64_t poll_t0;	  /* virtual clock at the start of a poll ... */
	uint64_t poll_t0_polls;	  /* ... of this one (the rt's poll count) */
	uint64_t stall_t0;	  /* start of the first stall span in a poll ... */
	uint64_t stall_polls;	  /* ... of this one */
	uint64_t fp_last;	  /* the rt's first-poll count at the last poll end,
				     kept while the busy-wake detector is armed */
	int progress;		  /* a future had its first poll in this poll */
	int in_hook;		  /* inside probe code: no interposition */
	volatile int captured;	  /* the watchdog's signal came (probe_watch.c) */
} pr_tls_t;
extern PR_TLS pr_tls_t pr_tls;
extern pr_thread pr_no_thread;
#define pr_tl_rt (pr_tls.rt)
#define pr_tl_cur (pr_poll_task())
#define pr_tl_thread (pr_tls.thread)
#define pr_tl_in_hook (pr_tls.in_hook)
#define pr_tl_progress (pr_tls.progress)
#define pr_tl_arm_busy (pr_tls.arm_busy)

/* The task being polled on this thread, or NULL: the runtime's current
 * task while its runtime has it running (not while a finished task's
 * future is dropped). */
static inline ax_task *pr_poll_task(void)
{
	return ax_task_polling();
}

/* The task's own future (the one it was spawned with). */
static inline ax_future *pr_task_future(ax_task *t)
{
	return ax_task_future(t);
}

/* probe.c */
pr_task *pr_task_of(ax_task *t);
/* The state of the task being polled on this thread, or NULL. */
static inline pr_task *pr_cur(void)
{
	ax_task *t = pr_poll_task();
	return t ? pr_task_of(t) : NULL;
}
uint64_t pr_now(void);
/* Wakers of the unfinished task t held anywhere, read from the runtime's
 * reference count (ax_task_wakers_held): one per waker and one per wake
 * from another thread still in the remote queue.  Counting this way lets
 * the probe leave the waker clone and drop hooks out entirely. */
static inline int32_t pr_wakers_held(const ax_task *t)
{
	return ax_task_wakers_held(t);
}
/* Make the next wakes call the probe: the busy-wake detector is armed
 * on task t, in its poll_end, and wants the line of its next self-wake. */
void pr_want_wakes(ax_task *t);
/* Make the next wakes of a task by another call the probe: a spawn site
 * has a run of spawns whose end (a wake by one of its tasks) matters. */
void pr_want_other_wakes(void);
/* End the run at once: the probe found that the program can never
 * finish (reason "deadlock").  Writes an "end" event and the stream's
 * closing events, then exits with PR_END_STATUS. */
#define PR_END_STATUS 3
__attribute__((noreturn)) void pr_end_run(const char *reason, const char *msg);
void pr_stall_span(uint64_t t0, uint64_t t1, uint64_t real_ns);

/* probe_emit.c: JSON lines on the probe descriptor. */
typedef struct pr_buf {
	char *p;
	size_t len, cap;
} pr_buf;
void pr_emit_init(int fd);
void pr_emit_line(const char *s, size_t n);
void pr_flush(void);
void pr_discard(void);
/* Async-signal-safe: flush if the lock can be had; write n bytes as is. */
void pr_flush_crash(void);
void pr_write_raw(const char *s, size_t n);
void pr_bputs(pr_buf *b, const char *s);
void pr_bprintf(pr_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void pr_bstr(pr_buf *b, const char *s); /* JSON string or null */
void pr_bsite(pr_buf *b, const ax_site *site);
void pr_bpc(pr_buf *b, uintptr_t pc);
void pr_bstack(pr_buf *b, void *const *pcs, int n, int exact_first);
void pr_buf_free(pr_buf *b);
uint64_t pr_mono_ns(void);

/* A finding under construction. */
typedef struct pr_finding {
	pr_buf b;
	int nnotes;
} pr_finding;
/* Start finding `id` about task pt (may be NULL); returns false when the
 * detector is switched off. */
bool pr_f_begin(pr_finding *f, int id, const pr_task *pt, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
void pr_f_loc_site(pr_finding *f, const ax_site *site);
void pr_f_loc_pc(pr_finding *f, uintptr_t pc);
/* Why the finding is not reported ("daemon"): before any note. */
void pr_f_suppressed(pr_finding *f, const char *why);
void pr_f_stack(pr_finding *f, void *const *pcs, int n, int exact_first);
void pr_f_note_site(pr_finding *f, const ax_site *site, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void pr_f_note_pc(pr_finding *f, uintptr_t pc, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void pr_f_task_notes(pr_finding *f, const pr_task *pt);
void pr_f_end(pr_finding *f);

/* Code locations: is pc inside the probe, the runtime or a system
 * library?  Used to find the program's own frame in a stack. */
void pr_mods_init(void);
bool pr_pc_is_user(uintptr_t pc);
bool pr_pc_in_runtime(uintptr_t pc);
/* The first frame of the current stack in the program's own code (a
 * return address, already minus one), or 0. */
uintptr_t pr_user_caller(void **pcs, int *npcs, int max);
const char *pr_task_label(const pr_task *pt, char *buf, size_t n);

/* probe_locks.c: blocking locks held by tasks, the same-thread deadlock. */
void pr_lock_event(pr_task *pt, const void *lock, bool acquire,
		   const ax_site *site, uintptr_t pc, const char *what);
void pr_sem_event(pr_task *pt, const void *sem, bool acquire, uintptr_t pc);
void pr_locks_pending(pr_task *pt);
void pr_locks_exit(pr_task *pt, bool report);
void pr_locks_at_exit(void);
/* How long a contended acquisition would wait. */
enum { PR_WAITS_NOT, PR_WAITS_TIMED, PR_WAITS_FOREVER };
/* The calling task is about to wait for a lock that is taken (ret is the
 * interposed call's return address; owner_tid the thread that owns it,
 * when the lock records one, else 0).  Reports the blocking call, or the
 * certain deadlock, which ends the run. */
void pr_lock_contended(const void *lock, const char *what, uintptr_t ret,
		       int owner_tid, int waits);
/* The calling task, which pr_lock_contended was told of, no longer waits
 * for lock (it has it, or gave up). */
void pr_lock_waited(const void *lock);
/* Locks left held by a task that finished (nonzero: the unlock routes
 * look them up) and their release by whoever it is. */
extern atomic_int pr_locks_left;
void pr_lock_left_released(const void *lock);

/* probe_libc.c */
void pr_libc_init(void);
extern ssize_t (*pr_real_write)(int, const void *, size_t);

/* probe_crash.c: the fatal-signal handler. */
void pr_crash_init(void);
void *pr_crash_thread(void);	    /* an alternate signal stack for this thread */
void pr_crash_mods_refresh(void);   /* after libraries were loaded */

/* probe_trace.c: the scheduler trace (ASYNCLAB_TRACE=1).  pr_trace_on is
 * set by pr_trace_init; the other calls are made only when it is. */
extern int pr_trace_on;
bool pr_trace_init(void);
/* The table to install in trace mode: usual's handlers, wrapped. */
const ax_hooks *pr_trace_table(const ax_hooks *usual);
void pr_trace_stall(uint64_t t1);	    /* the polling task stalled until t1 */
void pr_trace_lock_wait(const void *lock); /* ... waits for a blocking lock */
void pr_trace_end(const char *reason);	    /* pr_end_run */
void pr_trace_close(void);		    /* trace_dropped */
void pr_trace_out(size_t n);		    /* n bytes written to fd 1 */

/* probe_watch.c */
void pr_watch_start(void);
void pr_watch_stop(void);
pr_thread *pr_thread_register(void);
extern _Atomic uint64_t pr_coarse_ns;
/* Move the coarse clock forward to ns (never back). */
void pr_coarse_advance(uint64_t ns);

#endif /* ASYNCLAB_PROBE_H */
