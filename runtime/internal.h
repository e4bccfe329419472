/* internal.h - the runtime's private header: task and runtime layout and
 * the ax__ functions the modules share.  Nothing here is installed. */
#ifndef ASYNCLAB_INTERNAL_H
#define ASYNCLAB_INTERNAL_H

#include "config.h"

#include "asynclab/future.h"
#include "asynclab/instrument.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>

#define AX_LIKELY(x) __builtin_expect(!!(x), 1)
#define AX_UNLIKELY(x) __builtin_expect(!!(x), 0)

/* Internal functions on the executor's hot paths are hidden: calls to
 * them from the library are direct (no PLT) and may be inlined. */
#define AX_HIDDEN __attribute__((visibility("hidden")))

/* One bit per hook of the installed table that is set, kept beside the
 * table so that a hook point tests one word the library reaches without
 * the GOT: a table that leaves a hook NULL costs that hook's points no
 * more than no table at all. */
extern unsigned ax__hook_mask AX_HIDDEN;
#define AX__HBIT(name) (1u << (offsetof(ax_hooks, name) / sizeof(void *) - 1))
#define AX__HOOKED(bits) \
	AX_UNLIKELY(__atomic_load_n(&ax__hook_mask, __ATOMIC_RELAXED) & (bits))

/* With N workers hooks are called under the runtime lock (the checker's
 * probe is one table for every worker): the lock's test and its taking
 * sit in the hooked branch only (ax__mt_enter_cur, below). */
/* Call hook `name` if the installed table has it: one predictable branch
 * when it does not.  The table is read again (it may have been removed
 * since the mask was read). */
#define AX_HOOK(name, ...)                                                  \
	do {                                                                \
		if (AX__HOOKED(AX__HBIT(name))) {                           \
			ax_rt *ax__l = ax__mt_enter_cur();                  \
			const ax_hooks *ax__h = AX__HOOKS();                \
			if (ax__h && ax__h->name)                           \
				ax__h->name(ax__h->ud, __VA_ARGS__);        \
			if (ax__l)                                          \
				ax__mt_unlock(ax__l);                       \
		}                                                           \
	} while (0)

/* Task state bits.  The runtime's threads read and write them (with
 * workers, by atomic changes: ax__ts_or and the rest, below); other
 * threads reach a task through the runtime's remote queue. */
/* The bits asynclab/instrument.h reads inline are defined there. */
enum {
	T_QUEUED = AX__TASK_QUEUED, /* in the run queue, or to be requeued after its poll */
	T_RUNNING = 1u << 1,   /* being polled */
	T_DONE = AX__TASK_DONE, /* finished: its future has been dropped */
	T_ABORT = 1u << 3,     /* abort requested */
	T_CANCELLED = 1u << 4, /* finished by abort */
	T_HANDLE = AX__TASK_HANDLE, /* a JoinHandle is held */
	T_FREE = 1u << 6,      /* slab slot not in use */
	T_EXT = AX__TASK_EXT,  /* ext is allocated (and holds the id) */
	T_NOMEM = 1u << 8,     /* done, its output lost for want of memory */
	T_OVERFLOW = 1u << 9,  /* its futures nest deeper than the stack allows */
	T_JOINED = 1u << 10,   /* its handle was given to ax_join */
	T_DISCARD = 1u << 11,  /* its output is discarded (AX_SPAWN_DISCARD) */
	T_DAEMON = AX__TASK_DAEMON, /* a daemon: meant to run until shutdown */
};

/* Allocation-failure injection for tests: the next N allocations at the
 * points that can fail recoverably (a task's ext, the remote queue)
 * fail.  Zero in programs: one relaxed load on those rare paths. */
extern atomic_uint ax__fail_allocs;
static inline int ax__alloc_fails(void)
{
	if (AX_LIKELY(atomic_load_explicit(&ax__fail_allocs, memory_order_relaxed) == 0))
		return 0;
	unsigned n = atomic_load(&ax__fail_allocs);
	while (n && !atomic_compare_exchange_weak(&ax__fail_allocs, &n, n - 1))
		;
	return n != 0;
}

/* Rarely needed task data, allocated on demand.  The hook word comes
 * first: asynclab/instrument.h reads it inline. */
typedef struct ax__task_ext {
	void *hook_data;      /* the hook table owner's word (ax_task_set_hook_data) */
	const char *name;
	const ax_site *site;  /* spawn site */
	ax_waker *join_waker; /* who awaits the JoinHandle (owned) */
	ax_res out;	      /* output once done, if a handle is held */
	ax_taskset *set;      /* the set this task belongs to, or NULL */
	ax_task *set_prev, *set_next;
	uint64_t id;	      /* the task's id, moved here from the header */
} ax__task_ext;

/* A task: header plus its future, inline.  Lives in a slab chunk of its
 * runtime.  24 bytes of header: the id shares a word with the rarely
 * allocated ext (T_EXT says which one the word holds), which keeps a task
 * parked on a notify under 100 bytes; see docs/performance.md. */
struct ax_task {
	ax_task *next;	       /* run-queue link; free-list link when T_FREE */
	union {
		uint64_t id;	   /* without T_EXT: spawn order, from 1 */
		ax__task_ext *ext; /* with T_EXT (ext->id holds the id) */
	};
	_Atomic uint32_t refs; /* executor's ref while not done + handle + wakers */
	uint32_t state;	       /* T_* */
	ax_future fut[];       /* the task's future, vt->size bytes */
};

/* The task's ext, or NULL when it has none. */
static inline ax__task_ext *ax__task_ext_peek(const ax_task *t)
{
	return (__atomic_load_n(&t->state, __ATOMIC_RELAXED) & T_EXT) ? t->ext : NULL;
}

/* Instrumentation reads the task header through struct ax__task_head
 * (asynclab/instrument.h): the two must agree. */
_Static_assert(offsetof(struct ax_task, ext) == offsetof(struct ax__task_head, word) &&
		       offsetof(struct ax_task, refs) == offsetof(struct ax__task_head, refs) &&
		       offsetof(struct ax_task, state) == offsetof(struct ax__task_head, state) &&
		       sizeof(((ax_task *)0)->state) == sizeof(uint32_t) &&
		       sizeof(((ax_task *)0)->refs) == sizeof(uint32_t) &&
		       offsetof(ax__task_ext, hook_data) == 0,
	       "asynclab/instrument.h reads a task as struct ax__task_head");

/* The slab that holds tasks (slab.c). */
#define AX_SLAB_CHUNK (64u * 1024u)
#define AX_SLAB_CLASSES 128 /* 8-byte classes up to 1024 bytes */
typedef struct ax__chunk {
	ax_rt *rt;
	struct ax__chunk *next; /* all chunks of the runtime */
	uint32_t slot_size;	/* bytes per slot */
	uint32_t nslots;	/* slots in this chunk */
	uint32_t used;		/* slots handed out so far (bump) */
	uint32_t large;		/* one task of its own, from aligned_alloc */
	/* slots follow, 16-byte aligned */
} ax__chunk;

typedef struct ax__slab {
	ax__chunk *chunks;
	ax_task *free[AX_SLAB_CLASSES + 1]; /* per class; [0] unused */
	ax__chunk *bump[AX_SLAB_CLASSES + 1];
	char *region, *region_end; /* mapped, chunk-aligned, not yet handed out */
} ax__slab;

AX_HIDDEN ax_task *ax__slab_alloc(ax_rt *rt, size_t size);
AX_HIDDEN void ax__slab_free(ax_rt *rt, ax_task *t);
void ax__slab_destroy(ax_rt *rt);
/* Visit every task slot in use. */
void ax__slab_each(ax_rt *rt, void (*fn)(ax_task *t, void *ud), void *ud);
static inline ax_rt *ax__task_rt(const ax_task *t)
{
	return ((const ax__chunk *)((uintptr_t)t & ~(uintptr_t)(AX_SLAB_CHUNK - 1)))->rt;
}

/* Remote operations posted by other threads.  AX_REMOTE_USER with a wake:
 * the waker consumed was one the program held (user_wakers drops by one
 * once the wake is queued). */
enum { AX_REMOTE_WAKE = 0, AX_REMOTE_DROP = 1, AX_REMOTE_USER = 2 };
typedef struct ax__remote {
	ax_task *task;
	int op;
} ax__remote;

/* Per-descriptor reactor state (io.c). */
typedef struct ax__fdslot {
	ax_io_wait *waiters; /* registered waits, singly linked */
	uint32_t armed;	      /* events registered with epoll */
	int in_epoll;
} ax__fdslot;

typedef struct ax__pool ax__pool;
typedef struct ax__mt ax__mt; /* a multi-worker runtime's workers (mt.c) */

struct ax_rt {
	/* Run queue: intrusive FIFO through ax_task.next. */
	ax_task *rq_head, *rq_tail;
	size_t rq_len;
	/* Workers (ax_rt_opts.workers, below): NULL with one; with N the
	 * runtime lock guards shared state (AX_MT_SCOPE), and mt_par says
	 * whether they run side by side (real clock) or take turns on this
	 * run queue (virtual clock).  Next to the run queue: every wake and
	 * poll reads them. */
	ax__mt *mt;
	int mt_par;
	/* The task being polled (NULL between polls) and the polls begun:
	 * written only by the executor's thread, readable from any thread
	 * with relaxed loads (the checker's stall watchdog samples them). */
	ax_task *_Atomic running;

	ax__slab slab;
	uint64_t next_id;
	uint64_t live_tasks;	/* ax__rt_live_add */
	uint64_t spawned;
	_Atomic uint64_t polls;
	uint64_t first_polls; /* futures polled for the first time: the checker's
				 sign of progress, counted without a hook call */

	/* Ordering. */
	uint64_t seed;
	uint64_t rng;
	uint64_t jitter_seq; /* retry futures seeded so far (retry.c) */

	/* Time. */
	ax_clock clock;
	uint64_t vnow;	     /* virtual clock, ns */
	ax__timer **heap;    /* min-heap on (deadline, seq) */
	uint32_t heap_len, heap_cap;
	uint64_t timer_seq;

	/* Reactor. */
	int epfd;
	int evfd;		 /* eventfd: unparks the executor */
	ax__fdslot *fds;	 /* indexed by descriptor */
	int nfds;
	uint64_t io_waiters;

	/* Remote queue: wakes and drops from other threads. */
	pthread_mutex_t remote_lock;
	ax__remote *remote;
	size_t remote_len, remote_cap;
	atomic_int remote_pending;
	atomic_int parked;
	/* After ax_rt_free, while wakers still hold tasks: the runtime is a
	 * zombie that keeps only its slab, its remote lock and this count of
	 * tasks kept; the last waker to go frees it (remote_lock held). */
	atomic_int zombie;
	size_t zombie_tasks;
	/* Remote operations posted while the queue could not grow (out of
	 * memory): kept here, drained with the queue, never lost. */
#define AX_REMOTE_FALLBACK 32
	ax__remote fallback[AX_REMOTE_FALLBACK];
	size_t fallback_len;

	/* Blocking pool (blocking.c), created on first use. */
	ax__pool *pool;
	atomic_uint_fast64_t blocking_inflight;
	int blocking_threads;
	int blocking_queue;

	/* Wakers the program holds: made by ax_waker_clone and not yet woken
	 * or dropped (the runtime's own clones are not counted).  While
	 * some are held and a thread besides this runtime's could hold
	 * them, an idle executor waits instead of declaring a deadlock
	 * (rt_idle). */
	atomic_long user_wakers;

	int deadlocked;
	/* The lowest stack address at which a future's first poll is made on
	 * the executor's thread (future.c); 0 outside block_on. */
	char *stack_floor;
	/* The thread that drives it: its creator, then the last to enter
	 * block_on.  Readable from any thread with a relaxed load. */
	_Atomic pthread_t thread;
	ax_task *root;

	/* Workers (ax_rt_opts.workers): 1, or N worker threads (mt.c). */
	int workers;
	/* The runtime lock (initialised only with mt): an adaptive mutex
	 * (it spins a little before it sleeps: the workers hold it briefly
	 * and often), made recursive by its owner and depth (mt.c). */
	pthread_mutex_t mt_lock;
	void *_Atomic mt_owner;
	unsigned mt_depth;
};

/* initial-exec: a plain %fs-relative access instead of a __tls_get_addr
 * call per use from the shared library (the executor reads these on
 * every wake and poll). */
#define AX_TLS __thread __attribute__((tls_model("initial-exec")))
extern AX_TLS ax_rt *ax__cur_rt;
extern AX_TLS ax_task *ax__cur_task;
/* ax__cur_rt when that runtime has one worker, else NULL: a wake tests
 * it alone to take the single-worker path, as fast as it was before
 * there were workers (task.c). */
extern AX_TLS ax_rt *ax__cur_rt_st;
static inline void ax__set_cur_rt(ax_rt *rt)
{
	ax__cur_rt = rt;
	ax__cur_rt_st = rt && !rt->mt ? rt : NULL;
}
extern atomic_uint_fast64_t ax__boxed_live;

/* The runtime lock of a multi-worker runtime.  Several workers poll
 * tasks at once; what more than one task can reach (a primitive's fields
 * and waiter lists, a waiter node a primitive links or grants, timers,
 * descriptors, task sets, channels, tokens, a task's ext, the slab) is
 * read and written only under rt->mt_lock, which is recursive; a task's
 * state word and the counts are atomic instead, and a worker's own queue
 * and task-memory cache are its own (mt.c).  A function that touches such state starts with
 * AX_MT_SCOPE() (the calling thread's runtime) or AX_MT_SCOPE_RT(rt):
 * the lock is held until the function returns, on every path.  On a
 * single-worker runtime (rt->mt NULL) it is one load and a branch. */
/* Runtimes with workers alive in the process: while there are none (the
 * common case) a scope is one load of this word and a branch, and the
 * locking is out of line. */
extern int ax__mt_alive AX_HIDDEN;
AX_HIDDEN ax_rt *ax__mt_lock_rt(ax_rt *rt);
/* The runtime lock, taken again by its holder (ax__mt_lock), or let go
 * whatever the depth for a wait and taken back at that depth. */
AX_HIDDEN void ax__mt_lock(ax_rt *rt);
AX_HIDDEN unsigned ax__mt_release_all(ax_rt *rt);
AX_HIDDEN void ax__mt_reacquire(ax_rt *rt, unsigned depth);
AX_HIDDEN void ax__mt_cond_wait(ax_rt *rt, pthread_cond_t *c);
AX_HIDDEN ax_rt *ax__mt_lock_cur(void);
AX_HIDDEN void ax__mt_unlock(ax_rt *rt);
static inline ax_rt *ax__mt_enter(ax_rt *rt)
{
	if (AX_LIKELY(!__atomic_load_n(&ax__mt_alive, __ATOMIC_RELAXED)))
		return NULL;
	return ax__mt_lock_rt(rt);
}
/* A lock of one structure's own fields (a channel's): taken with one
 * exchange and let go with a plain store, where the runtime lock costs a
 * call and two locked instructions.  Its holder never waits for anything
 * (no wake, no waker dropped, no runtime lock: those wait until it is let
 * go), so a thread that finds it taken spins a little, then yields
 * (ax__spin_wait).  The checker does not see it: it is not a pthread
 * lock, and no poll ever waits on it for longer than a few stores. */
typedef struct ax__spin {
	atomic_uint v;
} ax__spin;
AX_HIDDEN void ax__spin_wait(ax__spin *l);
static inline void ax__spin_lock(ax__spin *l)
{
	if (AX_LIKELY(!atomic_exchange_explicit(&l->v, 1, memory_order_acquire)))
		return;
	ax__spin_wait(l);
}
static inline void ax__spin_unlock(ax__spin *l)
{
	atomic_store_explicit(&l->v, 0, memory_order_release);
}
/* Add d to an atomic count that only the calling thread writes (a
 * worker's, an executor's) and other threads only read: a plain load and
 * store, no locked instruction. */
#define AX__OWNER_ADD(p, d)                                                   \
	atomic_store_explicit((p), atomic_load_explicit((p), memory_order_relaxed) + (d), \
			      memory_order_relaxed)
/* AX_MT_SCOPE(): the calling thread's runtime, if it has one. */
static inline ax_rt *ax__mt_enter_cur(void)
{
	if (AX_LIKELY(!__atomic_load_n(&ax__mt_alive, __ATOMIC_RELAXED)))
		return NULL;
	return ax__mt_lock_cur();
}
static inline void ax__mt_leave(ax_rt **rt)
{
	if (AX_UNLIKELY(*rt != NULL))
		ax__mt_unlock(*rt);
}
/* Whether some runtime of the process has workers: a function that
 * touches shared state runs its body under AX_MT_SCOPE only then, and
 * otherwise as if there were no lock at all. */
#define AX_MT_ON() AX_UNLIKELY(__atomic_load_n(&ax__mt_alive, __ATOMIC_RELAXED) != 0)
#define AX__MT_CAT2(a, b) a##b
#define AX__MT_CAT(a, b) AX__MT_CAT2(a, b)
#define AX_MT_SCOPE_RT(rt)                                                    \
	ax_rt *AX__MT_CAT(ax__mt_scope_, __LINE__)                            \
		__attribute__((cleanup(ax__mt_leave), unused)) = ax__mt_enter(rt)
#define AX_MT_SCOPE()                                                         \
	ax_rt *AX__MT_CAT(ax__mt_scope_, __LINE__)                            \
		__attribute__((cleanup(ax__mt_leave), unused)) = ax__mt_enter_cur()

/* A task's state word (T_*).  With workers side by side, a worker moves
 * the task it runs in and out of its poll, and a wake marks a task
 * queued, without the runtime lock (ax__task_run_par, ax__wake_local).
 * So while any runtime has workers every change to the word is one
 * atomic read-modify-write, which cannot lose a change made at the same
 * time under the lock or by another worker; otherwise (one worker, or no
 * runtime with workers yet) a plain load and store.  The _st forms are
 * for a task of a runtime known to have one worker.  Each returns the
 * word as it was. */
static inline uint32_t ax__ts(const ax_task *t)
{
	return __atomic_load_n(&t->state, __ATOMIC_RELAXED);
}
static inline void ax__ts_init(ax_task *t, uint32_t v)
{
	__atomic_store_n(&t->state, v, __ATOMIC_RELAXED);
}
static inline uint32_t ax__ts_or_st(ax_task *t, uint32_t bits)
{
	uint32_t s = ax__ts(t);
	__atomic_store_n(&t->state, s | bits, __ATOMIC_RELAXED);
	return s;
}
static inline uint32_t ax__ts_or(ax_task *t, uint32_t bits)
{
	if (AX_MT_ON())
		return __atomic_fetch_or(&t->state, bits, __ATOMIC_ACQ_REL);
	return ax__ts_or_st(t, bits);
}
static inline uint32_t ax__ts_and(ax_task *t, uint32_t keep)
{
	if (AX_MT_ON())
		return __atomic_fetch_and(&t->state, keep, __ATOMIC_ACQ_REL);
	uint32_t s = ax__ts(t);
	__atomic_store_n(&t->state, s & keep, __ATOMIC_RELAXED);
	return s;
}
/* The count of live tasks: a worker counts the ones it frees without
 * the lock (ax__mt_defer_free). */
static inline void ax__rt_live_add(ax_rt *rt, int d)
{
	if (AX_MT_ON())
		__atomic_fetch_add(&rt->live_tasks, (uint64_t)(int64_t)d, __ATOMIC_RELAXED);
	else
		__atomic_store_n(&rt->live_tasks,
				 __atomic_load_n(&rt->live_tasks, __ATOMIC_RELAXED) + (uint64_t)(int64_t)d,
				 __ATOMIC_RELAXED);
}
/* Clear the bits `clear`, then set `set`, in one change. */
static inline uint32_t ax__ts_update(ax_task *t, uint32_t clear, uint32_t set)
{
	uint32_t s = ax__ts(t);
	if (AX_MT_ON()) {
		while (!__atomic_compare_exchange_n(&t->state, &s, (s & ~clear) | set, 1,
						    __ATOMIC_ACQ_REL, __ATOMIC_RELAXED))
			;
		return s;
	}
	__atomic_store_n(&t->state, (s & ~clear) | set, __ATOMIC_RELAXED);
	return s;
}

/* Wakers.  A waker is its task's address.  One the program holds (made
 * by ax_waker_clone) has AX__WAKER_USER set in its low bit (tasks are
 * 16-byte aligned) and is counted in its runtime's user_wakers; the
 * runtime's own structures (waiter lists, timers, join handles, the
 * reactor, the blocking pool) keep untagged clones made with
 * ax__waker_clone, which are not counted.  Everything that turns a waker
 * back into its task masks the bit (ax__waker_task). */
#define AX__WAKER_USER ((uintptr_t)1)
static inline ax_task *ax__waker_task(const ax_waker *w)
{
	return (ax_task *)(void *)((uintptr_t)w & ~AX__WAKER_USER);
}
static inline int ax__waker_is_user(const ax_waker *w)
{
	return ((uintptr_t)w & AX__WAKER_USER) != 0;
}
/* A clone of w for the runtime's own structures (untagged, uncounted). */
AX_HIDDEN ax_waker *ax__waker_clone(ax_waker *w);
/* Take over w (which the runtime keeps from now on) as one of its own:
 * a waker the program held stops being counted.  Executor thread. */
AX_HIDDEN ax_waker *ax__waker_adopt(ax_waker *w);

/* task.c */
AX_HIDDEN void ax__task_run(ax_rt *rt, ax_task *t);
/* The same with workers side by side and no hooks, without the runtime
 * lock (the caller holds none). */
AX_HIDDEN void ax__task_run_par(ax_rt *rt, ax_task *t);
AX_HIDDEN void ax__task_unref(ax_task *t);
ax__task_ext *ax__task_ext_get(ax_task *t);
/* Free t's ext, if it has one (the task's memory goes next). */
AX_HIDDEN void ax__task_ext_free(ax_task *t);
void ax__task_drop_future(ax_task *t);
AX_HIDDEN void ax__task_release_on_rt(ax_rt *rt, ax_task *t);

/* future.c: the task being polled nests futures too deep; it ends with
 * -EOVERFLOW after this poll (task.c). */
AX_HIDDEN void ax__task_overflow(ax_rt *rt, ax_task *t);
/* The calling thread's stack floor for first polls (1 when unknown). */
AX_HIDDEN char *ax__stack_floor(void);

/* taskset.c */
void ax__taskset_child_done(ax_taskset *ts, ax_task *t);

/* rt.c */
void ax__remote_post(ax_rt *rt, ax_task *t, int op);
/* Another thread dropped a waker the program held: count it out and
 * unpark the executor should that leave none held. */
void ax__rt_user_waker_dropped(ax_rt *rt);
/* rt was freed and lives on only for the wakers that keep its tasks. */
static inline int ax__rt_gone(ax_rt *rt)
{
	return atomic_load_explicit(&rt->zombie, memory_order_relaxed);
}
/* Unpark the executor if it waits (any thread). */
void ax__rt_unpark(ax_rt *rt);

/* time.c */
void ax__timer_add(ax_rt *rt, ax__timer *tm, uint64_t deadline, ax_waker *w);
void ax__timer_remove(ax_rt *rt, ax__timer *tm);
/* Fire every timer due at rt's clock; returns how many fired. */
int ax__timers_fire(ax_rt *rt);
uint64_t ax__rt_now(ax_rt *rt);
/* The earliest deadline, or UINT64_MAX. */
uint64_t ax__timers_next(ax_rt *rt);
uint64_t ax__mono_ns(void);

/* io.c: dispatch readiness of fd to its waiters. */
void ax__io_dispatch(ax_rt *rt, int fd, uint32_t events);
void ax__io_destroy(ax_rt *rt);

/* blocking.c */
void ax__pool_destroy(ax_rt *rt);
/* Threads rt's blocking pool has started (executor thread). */
int ax__pool_threads(ax_rt *rt);

/* mt.c: a runtime with N workers. */
AX_HIDDEN int ax__mt_start(ax_rt *rt, int workers);
AX_HIDDEN void ax__mt_stop(ax_rt *rt);
AX_HIDDEN void ax__mt_free(ax_rt *rt);
/* Queue t on the calling worker (lifo: in its LIFO slot), or from
 * outside the workers on the injection queue.  Runtime lock held. */
AX_HIDDEN void ax__mt_push(ax_rt *rt, ax_task *t, int lifo);
AX_HIDDEN void ax__mt_requeue(ax_rt *rt, ax_task *t);
AX_HIDDEN int ax__mt_has_ready(ax_rt *rt);
AX_HIDDEN int ax__mt_others_busy(ax_rt *rt);
AX_HIDDEN void ax__mt_driver_parking(ax_rt *rt, int parked);
AX_HIDDEN void ax__mt_root_done(ax_rt *rt);
AX_HIDDEN int ax__mt_wait(ax_rt *rt, ax_task *root);
AX_HIDDEN void ax__mt_stats(ax_rt *rt, uint64_t *steals, uint64_t *stolen);
/* A first poll of a future on rt (counted per worker while no hooks
 * watch, else at once in rt->first_polls). */
AX_HIDDEN void ax__mt_first_poll(ax_rt *rt);
/* The runtime the calling thread is a worker of, side by side (real
 * clock), or NULL: ax__mt_par_here(rt) says whether the thread is such a
 * worker of rt, without a call. */
extern AX_TLS ax_rt *ax__mt_par_rt AX_HIDDEN;
static inline int ax__mt_par_here(const ax_rt *rt)
{
	return ax__mt_par_rt == rt;
}
/* First polls the calling worker made without the lock, not yet added
 * to the runtime's count (mt.c adds them with its polls). */
extern AX_TLS uint64_t ax__mt_w_first AX_HIDDEN;
/* A spawn or a free by the calling worker (ax__mt_par_here) without the
 * lock, in its own counts (ax__wcount, wsq.h). */
AX_HIDDEN void ax__mt_count_spawn(void);
AX_HIDDEN void ax__mt_count_free(void);
/* Every worker's counts of live and spawned tasks, added up. */
AX_HIDDEN void ax__mt_counts(ax_rt *rt, int64_t *live, uint64_t *spawned);
/* Task memory on a worker of rt with no hooks, without the lock: each
 * worker keeps the slots of the tasks it frees by size class and hands
 * them out again to the tasks it spawns; the rest go back to the slab in
 * a batch under the lock when it idles or keeps too many.
 * ax__mt_defer_free keeps finished task t (its last reference gone) and
 * returns 0 when the caller is not such a worker; ax__mt_alloc is
 * ax__slab_alloc from the cache first; ax__mt_free_slot gives back a
 * slot never used. */
AX_HIDDEN int ax__mt_defer_free(ax_rt *rt, ax_task *t);
AX_HIDDEN ax_task *ax__mt_alloc(ax_rt *rt, size_t size);
AX_HIDDEN void ax__mt_free_slot(ax_rt *rt, ax_task *t);
AX_HIDDEN void ax__task_free_list(ax_rt *rt, ax_task *t);
/* rt.c, for the workers: drain the remote queue; the idle step of the
 * loop (0, or -EDEADLK); wait in epoll (ms, -1 forever). */
AX_HIDDEN void ax__remote_drain(ax_rt *rt);
AX_HIDDEN ax_task *ax__rq_pop(ax_rt *rt);
/* Polls between a busy loop's looks at the remote queue, timers and
 * descriptors, so that a busy run queue cannot starve them (tokio uses
 * 61 as well); the look itself (poll_io: descriptors too, without
 * waiting). */
#define AX_EVENT_INTERVAL 61
AX_HIDDEN void ax__rt_between_polls(ax_rt *rt, int poll_io);
AX_HIDDEN int ax__rt_idle(ax_rt *rt);
AX_HIDDEN int ax__rt_park(ax_rt *rt, int timeout_ms);

/* Append t to the run queue (inline: every wake and requeue goes here).
 * With N workers side by side: to the calling worker's queue; a wake of
 * one task by another goes to its LIFO slot (ax__wake_local). */
static inline void ax__rq_push_mt(ax_rt *rt, ax_task *t, int lifo)
{
	AX_HOOK(ready, t);
	ax__mt_push(rt, t, lifo);
}
static inline void ax__rq_push_st(ax_rt *rt, ax_task *t)
{
	t->next = NULL;
	if (rt->rq_tail)
		rt->rq_tail->next = t;
	else
		rt->rq_head = t;
	rt->rq_tail = t;
	rt->rq_len++;
	AX_HOOK(ready, t);
}
static inline void ax__rq_push(ax_rt *rt, ax_task *t)
{
	if (AX_UNLIKELY(rt->mt_par))
		ax__rq_push_mt(rt, t, 0);
	else
		ax__rq_push_st(rt, t);
}

/* Wake t on its executor's thread: queue it unless it is queued or done
 * already; while it is being polled, T_QUEUED alone makes the executor
 * requeue it after the poll. */
static inline void ax__wake_local(ax_rt *rt, ax_task *t)
{
	if (AX_UNLIKELY(rt->mt_par)) {
		/* Lock-free (see ax__ts_or): one read-modify-write, whose
		 * barrier also orders what the waker wrote before it against
		 * the worker's look at the word after a poll. */
		uint32_t s = __atomic_fetch_or(&t->state, T_QUEUED, __ATOMIC_ACQ_REL);
		if (AX_UNLIKELY(s & T_DONE)) {
			if (!(s & T_QUEUED)) /* never to run again */
				__atomic_fetch_and(&t->state, ~(uint32_t)T_QUEUED,
						   __ATOMIC_RELAXED);
			return;
		}
		if (s & (T_QUEUED | T_RUNNING))
			return;
		ax__rq_push_mt(rt, t, ax__cur_task != NULL && ax__cur_task != t);
		return;
	}
	uint32_t s = ax__ts(t);
	if (s & (T_QUEUED | T_DONE))
		return;
	ax__ts_or(t, T_QUEUED);
	if (!(s & T_RUNNING))
		ax__rq_push_st(rt, t);
}
/* The same on a runtime known to have one worker. */
static inline void ax__wake_local_st(ax_rt *rt, ax_task *t)
{
	uint32_t s = ax__ts(t);
	if (s & (T_QUEUED | T_DONE))
		return;
	ax__ts_or_st(t, T_QUEUED);
	if (!(s & T_RUNNING))
		ax__rq_push_st(rt, t);
}

/* A splitmix64 step, for seeds and jitter. */
static inline uint64_t ax__rand(uint64_t *s)
{
	uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return z ^ (z >> 31);
}

/* Waiter lists used by the sync primitives (sync.c). */
typedef struct ax__wlist {
	ax__waiter *head, *tail;
} ax__wlist;
void ax__wlist_push(ax__wlist *l, ax__waiter *w);
void ax__wlist_remove(ax__wlist *l, ax__waiter *w);
ax__waiter *ax__wlist_pop(ax__wlist *l);
static inline int ax__waiter_linked(const ax__waiter *w, const ax__wlist *l)
{
	return w->prev != NULL || l->head == w;
}
/* Keep a clone of cx's waker in w, replacing one that would wake another
 * task; wake and release w's waker; release it without waking. */
void ax__waiter_set_waker(ax__waiter *w, const ax_cx *cx);
void ax__waiter_wake(ax__waiter *w);
void ax__waiter_forget(ax__waiter *w);
/* The future that embeds waiter node wp as its field `w`. */
#define AX__WAITER_OF(T, wp) ((T *)(void *)((char *)(wp) - offsetof(T, w)))

#endif /* ASYNCLAB_INTERNAL_H */
