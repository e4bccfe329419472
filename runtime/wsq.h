/* wsq.h - the queues of a multi-worker scheduler: a per-worker run
 * queue that other workers steal from, a LIFO slot, a shared injection
 * queue for tasks queued from outside the workers, and the parking of
 * idle workers without lost wake-ups.
 *
 * A runtime with one worker keeps its own FIFO (rt.c); these are the
 * parts a runtime with N workers is built from (mt.c), with their own
 * tests (tests/runtime/check_wsq.c).  What a worker does on every task
 * (its own push and pop, the fast part of finding its next task) is
 * inline here.  They only move task pointers:
 * nothing here reads a task but its `next` link (the injection queue's
 * list).  See docs/architecture.md, "Scheduler queues".
 *
 * The local queue is a ring of AX_WSQ_CAP slots with two counters:
 * `tail`, written only by the owner, and `head`, advanced by compare-
 * and-swap by whoever takes from it (the owner popping, a thief stealing
 * half, the owner moving half to the injection queue when the ring is
 * full).  A taker first reads the slots it wants and then claims them
 * with one CAS on head; slots in [head, tail) are never written while
 * head has not moved, so a successful CAS proves what it read was
 * current.  Both steps are exposed (ax__wsq_take_begin/_commit) so that
 * a test can run the owner between them. */
#ifndef ASYNCLAB_WSQ_H
#define ASYNCLAB_WSQ_H

#include "internal.h"

#include <stdint.h>

#define AX_WSQ_CAP 256u /* slots of a local queue (a power of two) */
#define AX_WSQ_MASK (AX_WSQ_CAP - 1)
/* Polls between looks at the injection queue ahead of the local one, so
 * that tasks woken from outside are not starved by a busy worker. */
#define AX_WSQ_INJECT_INTERVAL 61u
/* Polls in a row from the LIFO slot before it yields to the queue. */
#define AX_WSQ_LIFO_MAX 3u

typedef struct ax__wsq {
	_Alignas(64) _Atomic uint32_t head; /* next slot to take */
	_Alignas(64) _Atomic uint32_t tail; /* next slot to fill (owner only) */
	_Atomic(ax_task *) buf[AX_WSQ_CAP];
} ax__wsq;

/* Tasks queued from outside the workers, or moved out of a full local
 * queue: a list through ax_task.next under a mutex.  `len` is readable
 * without the lock (an idle worker's first look). */
typedef struct ax__inject {
	pthread_mutex_t lock;
	ax_task *head, *tail;
	_Atomic size_t len;
	int closed; /* after shutdown: pushes are refused */
} ax__inject;

/* A claim on slots of a local queue, read but not yet taken. */
typedef struct ax__wsq_take {
	uint32_t head; /* head when read */
	uint32_t n;    /* slots read */
	ax_task *t[AX_WSQ_CAP / 2 + 1];
} ax__wsq_take;

/* Counts a worker keeps of the tasks it spawns and frees without the
 * runtime lock: written only by the worker, with a plain store of one
 * more (no locked instruction), and read by ax_rt_stats_get on any
 * thread, which adds every worker's to the runtime's own count. */
typedef struct ax__wcount {
	_Atomic int64_t live;	  /* spawned less freed (may go below 0) */
	_Atomic uint64_t spawned;
} ax__wcount;

/* One worker: its queue, its LIFO slot (the task it woke last, run
 * next; stolen like the queue when the worker is busy with something
 * else, such as a task that blocks its thread) and the state of its
 * search for work. */
typedef struct ax__worker {
	ax__wsq q;
	_Atomic(ax_task *) lifo;
	unsigned lifo_run; /* polls in a row taken from the slot */
	unsigned ticks;	   /* tasks taken, for AX_WSQ_INJECT_INTERVAL */
	unsigned idx;
	uint64_t rng; /* which worker to try to steal from first */
	/* Counts, for tests and statistics: written by the owner with a
	 * plain store, read by ax_rt_stats_get on any thread. */
	_Atomic uint64_t stolen, steals;
	/* What the worker is polling, for the checker's stall watchdog on
	 * another thread (ax_instrument_worker_poll): written by the worker
	 * (mt.c), read with relaxed loads.  A line of their own: thieves
	 * read the fields above. */
	_Alignas(64) _Atomic(ax_task *) running; /* NULL between polls */
	_Atomic uint64_t polls;			 /* polls begun */
	/* What the worker spawned and freed without the lock (mt.c). */
	ax__wcount cnt;
	_Atomic pthread_t thread;
	_Atomic int tid; /* kernel thread id; 0 until the thread runs */
} ax__worker;

/* Idle workers wait here.  `sleepers` is read by every push that could
 * give an idle worker something to do; `tokens` counts notifications
 * not yet taken, so that one sent while the worker looks a last time
 * for work is not lost. */
typedef struct ax__idle {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	_Atomic int sleepers;
	int tokens;
	int shutdown;
} ax__idle;

typedef struct ax__sched {
	ax__worker *w;
	unsigned n;
	ax__inject inj;
	ax__idle idle;
	/* A worker that waits elsewhere than on the idle list (the one
	 * that waits for timers and descriptors in epoll): told of work
	 * when no worker sleeps on the list. */
	_Atomic int driver_parked;
	void (*unpark_driver)(void *ud);
	void *ud;
} ax__sched;

/* Local queue, owner side. */
void ax__wsq_init(ax__wsq *q);
static inline uint32_t ax__wsq_len(const ax__wsq *q)
{
	uint32_t t = atomic_load_explicit(&q->tail, memory_order_acquire);
	uint32_t h = atomic_load_explicit(&q->head, memory_order_acquire);
	return t - h <= AX_WSQ_CAP ? t - h : 0;
}
/* Append t; when the ring is full, move its older half with t to inj.
 * Returns how many tasks went to inj (0 in the common case).  Inline on
 * the workers' paths; the full ring is ax__wsq_push_full's. */
uint32_t ax__wsq_push_full(ax__wsq *q, ax_task *t, ax__inject *inj);
static inline uint32_t ax__wsq_push(ax__wsq *q, ax_task *t, ax__inject *inj)
{
	uint32_t tl = atomic_load_explicit(&q->tail, memory_order_relaxed);
	uint32_t h = atomic_load_explicit(&q->head, memory_order_acquire);
	if (AX_LIKELY(tl - h < AX_WSQ_CAP)) {
		atomic_store_explicit(&q->buf[tl & AX_WSQ_MASK], t, memory_order_relaxed);
		atomic_store_explicit(&q->tail, tl + 1, memory_order_release);
		return 0;
	}
	return ax__wsq_push_full(q, t, inj);
}
/* The oldest task, or NULL. */
static inline ax_task *ax__wsq_pop(ax__wsq *q)
{
	for (;;) {
		uint32_t h = atomic_load_explicit(&q->head, memory_order_acquire);
		uint32_t tl = atomic_load_explicit(&q->tail, memory_order_relaxed);
		if (h == tl)
			return NULL;
		ax_task *t = atomic_load_explicit(&q->buf[h & AX_WSQ_MASK], memory_order_relaxed);
		if (atomic_compare_exchange_weak_explicit(&q->head, &h, h + 1,
							  memory_order_acq_rel,
							  memory_order_relaxed))
			return t;
	}
}

/* Taking several slots, any thread: read up to `want` of the oldest
 * slots (0: half of them, rounded up) (begin), then claim them (commit: 1, or 0 when another taker
 * moved head in between and nothing was taken). */
void ax__wsq_take_begin(ax__wsq *q, uint32_t want, ax__wsq_take *tk);
int ax__wsq_take_commit(ax__wsq *q, const ax__wsq_take *tk);
/* Steal half (rounded up) of src's tasks into dst, whose owner calls
 * this: returns one of them to run now and queues the others in dst, or
 * NULL when src had none. */
ax_task *ax__wsq_steal(ax__wsq *dst, ax__wsq *src);

/* Injection queue, any thread. */
int ax__inject_init(ax__inject *inj);
void ax__inject_destroy(ax__inject *inj);
/* Append the list first..last (n tasks, linked through next); returns
 * 0, or -ESHUTDOWN once closed (nothing is appended).  A full local
 * queue's overflow is appended even then: those tasks are the
 * scheduler's already. */
int ax__inject_push_list(ax__inject *inj, ax_task *first, ax_task *last, size_t n);
/* The oldest task, or NULL. */
ax_task *ax__inject_pop(ax__inject *inj);
/* Refuse pushes from now on; returns the tasks still queued (a list). */
ax_task *ax__inject_close(ax__inject *inj);

/* The scheduler: n workers, an injection queue and the idle list. */
int ax__sched_init(ax__sched *s, unsigned n, uint64_t seed);
void ax__sched_destroy(ax__sched *s);
/* Wake one sleeping worker, if one sleeps (or unpark the driver). */
void ax__sched_wake_one(ax__sched *s);
/* Worker w's thread: queue t to run on w; lifo puts it in w's LIFO slot
 * (its former task goes to the queue).  Tells an idle worker when w has
 * more than it runs next. */
static inline void ax__sched_push_local(ax__sched *s, ax__worker *w, ax_task *t, int lifo)
{
	if (lifo) {
		/* Only w puts a task in its slot; thieves only take one out.
		 * So an empty slot stays empty until w fills it: a store. */
		if (!atomic_load_explicit(&w->lifo, memory_order_relaxed)) {
			atomic_store_explicit(&w->lifo, t, memory_order_release);
			return; /* w runs it next (see below) */
		}
		t = atomic_exchange_explicit(&w->lifo, t, memory_order_acq_rel);
		if (!t)
			return;
	}
	ax__wsq_push(&w->q, t, &s->inj);
	/* Work for another worker when w holds more than the one task it
	 * runs next: wake one if one sleeps (a fenced look, notify_one).
	 * The one task w runs next wakes nobody (a spawned task whose
	 * spawner ends, a message's receiver right after its sender):
	 * waking a worker for it would only move it away, at the price of a
	 * wake-up per task.  tokio's workers decide the same way; and as
	 * there, that task waits for w if w's poll under way blocks its
	 * thread, unless a worker already awake takes it. */
	if (ax__wsq_len(&w->q) + (atomic_load_explicit(&w->lifo, memory_order_relaxed) != NULL) > 1)
		ax__sched_wake_one(s);
}
/* Any thread: queue t for whichever worker is free, and unpark one.
 * Returns 0 or -ESHUTDOWN. */
int ax__sched_push_remote(ax__sched *s, ax_task *t);
/* Worker w's thread: the next task for w (LIFO slot, then its queue,
 * with the injection queue first every AX_WSQ_INJECT_INTERVAL takes;
 * then the injection queue; then half of another worker's queue, or
 * its LIFO slot), or NULL when there is none anywhere.  Inline; the
 * injection queue and stealing are ax__sched_next_away's. */
ax_task *ax__sched_next_away(ax__sched *s, ax__worker *w);
static inline ax_task *ax__sched_next(ax__sched *s, ax__worker *w)
{
	ax_task *t;
	if (AX_UNLIKELY(++w->ticks % AX_WSQ_INJECT_INTERVAL == 0) &&
	    (t = ax__inject_pop(&s->inj)) != NULL)
		return t; /* now and then, what came from outside first */
	if (atomic_load_explicit(&w->lifo, memory_order_relaxed)) {
		t = atomic_exchange_explicit(&w->lifo, NULL, memory_order_acq_rel);
		if (t && w->lifo_run < AX_WSQ_LIFO_MAX) {
			w->lifo_run++;
			return t;
		}
		/* The slot has had its turns: to the back of the queue. */
		if (t)
			ax__wsq_push(&w->q, t, &s->inj);
	}
	w->lifo_run = 0;
	if ((t = ax__wsq_pop(&w->q)) != NULL)
		return t;
	return ax__sched_next_away(s, w);
}
/* Whether any queue or LIFO slot holds a task (a worker's last look
 * before parking). */
int ax__sched_has_work(ax__sched *s);
/* Worker w's thread, having found nothing: wait until notified (a push
 * that another worker could take), shutdown, or timeout_ms (-1:
 * forever).  Returns 1 when it should look for work, 2 when the time ran
 * out, 0 at shutdown. */
int ax__sched_park(ax__sched *s, ax__worker *w, int timeout_ms);
/* Wake every parked worker for good: parks return 0 from now on. */
void ax__sched_shutdown(ax__sched *s);

#endif /* ASYNCLAB_WSQ_H */
