/* mt.c - a runtime with N worker threads (ax_rt_opts.workers > 1).
 *
 * Each worker runs tasks from its own queue, its LIFO slot, the shared
 * injection queue, and what it steals from the others (wsq.c).  Polls
 * run in parallel.  A worker takes a task in and out of its poll, queues
 * woken tasks, and spawns and frees tasks without a lock (atomic changes
 * of the task's state word, ax__task_run_par; a cache of task memory,
 * below); the primitives, timers and descriptors are guarded by the
 * runtime lock (AX_MT_SCOPE, internal.h).
 *
 * One idle worker at a time is the driver: it fires timers, waits in
 * epoll for descriptors, the eventfd and the next deadline, drains the
 * remote queue, moves the virtual clock and decides that nothing can
 * ever wake a task (a deadlock), exactly as the single-threaded loop
 * does when it has nothing to run (rt.c, ax__rt_idle), but only once no
 * other worker is running anything: `busy` counts the workers that are
 * not asleep.  The others sleep on the idle list.
 *
 * The thread that calls block_on is not a worker: it queues the root
 * task from outside and waits until the root is done or the driver
 * finds a deadlock. */
#include "wsq.h"

#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

struct ax__mt {
	ax__sched s;
	ax_rt *rt;
	pthread_t *threads;
	unsigned nthreads;
	_Atomic int stop;
	/* Under the runtime lock: */
	int busy;	   /* workers not asleep on the idle list */
	int driving;	   /* a worker is the driver */
	ax_task *until;	   /* block_on's root while it waits, or NULL */
	int result;	   /* block_on's outcome: 0, or -EDEADLK */
	pthread_cond_t done; /* block_on waits here (with the runtime lock) */
	/* Taking turns (the virtual clock): whose turn it is, and where the
	 * others wait for theirs. */
	unsigned turn;
	uint64_t turn_rng;
	pthread_cond_t turn_cond;
};

int ax__mt_alive;

/* The worker the calling thread is, and its runtime. */
static AX_TLS ax__worker *cur_worker;
static AX_TLS ax_rt *cur_worker_rt;

/* The runtime lock.  Its holder is known by the address of a variable
 * of its thread: only that thread can find its own address there. */
static AX_TLS char mt_self;

void ax__mt_lock(ax_rt *rt)
{
	if (atomic_load_explicit(&rt->mt_owner, memory_order_relaxed) == &mt_self) {
		rt->mt_depth++;
		return;
	}
	pthread_mutex_lock(&rt->mt_lock);
	atomic_store_explicit(&rt->mt_owner, &mt_self, memory_order_relaxed);
	rt->mt_depth = 1;
}

/* ax__mt_lock if the lock is free or already the caller's: 1, else 0. */
static int mt_trylock(ax_rt *rt)
{
	if (atomic_load_explicit(&rt->mt_owner, memory_order_relaxed) == &mt_self) {
		rt->mt_depth++;
		return 1;
	}
	if (pthread_mutex_trylock(&rt->mt_lock) != 0)
		return 0;
	atomic_store_explicit(&rt->mt_owner, &mt_self, memory_order_relaxed);
	rt->mt_depth = 1;
	return 1;
}

unsigned ax__mt_release_all(ax_rt *rt)
{
	unsigned d = rt->mt_depth;
	rt->mt_depth = 0;
	atomic_store_explicit(&rt->mt_owner, NULL, memory_order_relaxed);
	pthread_mutex_unlock(&rt->mt_lock);
	return d;
}

void ax__mt_reacquire(ax_rt *rt, unsigned depth)
{
	pthread_mutex_lock(&rt->mt_lock);
	atomic_store_explicit(&rt->mt_owner, &mt_self, memory_order_relaxed);
	rt->mt_depth = depth;
}

void ax__mt_cond_wait(ax_rt *rt, pthread_cond_t *c)
{
	unsigned d = rt->mt_depth;
	rt->mt_depth = 0;
	atomic_store_explicit(&rt->mt_owner, NULL, memory_order_relaxed);
	pthread_cond_wait(c, &rt->mt_lock);
	atomic_store_explicit(&rt->mt_owner, &mt_self, memory_order_relaxed);
	rt->mt_depth = d;
}

ax_rt *ax__mt_lock_rt(ax_rt *rt)
{
	if (!rt->mt)
		return NULL;
	ax__mt_lock(rt);
	return rt;
}

ax_rt *ax__mt_lock_cur(void)
{
	ax_rt *rt = ax__cur_rt;
	return rt ? ax__mt_lock_rt(rt) : NULL;
}

void ax__spin_wait(ax__spin *l)
{
	for (unsigned n = 0;; n++) {
		if (!atomic_load_explicit(&l->v, memory_order_relaxed) &&
		    !atomic_exchange_explicit(&l->v, 1, memory_order_acquire))
			return;
		/* A holder preempted by the kernel holds it for a time slice:
		 * after a short spin give the processor up to it. */
		if (n < 64) {
#if defined(__x86_64__) || defined(__i386__)
			__builtin_ia32_pause();
#elif defined(__aarch64__)
			__asm__ volatile("yield");
#endif
		} else {
			sched_yield();
		}
	}
}

void ax__mt_unlock(ax_rt *rt)
{
	if (--rt->mt_depth == 0) {
		atomic_store_explicit(&rt->mt_owner, NULL, memory_order_relaxed);
		pthread_mutex_unlock(&rt->mt_lock);
	}
}

static void unpark_driver(void *ud)
{
	ax__rt_unpark(ud);
}

void ax__mt_push(ax_rt *rt, ax_task *t, int lifo)
{
	ax__mt *mt = rt->mt;
	if (cur_worker_rt == rt)
		ax__sched_push_local(&mt->s, cur_worker, t, lifo);
	else
		(void)ax__sched_push_remote(&mt->s, t); /* refused only at shutdown,
							 when the runtime drops
							 every task anyway */
}

/* Put t, which the calling worker has just polled, back on its queue:
 * no new work, so no look for a sleeping worker to wake (the push that
 * first queued it made that look).  A yield costs one fenced
 * instruction less. */
void ax__mt_requeue(ax_rt *rt, ax_task *t)
{
	ax__wsq_push(&cur_worker->q, t, &rt->mt->s.inj);
}

int ax__mt_has_ready(ax_rt *rt)
{
	ax__mt *mt = rt->mt;
	return ax__sched_has_work(&mt->s);
}

int ax__mt_others_busy(ax_rt *rt)
{
	return rt->mt->busy > 1;
}

void ax__mt_driver_parking(ax_rt *rt, int parked)
{
	atomic_store(&rt->mt->s.driver_parked, parked);
	if (parked)
		atomic_thread_fence(memory_order_seq_cst);
}

void ax__mt_root_done(ax_rt *rt)
{
	pthread_cond_broadcast(&rt->mt->done);
}

/* The idle path of a worker that found no task: under the lock, look at
 * the remote queue; drive if nobody does; else go to sleep.  Returns 0
 * when the worker is to stop. */
static int worker_idle(ax_rt *rt, ax__mt *mt, ax__worker *w)
{
	ax__mt_lock(rt);
	ax__remote_drain(rt);
	if (ax__mt_has_ready(rt)) {
		ax__mt_unlock(rt);
		return 1;
	}
	if (mt->until && mt->result == 0 && !mt->driving && !atomic_load(&mt->stop)) {
		mt->driving = 1;
		int r = ax__rt_idle(rt);
		mt->driving = 0;
		if (r < 0 && mt->until) {
			mt->result = r;
			pthread_cond_broadcast(&mt->done);
		} else if (ax__mt_has_ready(rt)) {
			/* Off to run what the timers and descriptors woke: a
			 * sleeping worker takes over the driving, so that a task
			 * here that blocks its thread holds up no timer. */
			ax__sched_wake_one(&mt->s);
		}
		ax__mt_unlock(rt);
		return !atomic_load(&mt->stop);
	}
	mt->busy--;
	/* The last one besides a driver waiting in epoll: the driver may
	 * now move the clock or find a deadlock. */
	if (mt->busy == 1 && mt->driving)
		ax__rt_unpark(rt);
	ax__mt_unlock(rt);
	int r = ax__sched_park(&mt->s, w, -1);
	ax__mt_lock(rt);
	mt->busy++;
	ax__mt_unlock(rt);
	return r != 0 && !atomic_load(&mt->stop);
}

/* Poll t on worker w, published for the checker's watchdog
 * (ax_instrument_worker_poll). */
static inline void run_on(ax_rt *rt, ax__worker *w, ax_task *t)
{
	AX__OWNER_ADD(&w->polls, 1);
	atomic_store_explicit(&w->running, t, memory_order_relaxed);
	ax__task_run(rt, t);
	atomic_store_explicit(&w->running, NULL, memory_order_relaxed);
}

typedef struct worker_arg {
	ax__mt *mt;
	ax__worker *w;
} worker_arg;

/* Taking turns.  With the virtual clock the workers keep one queue,
 * the single-worker one with its seeded order, and one of them at a
 * time runs the loop: a poll, then the turn goes to the worker the seed
 * picks (the next one without a seed).  A run is then as reproducible
 * as with one worker, and its tasks still move between threads.  Tasks
 * run only while block_on waits for a root that is not done, as with
 * one worker. */
static void pass_turn(ax__mt *mt)
{
	unsigned n = mt->s.n, next = mt->rt->seed ? (unsigned)(ax__rand(&mt->turn_rng) % n)
						  : (mt->turn + 1) % n;
	if (next != mt->turn) {
		mt->turn = next;
		pthread_cond_broadcast(&mt->turn_cond);
	}
}

static void turns_loop(ax_rt *rt, ax__mt *mt, ax__worker *w)
{
	unsigned n = 0;
	ax__mt_lock(rt);
	while (!atomic_load_explicit(&mt->stop, memory_order_relaxed)) {
		if (mt->turn != w->idx || !mt->until || (ax__ts(mt->until) & T_DONE) ||
		    mt->result) {
			ax__mt_cond_wait(rt, &mt->turn_cond);
			continue;
		}
		ax_task *t = ax__rq_pop(rt);
		if (t) {
			run_on(rt, w, t); /* unlocks around the poll */
			if (++n == AX_EVENT_INTERVAL) {
				n = 0;
				ax__rt_between_polls(rt, 1);
			}
			pass_turn(mt);
			continue;
		}
		ax__remote_drain(rt);
		if (rt->rq_head)
			continue;
		int r = ax__rt_idle(rt);
		if (r < 0 && mt->until) {
			mt->result = r;
			pthread_cond_broadcast(&mt->done);
		}
	}
	ax__mt_unlock(rt);
}

/* Polls and first polls a worker made without the lock, added to the
 * runtime's counts when it goes idle and between polls (every
 * AX_EVENT_INTERVAL): one shared write each instead of one per poll. */
static AX_TLS uint64_t w_polls;
AX_TLS uint64_t ax__mt_w_first;
AX_TLS ax_rt *ax__mt_par_rt;

void ax__mt_count_spawn(void)
{
	AX__OWNER_ADD(&cur_worker->cnt.live, 1);
	AX__OWNER_ADD(&cur_worker->cnt.spawned, 1);
}

void ax__mt_count_free(void)
{
	AX__OWNER_ADD(&cur_worker->cnt.live, -1);
}

void ax__mt_counts(ax_rt *rt, int64_t *live, uint64_t *spawned)
{
	*live = 0;
	*spawned = 0;
	if (!rt->mt)
		return;
	for (unsigned i = 0; i < rt->mt->s.n; i++) {
		ax__wcount *c = &rt->mt->s.w[i].cnt;
		*live += atomic_load_explicit(&c->live, memory_order_relaxed);
		*spawned += atomic_load_explicit(&c->spawned, memory_order_relaxed);
	}
}

/* The slots of the tasks this worker freed (ax__mt_defer_free), by
 * size class, linked by next, and how many: handed out again to the
 * tasks it spawns (ax__mt_alloc), the rest given back to the slab when
 * it idles or holds more than W_CACHE_MAX. */
#define W_CACHE_MAX 256u
static AX_TLS ax_task *w_cache[AX_SLAB_CLASSES + 1];
static AX_TLS unsigned w_cached;

static ax__chunk *chunk_of(const ax_task *t)
{
	return (ax__chunk *)((uintptr_t)t & ~(uintptr_t)(AX_SLAB_CHUNK - 1));
}

static void flush_frees(ax_rt *rt)
{
	if (!w_cached)
		return;
	ax__mt_lock(rt);
	for (unsigned c = 1; c <= AX_SLAB_CLASSES; c++) {
		if (w_cache[c]) {
			ax__task_free_list(rt, w_cache[c]);
			w_cache[c] = NULL;
		}
	}
	ax__mt_unlock(rt);
	w_cached = 0;
}

/* Keep slot t (marked free, so that nothing visits it) in the cache. */
static void cache_slot(ax_rt *rt, ax_task *t)
{
	ax__ts_init(t, T_FREE);
	unsigned cls = chunk_of(t)->slot_size / 8u;
	t->next = w_cache[cls];
	w_cache[cls] = t;
	if (++w_cached > W_CACHE_MAX)
		flush_frees(rt);
}

int ax__mt_defer_free(ax_rt *rt, ax_task *t)
{
	if (cur_worker_rt != rt || chunk_of(t)->large)
		return 0;
	ax__task_ext_free(t);
	ax__mt_count_free();
	cache_slot(rt, t);
	return 1;
}

ax_task *ax__mt_alloc(ax_rt *rt, size_t size)
{
	size_t cls = (size + 7u) / 8u;
	if (cls <= AX_SLAB_CLASSES && w_cache[cls]) {
		ax_task *t = w_cache[cls];
		w_cache[cls] = t->next;
		w_cached--;
		return t;
	}
	ax__mt_lock(rt);
	ax_task *t = ax__slab_alloc(rt, size);
	ax__mt_unlock(rt);
	return t;
}

void ax__mt_free_slot(ax_rt *rt, ax_task *t)
{
	if (!chunk_of(t)->large) {
		cache_slot(rt, t);
		return;
	}
	ax__mt_lock(rt);
	ax__slab_free(rt, t);
	ax__mt_unlock(rt);
}

static void flush_counts(ax_rt *rt)
{
	if (w_polls) {
		atomic_fetch_add_explicit(&rt->polls, w_polls, memory_order_relaxed);
		w_polls = 0;
	}
	if (ax__mt_w_first) {
		__atomic_fetch_add(&rt->first_polls, ax__mt_w_first, __ATOMIC_RELAXED);
		ax__mt_w_first = 0;
	}
}

void ax__mt_first_poll(ax_rt *rt)
{
	/* Hooks compare the count before and after each poll: counted at
	 * once while they watch. */
	if (cur_worker_rt == rt && !AX__HOOKS())
		ax__mt_w_first++;
	else
		__atomic_fetch_add(&rt->first_polls, 1, __ATOMIC_RELAXED);
}

static void *worker_run(void *arg)
{
	worker_arg wa = *(worker_arg *)arg;
	free(arg);
	ax__mt *mt = wa.mt;
	ax__worker *w = wa.w;
	ax_rt *rt = mt->rt;
	ax__set_cur_rt(rt);
	cur_worker = w;
	cur_worker_rt = rt;
	atomic_store_explicit(&w->thread, pthread_self(), memory_order_relaxed);
	atomic_store_explicit(&w->tid, (int)syscall(SYS_gettid), memory_order_release);
	if (!rt->mt_par) {
		turns_loop(rt, mt, w);
		cur_worker = NULL;
		cur_worker_rt = NULL;
		ax__set_cur_rt(NULL);
		return NULL;
	}
	/* No lock is held from one poll to the next (ax__task_run_par),
	 * except while hooks watch: then each poll runs as on one worker,
	 * under the lock, which it lets go for the future's own poll. */
	ax__mt_par_rt = rt;
	unsigned n = 0;
	while (!atomic_load_explicit(&mt->stop, memory_order_relaxed)) {
		ax_task *t = ax__sched_next(&mt->s, w);
		if (!t) {
			flush_counts(rt);
			flush_frees(rt);
			if (!worker_idle(rt, mt, w))
				break;
			continue;
		}
		if (AX_LIKELY(!AX__HOOKS())) {
			ax__task_run_par(rt, t);
			w_polls++;
		} else {
			ax__mt_lock(rt);
			run_on(rt, w, t); /* unlocks around the poll */
			ax__mt_unlock(rt);
		}
		if (++n == AX_EVENT_INTERVAL) {
			n = 0;
			flush_counts(rt);
			ax__mt_lock(rt);
			/* (The driver, when there is one, waits in epoll.) */
			ax__rt_between_polls(rt, !mt->driving);
			ax__mt_unlock(rt);
		}
	}
	flush_counts(rt);
	flush_frees(rt);
	ax__mt_par_rt = NULL;
	cur_worker = NULL;
	cur_worker_rt = NULL;
	ax__set_cur_rt(NULL);
	return NULL;
}

int ax__mt_start(ax_rt *rt, int workers)
{
	pthread_mutexattr_t a;
	pthread_mutexattr_init(&a);
	pthread_mutexattr_settype(&a, PTHREAD_MUTEX_ADAPTIVE_NP);
	int e = pthread_mutex_init(&rt->mt_lock, &a);
	pthread_mutexattr_destroy(&a);
	if (e)
		return -e;
	ax__mt *mt = calloc(1, sizeof *mt);
	if (!mt)
		goto fail_lock;
	if (ax__sched_init(&mt->s, (unsigned)workers, rt->seed) < 0)
		goto fail_mt;
	if (pthread_cond_init(&mt->done, NULL))
		goto fail_sched;
	if (pthread_cond_init(&mt->turn_cond, NULL)) {
		pthread_cond_destroy(&mt->done);
		goto fail_sched;
	}
	mt->turn_rng = rt->seed;
	mt->s.unpark_driver = unpark_driver;
	mt->s.ud = rt;
	mt->rt = rt;
	mt->threads = calloc((size_t)workers, sizeof *mt->threads);
	if (!mt->threads)
		goto fail_cond;
	mt->busy = workers;
	__atomic_fetch_add(&ax__mt_alive, 1, __ATOMIC_RELAXED);
	rt->mt_par = rt->clock != AX_CLOCK_VIRTUAL;
	rt->workers = workers;
	/* Published last: the checker's watchdog may look from its thread
	 * (ax_instrument_worker_poll). */
	__atomic_store_n(&rt->mt, mt, __ATOMIC_RELEASE);
	for (int i = 0; i < workers; i++) {
		worker_arg *wa = malloc(sizeof *wa);
		if (wa)
			*wa = (worker_arg){ mt, &mt->s.w[i] };
		if (!wa || pthread_create(&mt->threads[i], NULL, worker_run, wa) != 0) {
			free(wa);
			ax__mt_stop(rt);
			ax__mt_free(rt);
			return -EAGAIN;
		}
		mt->nthreads++;
	}
	return 0;
fail_cond:
	pthread_cond_destroy(&mt->turn_cond);
	pthread_cond_destroy(&mt->done);
fail_sched:
	ax__sched_destroy(&mt->s);
fail_mt:
	free(mt);
fail_lock:
	pthread_mutex_destroy(&rt->mt_lock);
	return -ENOMEM;
}

/* block_on's wait, with the runtime lock held once: until the root is
 * done (0) or the driver finds that nothing can wake it (-EDEADLK). */
int ax__mt_wait(ax_rt *rt, ax_task *root)
{
	ax__mt *mt = rt->mt;
	mt->until = root;
	mt->result = 0;
	if (!rt->mt_par)
		pthread_cond_broadcast(&mt->turn_cond);
	while (!(ax__ts(root) & T_DONE) && mt->result == 0)
		ax__mt_cond_wait(rt, &mt->done);
	mt->until = NULL;
	return (ax__ts(root) & T_DONE) ? 0 : mt->result;
}

/* Stop the workers: each finishes the poll it is in and leaves; the
 * tasks still queued stay in the runtime (ax_rt_free drops them).  Not
 * on a worker, and without the runtime lock. */
void ax__mt_stop(ax_rt *rt)
{
	ax__mt *mt = rt->mt;
	ax__mt_lock(rt);
	atomic_store(&mt->stop, 1);
	pthread_cond_broadcast(&mt->turn_cond);
	ax__mt_unlock(rt);
	ax__sched_shutdown(&mt->s);
	ax__rt_unpark(rt);
	for (unsigned i = 0; i < mt->nthreads; i++)
		pthread_join(mt->threads[i], NULL);
	mt->nthreads = 0;
}

/* After ax__mt_stop and the teardown: the runtime is single-threaded
 * again (the lock is gone). */
void ax__mt_free(ax_rt *rt)
{
	ax__mt *mt = rt->mt;
	if (!mt)
		return;
	__atomic_store_n(&rt->mt, NULL, __ATOMIC_RELEASE); /* (read by the watchdog) */
	rt->mt_par = 0;
	__atomic_fetch_sub(&ax__mt_alive, 1, __ATOMIC_RELAXED);
	ax__inject_close(&mt->s.inj);
	pthread_cond_destroy(&mt->turn_cond);
	pthread_cond_destroy(&mt->done);
	ax__sched_destroy(&mt->s);
	free(mt->threads);
	free(mt);
	pthread_mutex_destroy(&rt->mt_lock);
}

/* Worker statistics (ax_rt_stats): steals and the tasks they moved. */
void ax__mt_stats(ax_rt *rt, uint64_t *steals, uint64_t *stolen)
{
	ax__mt *mt = rt->mt;
	*steals = *stolen = 0;
	for (unsigned i = 0; mt && i < mt->s.n; i++) {
		*steals += atomic_load_explicit(&mt->s.w[i].steals, memory_order_relaxed);
		*stolen += atomic_load_explicit(&mt->s.w[i].stolen, memory_order_relaxed);
	}
}

int ax_instrument_worker(const ax_rt *rt, int *of, int *turns)
{
	*of = rt ? rt->workers : 1;
	*turns = rt && rt->mt && !rt->mt_par;
	if (!rt || !rt->mt || cur_worker_rt != rt)
		return 0;
	return (int)cur_worker->idx + 1;
}

/* Call fn on each task queued on w (its LIFO slot first), up to max;
 * returns how many are queued.  Runtime lock held. */
static size_t each_queued(ax__worker *w, void (*fn)(void *ud, ax_task *t), void *ud,
			  size_t max)
{
	size_t n = 0;
	ax_task *t = atomic_load_explicit(&w->lifo, memory_order_acquire);
	if (t && n++ < max)
		fn(ud, t);
	uint32_t h = atomic_load_explicit(&w->q.head, memory_order_acquire);
	uint32_t tl = atomic_load_explicit(&w->q.tail, memory_order_acquire);
	for (uint32_t i = h; i != tl && tl - h <= AX_WSQ_CAP; i++) {
		t = atomic_load_explicit(&w->q.buf[i & AX_WSQ_MASK], memory_order_relaxed);
		if (n++ < max)
			fn(ud, t);
	}
	return n;
}

size_t ax_instrument_worker_queued(void (*fn)(void *ud, ax_task *t), void *ud, size_t max)
{
	ax_rt *rt = cur_worker_rt;
	if (!rt || !rt->mt_par)
		return 0;
	ax__mt_lock(rt);
	size_t n = each_queued(cur_worker, fn, ud, max);
	ax__mt_unlock(rt);
	return n;
}

/* --- the checker's view of the workers, from another thread ------------ */

int ax_instrument_worker_poll(const ax_rt *rt, int i, ax_instrument_wpoll *out)
{
	ax__mt *mt = rt ? __atomic_load_n(&rt->mt, __ATOMIC_ACQUIRE) : NULL;
	if (!mt || i < 0 || (unsigned)i >= mt->s.n)
		return -1;
	ax__worker *w = &mt->s.w[i];
	out->tid = atomic_load_explicit(&w->tid, memory_order_acquire);
	out->thread = out->tid ? atomic_load_explicit(&w->thread, memory_order_relaxed) : 0;
	out->running = atomic_load_explicit(&w->running, memory_order_relaxed);
	out->polls = atomic_load_explicit(&w->polls, memory_order_relaxed);
	return 0;
}

long ax_instrument_worker_queued_on(ax_rt *rt, int i,
				    void (*fn)(void *ud, ax_task *t), void *ud, size_t max)
{
	ax__mt *mt = rt ? __atomic_load_n(&rt->mt, __ATOMIC_ACQUIRE) : NULL;
	if (!mt || !rt->mt_par || i < 0 || (unsigned)i >= mt->s.n)
		return 0;
	/* Taken only when free: the caller may hold locks of its own that a
	 * worker holding the runtime lock could be waiting for. */
	if (!mt_trylock(rt))
		return -1;
	size_t n = each_queued(&mt->s.w[i], fn, ud, max);
	ax__mt_unlock(rt);
	return (long)n;
}
