/* blocking.c - the blocking-work pool behind ax_spawn_blocking: a bounded
 * set of threads, started on first use, that run jobs from a bounded FIFO
 * queue and wake the awaiting task from their own thread when a job ends.
 * Everything a job shares with the executor is guarded by the pool mutex.
 * On a multi-worker runtime the runtime's side (the polls and drops of
 * the futures, the pool's creation) also holds the runtime lock: taken
 * before the pool mutex, never the other way round.  The pool's threads
 * are not the runtime's: they never take the runtime lock, and wake
 * tasks only once the pool mutex is released. */
#include "internal.h"

#include <sched.h>
#include <signal.h>
#include <string.h>

/* A job's life.  J_NEW: allocated, not yet handed to the pool (or the pool
 * was full).  J_WAIT: the queue was full; parked in the overflow list.
 * J_QUEUED -> J_RUNNING -> J_DONE.  J_CANCELLED: the runtime shut down
 * before the job ran. */
enum { J_NEW, J_WAIT, J_QUEUED, J_RUNNING, J_DONE, J_CANCELLED };

struct ax__job {
	ax__job *prev, *next; /* queue or overflow list links */
	ax__pool *pool;
	ax_blocking_fn fn;
	void *arg;
	ax_val result;	  /* valid in J_DONE */
	ax_waker *waker;  /* owned; whom to wake when the job ends */
	int state;	  /* J_* */
	int abandoned;	  /* the future was dropped while the job ran: the
			     worker frees the job */
};

typedef struct job_list {
	ax__job *head, *tail;
	size_t len;
} job_list;

struct ax__pool {
	pthread_mutex_t lock;
	pthread_cond_t cond; /* workers wait here for jobs */
	ax_rt *rt;
	job_list queue;	     /* at most cap jobs, run in order */
	job_list overflow;   /* futures waiting for room in the queue */
	size_t cap;
	pthread_t *threads;
	int nthreads, max_threads;
	int running;	     /* workers inside a job */
	int stop;	     /* set by ax__pool_destroy */
	size_t jobs;	     /* live ax__job structs; the pool outlives them */
};

static void list_push(job_list *l, ax__job *j)
{
	j->next = NULL;
	j->prev = l->tail;
	if (l->tail)
		l->tail->next = j;
	else
		l->head = j;
	l->tail = j;
	l->len++;
}

static void list_remove(job_list *l, ax__job *j)
{
	if (j->prev)
		j->prev->next = j->next;
	else
		l->head = j->next;
	if (j->next)
		j->next->prev = j->prev;
	else
		l->tail = j->prev;
	j->prev = j->next = NULL;
	l->len--;
}

/* Take the pool lock from a poll or a drop on the executor's thread.  It
 * spins on trylock: workers hold the lock only for a few list operations,
 * and a contended pthread_mutex_lock inside a poll is exactly what the
 * checker reports as a blocking call, which the pool must never cause. */
static void lock_in_poll(ax__pool *p)
{
	/* Under the runtime lock, which no pool thread ever waits for: the
	 * spin ends as soon as the worker's list operation does. */
	while (pthread_mutex_trylock(&p->lock) != 0)
		sched_yield();
}

static void pool_free(ax__pool *p)
{
	pthread_mutex_destroy(&p->lock);
	pthread_cond_destroy(&p->cond);
	free(p->threads);
	free(p);
}

/* Free a job; called with the pool locked.  Returns true when the pool
 * itself must now be freed (it was destroyed and this was its last job). */
static bool job_free_locked(ax__job *j)
{
	ax__pool *p = j->pool;
	free(j);
	return --p->jobs == 0 && p->stop;
}

/* Move jobs from the overflow list into the queue while there is room. */
static void refill_locked(ax__pool *p)
{
	while (p->overflow.head && p->queue.len < p->cap) {
		ax__job *j = p->overflow.head;
		list_remove(&p->overflow, j);
		list_push(&p->queue, j);
		j->state = J_QUEUED;
		atomic_fetch_add(&p->rt->blocking_inflight, 1);
	}
}

static void *worker_main(void *arg)
{
	ax__pool *p = arg;
	ax_rt *rt = p->rt;
	/* Named so that ps, gdb and the tests can tell the workers apart. */
	pthread_setname_np(pthread_self(), "ax-blocking");
	pthread_mutex_lock(&p->lock);
	for (;;) {
		ax__job *j = p->queue.head;
		if (!j) {
			if (p->stop)
				break;
			pthread_cond_wait(&p->cond, &p->lock);
			continue;
		}
		list_remove(&p->queue, j);
		j->state = J_RUNNING;
		p->running++;
		refill_locked(p);
		pthread_mutex_unlock(&p->lock);

		ax_val v = j->fn(j->arg);

		pthread_mutex_lock(&p->lock);
		p->running--;
		if (j->abandoned) {
			/* Even if this was the last job of a stopped
			 * pool, ax__pool_destroy frees it after joining
			 * this thread. */
			job_free_locked(j);
			atomic_fetch_sub(&rt->blocking_inflight, 1);
			pthread_mutex_unlock(&p->lock);
			/* The executor may be parked only because the
			 * count was nonzero. */
			ax__rt_unpark(rt);
		} else {
			/* The job stays in flight until its future takes
			 * the result: until then virtual time cannot jump
			 * past it, whatever order the executor sees the
			 * wake and the count in. */
			j->result = v;
			j->state = J_DONE;
			ax_waker *w = j->waker;
			j->waker = NULL;
			pthread_mutex_unlock(&p->lock);
			if (w)
				ax_waker_wake(w);
		}
		pthread_mutex_lock(&p->lock);
	}
	pthread_mutex_unlock(&p->lock);
	return NULL;
}

static ax__pool *pool_get(ax_rt *rt)
{
	if (rt->pool)
		return rt->pool;
	ax__pool *p = calloc(1, sizeof *p);
	if (!p)
		return NULL;
	p->max_threads = rt->blocking_threads > 0 ? rt->blocking_threads : 1;
	p->threads = calloc((size_t)p->max_threads, sizeof *p->threads);
	if (!p->threads) {
		free(p);
		return NULL;
	}
	p->cap = rt->blocking_queue > 0 ? (size_t)rt->blocking_queue : 1;
	p->rt = rt;
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->cond, NULL);
	rt->pool = p;
	return p;
}

static int start_worker_locked(ax__pool *p);

/* Start one more worker if the queue holds more jobs than there are
 * workers outside a job, and the pool may grow.  Called with the pool
 * locked.  Workers start with every signal blocked, so that signals keep
 * going to the program's own threads. */
static int grow_locked(ax__pool *p)
{
	if ((size_t)(p->nthreads - p->running) >= p->queue.len ||
	    p->nthreads >= p->max_threads)
		return 0;
	return start_worker_locked(p);
}

/* Start one worker.  Called with the pool locked, below max_threads. */
static int start_worker_locked(ax__pool *p)
{
	sigset_t all, old;
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	int r = pthread_create(&p->threads[p->nthreads], NULL, worker_main, p);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (r != 0)
		return -r;
	p->nthreads++;
	return 0;
}

int ax_blocking_prestart(ax_rt *rt, int n)
{
	if (!rt)
		return -EINVAL;
	AX_MT_SCOPE_RT(rt); /* pool_get: two workers could create the pool */
	ax__pool *p = pool_get(rt);
	if (!p)
		return -ENOMEM;
	pthread_mutex_lock(&p->lock);
	int r = 0;
	while (r == 0 && p->nthreads < n && p->nthreads < p->max_threads && !p->stop)
		r = start_worker_locked(p);
	int have = p->nthreads;
	pthread_mutex_unlock(&p->lock);
	return r < 0 && !have ? r : have;
}

/* Hand a J_NEW job to the pool.  Returns 0 (queued or waiting for room) or
 * a negative errno when no worker can ever run it. */
static int submit_locked(ax__pool *p, ax__job *j)
{
	if (p->stop)
		return -ECANCELED;
	if (p->queue.len >= p->cap || p->overflow.head) {
		j->state = J_WAIT;
		list_push(&p->overflow, j);
		return 0;
	}
	list_push(&p->queue, j);
	j->state = J_QUEUED;
	atomic_fetch_add(&p->rt->blocking_inflight, 1);
	int r = grow_locked(p);
	if (r < 0 && p->nthreads == 0) {
		list_remove(&p->queue, j);
		j->state = J_NEW;
		atomic_fetch_sub(&p->rt->blocking_inflight, 1);
		return r;
	}
	pthread_cond_signal(&p->cond);
	return 0;
}

/* Never waits for room in the queue (a job that finds it full goes to the
 * overflow list), so the runtime lock can be held throughout. */
static ax_poll_t blocking_poll(ax_future *f, ax_cx *cx)
{
	AX_MT_SCOPE();
	ax_blocking_t *b = (ax_blocking_t *)(void *)f;
	ax__job *j = b->job;
	if (!j) {
		ax_rt *rt = ax__cur_rt;
		ax__pool *p = rt ? pool_get(rt) : NULL;
		j = p ? calloc(1, sizeof *j) : NULL;
		if (!j) {
			b->out = -ENOMEM;
			return AX_READY;
		}
		j->pool = p;
		j->fn = b->fn;
		j->arg = b->arg;
		j->state = J_NEW;
		b->job = j;
		lock_in_poll(p);
		p->jobs++;
	} else {
		lock_in_poll(j->pool);
	}
	ax__pool *p = j->pool;
	ax_waker *old = NULL;
	switch (j->state) {
	case J_NEW: {
		int r = submit_locked(p, j);
		if (r < 0) {
			bool last = job_free_locked(j);
			pthread_mutex_unlock(&p->lock);
			if (last)
				pool_free(p);
			b->job = NULL;
			b->out = r;
			return AX_READY;
		}
		j->waker = ax__waker_clone(cx->waker);
		break;
	}
	case J_WAIT:
	case J_QUEUED:
	case J_RUNNING:
		/* Polled again before the job ended: keep the newest waker. */
		if (!j->waker || !ax_waker_will_wake(j->waker, cx->waker)) {
			old = j->waker;
			j->waker = ax__waker_clone(cx->waker);
		}
		break;
	case J_DONE:
	case J_CANCELLED: {
		b->out = j->state == J_DONE ? j->result : -ECANCELED;
		if (j->state == J_DONE)
			atomic_fetch_sub(&p->rt->blocking_inflight, 1);
		bool last = job_free_locked(j);
		pthread_mutex_unlock(&p->lock);
		if (last)
			pool_free(p);
		b->job = NULL;
		return AX_READY;
	}
	}
	pthread_mutex_unlock(&p->lock);
	if (old)
		ax_waker_drop(old);
	return AX_PENDING;
}

/* Cancel: a job not yet started never runs; a running one is left to
 * finish, and its worker frees it. */
static void blocking_drop(ax_future *f)
{
	AX_MT_SCOPE();
	ax_blocking_t *b = (ax_blocking_t *)(void *)f;
	ax__job *j = b->job;
	if (!j)
		return;
	b->job = NULL;
	ax__pool *p = j->pool;
	ax_waker *w;
	bool last = false;
	lock_in_poll(p);
	w = j->waker;
	j->waker = NULL;
	switch (j->state) {
	case J_RUNNING:
		j->abandoned = 1;
		break;
	case J_QUEUED:
		list_remove(&p->queue, j);
		atomic_fetch_sub(&p->rt->blocking_inflight, 1);
		refill_locked(p);
		last = job_free_locked(j);
		break;
	case J_WAIT:
		list_remove(&p->overflow, j);
		last = job_free_locked(j);
		break;
	case J_DONE: /* finished, result never taken */
		atomic_fetch_sub(&p->rt->blocking_inflight, 1);
		last = job_free_locked(j);
		break;
	default:
		last = job_free_locked(j);
		break;
	}
	pthread_mutex_unlock(&p->lock);
	if (w)
		ax_waker_drop(w);
	if (last)
		pool_free(p);
}

static const ax_future_vt blocking_vt =
	AX_VT_OF(ax_blocking_t, "spawn_blocking", blocking_poll, blocking_drop, 0);

ax_blocking_t ax_spawn_blocking(ax_blocking_fn fn, void *arg)
{
	return (ax_blocking_t){ .base.vt = &blocking_vt, .fn = fn, .arg = arg };
}

/* ax__pool_destroy before the join, under the runtime lock: detach the
 * pool from rt and take the jobs not yet started out of it (cancelled). */
static ax__pool *pool_detach(ax_rt *rt, job_list lists[2])
{
	AX_MT_SCOPE_RT(rt);
	ax__pool *p = rt->pool;
	if (!p)
		return NULL;
	rt->pool = NULL;
	pthread_mutex_lock(&p->lock);
	p->stop = 1;
	lists[0] = p->queue;
	lists[1] = p->overflow;
	memset(&p->queue, 0, sizeof p->queue);
	memset(&p->overflow, 0, sizeof p->overflow);
	atomic_fetch_sub(&rt->blocking_inflight, lists[0].len);
	for (int i = 0; i < 2; i++)
		for (ax__job *j = lists[i].head; j; j = j->next)
			j->state = J_CANCELLED;
	pthread_cond_broadcast(&p->cond);
	pthread_mutex_unlock(&p->lock);
	return p;
}

/* ax__pool_destroy after the join, under the runtime lock: the cancelled
 * jobs' wakers go, and the pool too if no future references a job. */
static void pool_release(ax_rt *rt, ax__pool *p, job_list lists[2])
{
	AX_MT_SCOPE_RT(rt);
	/* The pool's threads are gone, and the runtime lock keeps the
	 * runtime's other workers out: the only other party is this thread. */
	for (int i = 0; i < 2; i++) {
		ax__job *j = lists[i].head;
		while (j) {
			ax__job *next = j->next;
			j->prev = j->next = NULL;
			if (j->waker) {
				ax_waker_drop(j->waker);
				j->waker = NULL;
			}
			j = next;
		}
	}
	pthread_mutex_lock(&p->lock);
	bool last = p->jobs == 0;
	pthread_mutex_unlock(&p->lock);
	if (last)
		pool_free(p);
}

/* Cancel every job not yet started, let running ones finish, join the
 * workers.  Jobs still referenced by futures keep the pool's memory until
 * the last of them is dropped.  Runs on the executor's thread.  The join
 * waits for jobs the program wrote: not under the runtime lock. */
void ax__pool_destroy(ax_rt *rt)
{
	job_list lists[2];
	ax__pool *p = pool_detach(rt, lists);
	if (!p)
		return;
	for (int i = 0; i < p->nthreads; i++)
		pthread_join(p->threads[i], NULL);
	pool_release(rt, p, lists);
}

int ax__pool_threads(ax_rt *rt)
{
	AX_MT_SCOPE_RT(rt); /* rt->pool is created by whichever worker first needs it */
	/* Only the runtime's threads start workers (grow_locked), under the
	 * runtime lock. */
	return rt->pool ? rt->pool->nthreads : 0;
}
