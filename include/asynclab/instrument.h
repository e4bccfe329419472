/* asynclab/instrument.h - instrumentation of libasynclab, for tools that
 * watch the scheduler (the checker is one): the hook table, a word per
 * task for the table's owner, and read-only accessors for the runtime and
 * task state such a tool needs.  Programs do not need this header.
 *
 * Nothing here changes what the runtime does.  The accessors that the
 * hooks call on every poll are inline loads from the first bytes of a
 * task, whose layout is fixed below (struct ax__task_head; the runtime
 * asserts at compile time that its task header matches it); the others
 * are plain calls.  Each accessor says from which thread it may be used. */
#ifndef ASYNCLAB_INSTRUMENT_H
#define ASYNCLAB_INSTRUMENT_H

#include <asynclab.h>
#include <pthread.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------------
 * Hooks: the scheduler's instrumentation points.  Every callback is
 * optional.  With no table installed, or with a table that leaves a hook
 * NULL, each of its points costs one predictable branch.  Callbacks run
 * on the thread of the event.
 * ------------------------------------------------------------------------ */

typedef enum ax_lock_kind {
	AX_LOCK_ASYNC = 0,    /* ax_mutex: may be held across awaits */
	AX_LOCK_BLOCKING = 1  /* ax_bmutex, ax_brwlock or a pthread lock */
} ax_lock_kind;

typedef enum ax_cancel_ev {
	AX_CANCEL_TOKEN = 0,	 /* a token was cancelled (obj = token) */
	AX_CANCEL_CHECK = 1,	 /* a task checked a token; arg = is_cancelled */
	AX_CANCEL_WAIT = 2,	 /* a task waits on a token's cancelled future */
	AX_CANCEL_ABORT = 3	 /* a task was asked to abort (obj = task) */
} ax_cancel_ev;

typedef enum ax_timer_ev {
	AX_TIMER_ARM = 0,    /* a timer was armed to wake a task at a deadline */
	AX_TIMER_CANCEL = 1, /* an armed timer was removed before it fired */
	AX_TIMER_FIRE = 2    /* a timer came due: it wakes its task next */
} ax_timer_ev;

struct ax_hooks {
	void *ud;
	void (*rt_start)(void *ud, ax_rt *rt);
	void (*rt_stop)(void *ud, ax_rt *rt);
	void (*spawn)(void *ud, ax_task *t, ax_task *parent, const char *future_name,
		      const ax_site *site);
	void (*poll_begin)(void *ud, ax_task *t);
	/* first_polls: futures that had their first poll during this poll
	 * (the sign that the task got somewhere). */
	void (*poll_end)(void *ud, ax_task *t, ax_poll_t r, uint32_t first_polls);
	/* target woken; by is the task polling on this thread (NULL outside a
	 * poll or on another thread); self_wake when target == by. */
	void (*wake)(void *ud, ax_task *target, ax_task *by, bool self_wake);
	void (*waker_clone)(void *ud, ax_task *t);
	void (*waker_drop)(void *ud, ax_task *t);
	void (*task_exit)(void *ud, ax_task *t, bool aborted);
	/* Called when a task is freed; the pointer may be reused after. */
	void (*task_free)(void *ud, ax_task *t);
	void (*timer_fire)(void *ud, uint64_t deadline_ns);
	void (*io_wait)(void *ud, int fd, bool begin);
	void (*lock)(void *ud, const void *lock, ax_lock_kind kind, bool acquire,
		     const ax_site *site);
	void (*future_create)(void *ud, ax_future *f, const ax_site *site);
	/* The first poll of a future the checker tracks (one with an id). */
	void (*future_first_poll)(void *ud, ax_future *f);
	void (*future_moved)(void *ud, ax_future *f, void *was);
	void (*future_drop)(void *ud, ax_future *f);
	void (*cancel)(void *ud, ax_cancel_ev ev, const void *obj, ax_task *t, bool arg);
	/* block_on found every task asleep with nothing left to wake one. */
	void (*deadlock)(void *ud, ax_rt *rt);
	/* The clock moved: virtual time jumped or was advanced. */
	void (*clock)(void *ud, uint64_t now_ns);
	/* The points below serve a scheduler trace (the checker's trace mode).
	 * t was appended to its runtime's run queue (spawned, woken, or
	 * requeued after a poll during which it was woken). */
	void (*ready)(void *ud, ax_task *t);
	/* A timer (its address while armed) armed, cancelled or fired; t is
	 * the task it wakes (NULL when unknown). */
	void (*timer)(void *ud, ax_timer_ev ev, const void *timer, uint64_t deadline_ns,
		      ax_task *t);
	/* The task polling waits for lock (held by another): an ax_mutex's
	 * lock future queued itself.  site: where it locks, when known. */
	void (*lock_wait)(void *ud, const void *lock, ax_lock_kind kind, const ax_site *site);
	/* A stream's poll_next returned r, called by one of the runtime's
	 * stream combinators or consumers (next, for_each, collect, ...). */
	void (*stream_next)(void *ud, ax_stream *s, ax_poll_t r);
	/* The wakes of `wake` that another task makes: by, polling on this
	 * thread, woke target (by != target).  A tool that needs only these
	 * leaves `wake` out and costs a task's wake of itself (a yield) no
	 * call. */
	void (*wake_other)(void *ud, ax_task *target, ax_task *by);
	/* The output of finished task t was taken by the task polling (by):
	 * its JoinHandle was awaited, or a task set's join_next gave it. */
	void (*join)(void *ud, ax_task *t, ax_task *by);
	/* The task polling took a permit of semaphore s (acquire: its
	 * acquire future completed or try_acquire succeeded) or gave one
	 * back (ax_sem_release).  permits: how many s was made with. */
	void (*sem)(void *ud, const void *s, size_t permits, bool acquire);
};

/* Install a hook table (NULL removes it).  A table replaced while tasks
 * run must stay valid for good: a poll that began under it ends under it
 * (poll_begin and poll_end come from one table). */
void ax_hooks_install(const ax_hooks *h);

/* A word per task for the owner of the hook table: set it in the spawn
 * hook, read it in the others (the checker keeps its per-task state
 * there).  Every task spawned while a table is installed has one; for
 * another task the set is ignored and the get returns NULL.  Use both
 * on the task's executor thread. */
void ax_task_set_hook_data(ax_task *t, void *data);
static inline void *ax_task_hook_data(const ax_task *t);

/* ------------------------------------------------------------------------
 * Read-only accessors: tasks
 * ------------------------------------------------------------------------ */

/* The fixed layout of the first 24 bytes of every task, for the inline
 * accessors only (read it through them, never write it).  word holds the
 * task's id, or, when AX__TASK_EXT is set, a pointer to its rarely needed
 * data, which begins with the hook word. */
struct ax__task_head {
	void *link;	/* private */
	void *word;	/* the id, or the ext record (AX__TASK_EXT) */
	uint32_t refs;	/* atomic: executor + JoinHandle + wakers + remote wakes */
	uint32_t state; /* AX__TASK_* bits; written by the executor's thread */
};
enum {
	AX__TASK_QUEUED = 1u << 0, /* queued, or to be requeued after its poll */
	AX__TASK_DONE = 1u << 2,   /* finished: its future was dropped */
	AX__TASK_HANDLE = 1u << 5, /* a JoinHandle is held */
	AX__TASK_EXT = 1u << 7,	   /* word points to the ext record */
	AX__TASK_DAEMON = 1u << 12 /* an intentional background task (ax_task_daemon) */
};

static inline uint32_t ax__task_state(const ax_task *t)
{
	return __atomic_load_n(&((const struct ax__task_head *)(const void *)t)->state,
			       __ATOMIC_RELAXED);
}

static inline void *ax_task_hook_data(const ax_task *t)
{
	if (!t || !(ax__task_state(t) & AX__TASK_EXT))
		return (void *)0;
	void *const *ext = (void *const *)((const struct ax__task_head *)(const void *)t)->word;
	return ext[0];
}

/* True when t is in its runtime's run queue, or will be requeued when its
 * current poll ends: read in poll_end, it says the task was woken during
 * that poll (on its executor's thread only the task itself runs then).
 * Executor thread. */
static inline bool ax_task_is_queued(const ax_task *t)
{
	return (ax__task_state(t) & AX__TASK_QUEUED) != 0;
}

/* True when the program marked t as a daemon with ax_task_daemon (or
 * spawned it with AX_SPAWN_DAEMON): a background task meant to run until
 * its runtime shuts down, so one still pending then is no leak.  Executor
 * thread. */
static inline bool ax_task_is_daemon(const ax_task *t)
{
	return (ax__task_state(t) & AX__TASK_DAEMON) != 0;
}

/* The references on an unfinished task besides the executor's and the
 * JoinHandle's: one per waker held anywhere, plus one per wake from
 * another thread the executor has not handled yet.  Zero or less means
 * nothing can wake the task.  Meaningless once the task is finished.
 * Executor thread. */
static inline int32_t ax_task_wakers_held(const ax_task *t)
{
	uint32_t refs = __atomic_load_n(&((const struct ax__task_head *)(const void *)t)->refs,
					__ATOMIC_RELAXED);
	return (int32_t)refs - 1 - ((ax__task_state(t) & AX__TASK_HANDLE) ? 1 : 0);
}

/* The runtime t belongs to.  Any thread, while t is alive. */
ax_rt *ax_task_rt(const ax_task *t);
/* The task's own future (the one it was spawned with).  Executor thread. */
ax_future *ax_task_future(ax_task *t);
/* The task being polled on this thread: the runtime's current task while
 * its runtime has it running, so NULL outside a poll and while the
 * future of a finished task is dropped.  Any thread (about itself). */
ax_task *ax_task_polling(void);

/* ------------------------------------------------------------------------
 * Read-only accessors: runtimes.  The runtime publishes these in relaxed
 * atomics, so a watchdog thread may sample them without a hook call.
 * ------------------------------------------------------------------------ */

/* The task being polled by rt's executor, or NULL between polls.  Any
 * thread. */
ax_task *ax_rt_running(const ax_rt *rt);
/* Polls rt has begun; it changes when a new poll starts.  Any thread. */
uint64_t ax_rt_polls(const ax_rt *rt);
/* Futures that had their first poll on rt so far (a sign of progress,
 * counted without a hook).  Executor thread. */
uint64_t ax_rt_first_polls(const ax_rt *rt);
/* The thread that drives rt: its creator, then the last to enter
 * block_on.  Any thread. */
pthread_t ax_rt_thread(const ax_rt *rt);
/* The root task of the block_on running on rt, or NULL.  Executor
 * thread. */
ax_task *ax_rt_root(const ax_rt *rt);

/* ------------------------------------------------------------------------
 * Clock
 * ------------------------------------------------------------------------ */

/* Advance the current runtime's virtual clock by ns (no-op on a real
 * clock); used by the checker to let an intercepted blocking sleep show
 * on the timeline.  Timers that come due fire at the next idle point. */
void ax_clock_advance(uint64_t ns);
/* Whether the current runtime runs on the virtual clock. */
bool ax_clock_is_virtual(void);

/* ------------------------------------------------------------------------
 * Threads
 * ------------------------------------------------------------------------ */

/* Count delta more (or, negative, fewer) threads of the tool's own that
 * never hold, wake or drop a waker (a watchdog, a sampler): +1 once one
 * is started, -1 once it has ended.  When every task sleeps with nothing
 * registered to wake one, but wakers the program cloned are still held,
 * the runtime waits for them only if the process has a thread besides
 * the executor's, its blocking workers and the threads counted here (see
 * docs/runtime.md, "Threads"): an uncounted watchdog would turn each
 * deadlock into a wait.  Any thread. */
void ax_instrument_quiet_threads(int delta);

/* The lock a runtime with N workers takes around its shared state (the
 * workers contend for it by design), or NULL with one worker: a tool that
 * reports contended locks inside polls leaves this one out.  Any thread. */
const void *ax_instrument_rt_lock(const ax_rt *rt);

/* The calling thread's worker of rt: its number from 1, with *of the
 * number of workers and *turns 1 when they take turns (the virtual
 * clock); 0 when rt has one worker or the thread is not one of its
 * workers. */
int ax_instrument_worker(const ax_rt *rt, int *of, int *turns);

/* Call fn for each task queued on the calling worker, the one it runs
 * next first, at most max of them, under the runtime's lock (no task can
 * run or end meanwhile, so fn may read them); returns how many are
 * queued.  0 when the thread is not a worker of a runtime whose workers
 * run side by side. */
size_t ax_instrument_worker_queued(void (*fn)(void *ud, ax_task *t), void *ud, size_t max);

/* Worker i (from 0) of rt as another thread sees it (a stall watchdog):
 * its thread, its kernel thread id (0, and thread 0, until it has
 * started), the task it is polling (NULL between polls; it may have
 * ended by the time it is looked at) and how many polls it has begun.
 * Returns 0, or -1 when rt has no worker i (one worker, or not yet
 * started).  Relaxed loads only: async-signal-safe, any thread. */
typedef struct ax_instrument_wpoll {
	pthread_t thread;
	int tid;
	ax_task *running;
	uint64_t polls;
} ax_instrument_wpoll;
int ax_instrument_worker_poll(const ax_rt *rt, int i, ax_instrument_wpoll *out);

/* ax_instrument_worker_queued for worker i of rt from any thread: the
 * runtime's lock is only tried, never waited for.  Returns how many tasks
 * are queued on worker i, or -1 when the lock was busy (nothing was
 * called); 0 when the workers do not run side by side. */
long ax_instrument_worker_queued_on(ax_rt *rt, int i,
				    void (*fn)(void *ud, ax_task *t), void *ud, size_t max);

/* The runtime's real clock in ns: monotonic time since the program
 * started, what ax_now reads on a real-clock runtime, whatever clock the
 * calling thread's runtime runs on.  Any thread, async-signal-safe. */
uint64_t ax_instrument_real_ns(void);

#ifdef __cplusplus
}
#endif
#endif /* ASYNCLAB_INSTRUMENT_H */
