/* task.c - tasks and wakers: spawn, poll, complete, abort, JoinHandles,
 * yield.  A waker is a counted reference to its task.  The invariant that
 * makes wake-ups reliable: a task is in the run queue at most once, and a
 * wake that arrives while it is being polled sets T_QUEUED so the
 * executor requeues it after the poll instead of losing the wake. */
#include "internal.h"

#include <stdio.h>
#include <string.h>

AX_TLS ax_rt *ax__cur_rt;
AX_TLS ax_task *ax__cur_task;
AX_TLS ax_rt *ax__cur_rt_st;
atomic_uint ax__fail_allocs;

ax__task_ext *ax__task_ext_get(ax_task *t)
{
	if (ax__ts(t) & T_EXT)
		return t->ext;
	ax__task_ext *e = ax__alloc_fails() ? NULL : calloc(1, sizeof *e);
	if (!e)
		return NULL;
	e->id = t->id;
	t->ext = e;
	ax__ts_or(t, T_EXT);
	return e;
}

void ax__task_ext_free(ax_task *t)
{
	if (ax__ts(t) & T_EXT) {
		ax__ts_and(t, ~(uint32_t)T_EXT);
		free(t->ext);
	}
}

static inline __attribute__((always_inline)) void task_free__st(ax_rt *rt, ax_task *t)
{
	AX_HOOK(task_free, t);
	ax__task_ext_free(t);
	ax__rt_live_add(rt, -1);
	ax__slab_free(rt, t);
}

static void task_free(ax_rt *rt, ax_task *t)
{
	if (AX_MT_ON()) {
		if (ax__mt_par_here(rt) && !AX__HOOKS() && ax__mt_defer_free(rt, t))
			return;
		AX_MT_SCOPE_RT(rt);
		task_free__st(rt, t);
		return;
	}
	task_free__st(rt, t);
}

/* Tasks a worker freed without the lock (ax__mt_defer_free), handed to
 * the slab under it. */
void ax__task_free_list(ax_rt *rt, ax_task *t)
{
	while (t) {
		ax_task *next = t->next;
		ax__slab_free(rt, t);
		t = next;
	}
}

/* Drop one reference on the runtime's thread.  When it is the last one
 * nobody else can hold or take a reference, so the count needs no
 * read-modify-write (a locked instruction on every finished task). */
void ax__task_release_on_rt(ax_rt *rt, ax_task *t)
{
	if (atomic_load_explicit(&t->refs, memory_order_acquire) == 1 ||
	    atomic_fetch_sub_explicit(&t->refs, 1, memory_order_acq_rel) == 1)
		task_free(rt, t);
}

/* Drop one reference from any thread; the last one frees the task on its
 * runtime's thread. */
void ax__task_unref(ax_task *t)
{
	ax_rt *rt = ax__task_rt(t);
	if (AX_LIKELY(ax__cur_rt == rt)) {
		ax__task_release_on_rt(rt, t);
		return;
	}
	if (atomic_fetch_sub_explicit(&t->refs, 1, memory_order_acq_rel) == 1) {
		/* Resurrect the reference for the trip through the queue. */
		atomic_store_explicit(&t->refs, 1, memory_order_relaxed);
		ax__remote_post(rt, t, AX_REMOTE_DROP);
	}
}

/* par: on a worker of rt, side by side, with no hooks, and without the
 * runtime lock (the slot comes from the worker's cache, ax__mt_alloc). */
static inline __attribute__((always_inline)) ax_task *spawn_on(ax_rt *rt, ax_future *fut,
								size_t size, const char *name,
								const ax_site *site, int par,
								int detached)
{
	ax_task *t = par ? ax__mt_alloc(rt, sizeof(ax_task) + size)
			 : ax__slab_alloc(rt, sizeof(ax_task) + size);
	if (!t)
		return NULL;
	t->next = NULL;
	/* The executor's reference, and the handle's unless none is made. */
	atomic_init(&t->refs, detached ? 1 : 2);
	ax__ts_init(t, detached ? 0 : T_HANDLE);
	if (AX_MT_ON())
		t->id = __atomic_add_fetch(&rt->next_id, 1, __ATOMIC_RELAXED);
	else
		t->id = ++rt->next_id;
	memcpy(t->fut, fut, size);
	if (name || AX_UNLIKELY(AX__HOOKS() != NULL)) {
		ax__task_ext *e = ax__task_ext_get(t);
		if (!e) {
			if (par)
				ax__mt_free_slot(rt, t);
			else
				ax__slab_free(rt, t);
			return NULL;
		}
		e->name = name;
		e->site = site;
	}
	if (par) {
		/* A worker without the lock: counted on the worker. */
		ax__mt_count_spawn();
	} else {
		ax__rt_live_add(rt, 1);
		if (AX_MT_ON())
			__atomic_fetch_add(&rt->spawned, 1, __ATOMIC_RELAXED);
		else
			rt->spawned++;
	}
	AX_HOOK(spawn, t, ax__cur_task, fut->vt->name, site);
	/* Nobody else sees t before the push: no read-modify-write. */
	ax__ts_init(t, ax__ts(t) | T_QUEUED);
	ax__rq_push(rt, t);
	return t;
}

/* Spawn on the calling thread's runtime: without the lock on a worker
 * side by side, under it elsewhere while some runtime has workers. */
static inline __attribute__((always_inline)) ax_task *spawn_here(ax_future *fut, size_t size,
								  const char *name,
								  const ax_site *site,
								  int detached)
{
	ax_rt *rt = ax__cur_rt;
	if (!rt)
		return NULL;
	if (AX_MT_ON()) {
		if (ax__mt_par_here(rt) && !AX__HOOKS())
			return spawn_on(rt, fut, size, name, site, 1, detached);
		AX_MT_SCOPE_RT(rt);
		return spawn_on(rt, fut, size, name, site, 0, detached);
	}
	return spawn_on(rt, fut, size, name, site, 0, detached);
}

ax_task *ax__spawn(ax_future *fut, size_t size, const char *name,
		   const ax_site *site)
{
	return spawn_here(fut, size, name, site, 0);
}

/* AX_SPAWN_DETACHED: the task is made without a handle (one reference,
 * no T_HANDLE), as a spawn and a detach would leave it, without the
 * handle's bit and reference to let go (two atomic changes with
 * workers).  1, or 0 when it could not be made.  (The pointer returned
 * is not a handle: the task may be gone already.) */
int ax__spawn_detached(ax_future *fut, size_t size, const char *name,
		       const ax_site *site)
{
	return spawn_here(fut, size, name, site, 1) != NULL;
}

/* A wake from another thread: the executor's thread does it.  A waker
 * the program held stops being counted only once its wake is queued
 * (ax__remote_post), so that the executor never finds it gone before
 * the wake is there to be seen. */
static __attribute__((noinline)) void wake_remote(ax_rt *rt, ax_task *t,
						  int consume, int user)
{
	if (!consume)
		atomic_fetch_add_explicit(&t->refs, 1, memory_order_relaxed);
	else if (!ax__rt_gone(rt))
		AX_HOOK(waker_drop, t);
	ax__remote_post(rt, t, AX_REMOTE_WAKE | (user ? AX_REMOTE_USER : 0));
}

/* With N workers: the task this thread is polling (without the runtime
 * lock), and whether it woke itself meanwhile (see wake). */
static AX_TLS ax_task *mt_polling;
static AX_TLS int mt_self_woken;

/* Inlined into each caller with consume constant: the local wake, the
 * common case, is a few tests and stores. */
static __attribute__((noinline)) void wake_slow(ax_waker *w, int consume);

/* The wake on a runtime's one worker (ax__cur_rt_st), inlined into each
 * caller with consume constant: a few tests and stores.  Everything else
 * (another thread, N workers) is wake_slow's. */
static inline __attribute__((always_inline)) void wake(ax_waker *w, int consume)
{
	ax_task *t = ax__waker_task(w);
	ax_rt *rt = ax__task_rt(t);
	if (AX_UNLIKELY(ax__cur_rt_st != rt)) {
		wake_slow(w, consume);
		return;
	}
	if (AX__HOOKED(AX__HBIT(wake) | AX__HBIT(wake_other))) {
		ax_task *by = ax__cur_task;
		AX_HOOK(wake, t, by, by == t);
		if (by && by != t)
			AX_HOOK(wake_other, t, by);
	}
	ax__wake_local_st(rt, t);
	if (consume) {
		if (AX_UNLIKELY(ax__waker_is_user(w)))
			atomic_fetch_sub_explicit(&rt->user_wakers, 1, memory_order_relaxed);
		AX_HOOK(waker_drop, t);
		ax__task_release_on_rt(rt, t);
	}
}

/* A wake on a thread of t's runtime (its one worker after ax_rt_free
 * cleared the workers, a worker, or block_on's thread), with the runtime
 * lock held when there are workers. */
static inline __attribute__((always_inline)) void wake_here(ax_rt *rt, ax_task *t, int consume,
							    int user)
{
	if (AX__HOOKED(AX__HBIT(wake) | AX__HBIT(wake_other))) {
		ax_task *by = ax__cur_task;
		AX_HOOK(wake, t, by, by == t);
		if (by && by != t)
			AX_HOOK(wake_other, t, by);
	}
	ax__wake_local(rt, t);
	if (consume) {
		if (AX_UNLIKELY(user))
			atomic_fetch_sub_explicit(&rt->user_wakers, 1, memory_order_relaxed);
		AX_HOOK(waker_drop, t);
		ax__task_release_on_rt(rt, t);
	}
}

static __attribute__((noinline)) void wake_slow(ax_waker *w, int consume)
{
	ax_task *t = ax__waker_task(w);
	int user = consume && ax__waker_is_user(w);
	ax_rt *rt = ax__task_rt(t);
	if (ax__cur_rt != rt) {
		/* Another thread (which must not read rt->mt: ax_rt_free
		 * clears it). */
		if (AX__HOOKED(AX__HBIT(wake) | AX__HBIT(wake_other)) && !ax__rt_gone(rt))
			AX_HOOK(wake, t, NULL, false);
		wake_remote(rt, t, consume, user);
		return;
	}
	if (rt->mt == NULL) {
		wake_here(rt, t, consume, user);
		return;
	}
	if (t == mt_polling &&
	    !AX__HOOKED(AX__HBIT(wake) | AX__HBIT(wake_other) | AX__HBIT(waker_drop))) {
		/* A task waking itself in its poll (a yield): only this
		 * thread can requeue it, after the poll, so it is noted here
		 * without the lock.  The executor's reference keeps the count
		 * above zero. */
		mt_self_woken = 1;
		if (consume) {
			if (AX_UNLIKELY(user))
				atomic_fetch_sub_explicit(&rt->user_wakers, 1, memory_order_relaxed);
			atomic_fetch_sub_explicit(&t->refs, 1, memory_order_acq_rel);
		}
		return;
	}
	if (rt->mt_par && !AX__HOOKS()) {
		/* Lock-free: the wake is one atomic change of t's state
		 * (ax__wake_local), and a last reference takes the lock
		 * itself.  (Hooks see wakes in order with polls, under the
		 * lock.) */
		wake_here(rt, t, consume, user);
		return;
	}
	AX_MT_SCOPE_RT(rt);
	wake_here(rt, t, consume, user);
}

ax_waker *ax__waker_clone(ax_waker *w)
{
	ax_task *t = ax__waker_task(w);
	atomic_fetch_add_explicit(&t->refs, 1, memory_order_relaxed);
	if (AX__HOOKED(AX__HBIT(waker_clone)) && !ax__rt_gone(ax__task_rt(t)))
		AX_HOOK(waker_clone, t);
	return (ax_waker *)(void *)t;
}

ax_waker *ax__waker_adopt(ax_waker *w)
{
	if (ax__waker_is_user(w))
		atomic_fetch_sub_explicit(&ax__task_rt(ax__waker_task(w))->user_wakers, 1,
					  memory_order_relaxed);
	return (ax_waker *)(void *)ax__waker_task(w);
}

/* The program's clone: tagged and counted (see internal.h).  The count
 * goes up before the clone exists, so that the executor cannot see none
 * held while one is; a clone made on another thread is made from a
 * waker already counted. */
ax_waker *ax_waker_clone(ax_waker *w)
{
	ax_task *t = ax__waker_task(w);
	atomic_fetch_add_explicit(&ax__task_rt(t)->user_wakers, 1, memory_order_relaxed);
	ax__waker_clone(w);
	return (ax_waker *)(void *)((uintptr_t)t | AX__WAKER_USER);
}

void ax_waker_wake(ax_waker *w)
{
	wake(w, 1);
}

void ax_waker_wake_by_ref(ax_waker *w)
{
	wake(w, 0);
}

void ax_waker_drop(ax_waker *w)
{
	ax_task *t = ax__waker_task(w);
	ax_rt *rt = ax__task_rt(t);
	if (AX__HOOKED(AX__HBIT(waker_drop)) && !ax__rt_gone(rt))
		AX_HOOK(waker_drop, t);
	if (ax__waker_is_user(w)) {
		/* Counted out before the reference goes: that may be the
		 * last one keeping a freed runtime's memory. */
		if (ax__cur_rt == rt)
			atomic_fetch_sub_explicit(&rt->user_wakers, 1, memory_order_relaxed);
		else
			ax__rt_user_waker_dropped(rt);
	}
	ax__task_unref(t);
}

/* The task's future is finished with (ready or cancelled): drop it. */
void ax__task_drop_future(ax_task *t)
{
	ax_future_drop(t->fut);
}

/* Drop a finished task's future as the current task (so that hooks see
 * who drops what); most futures have nothing to release. */
static void finish_future(ax_task *t)
{
	if (!t->fut->vt->drop && !t->fut->id)
		return;
	ax_task *saved = ax__cur_task;
	ax__cur_task = t;
	ax__task_drop_future(t);
	ax__cur_task = saved;
}

/* Whether the executor's reference is all that reaches t (no waker, no
 * handle, no ext: not in a set, not named), with its state word in *s.
 * Then no other thread can change the word (a wake needs a waker, an
 * abort a handle or a set), and the thread running t may write it with
 * a plain store.  The count is read first, with acquire: a waker
 * dropped on another thread was dropped after its wake, which the load
 * of the word then sees. */
static inline int task_alone(ax_task *t, uint32_t *s)
{
	return atomic_load_explicit(&t->refs, memory_order_acquire) == 1 &&
	       !((*s = ax__ts(t)) & (T_HANDLE | T_EXT));
}

/* Finish t: err is 0 (its future is ready), -ECANCELED (aborted) or
 * -EOVERFLOW (its futures nest too deep). */
static void task_finish(ax_rt *rt, ax_task *t, int err)
{
	int cancelled = err != 0;
	ax__task_ext *e = ax__task_ext_peek(t);
	uint32_t handle = ax__ts(t) & T_HANDLE;
	if (handle) {
		if (!e)
			e = ax__task_ext_get(t);
		if (e) {
			if (err) {
				e->out.err = err;
				e->out.val = 0;
			} else if (ax__ts(t) & T_DISCARD) {
				e->out = (ax_res){ 0, 0 };
			} else {
				e->out = ax_future_res(t->fut);
			}
		} else {
			ax__ts_or(t, T_NOMEM); /* the handle's await says so */
		}
	}
	finish_future(t);
	uint32_t clear = T_QUEUED | T_RUNNING | (err ? 0u : T_OVERFLOW);
	uint32_t set = T_DONE | (err == -ECANCELED ? T_CANCELLED : 0);
	uint32_t s;
	if (task_alone(t, &s))
		ax__ts_init(t, (s & ~clear) | set);
	else
		ax__ts_update(t, clear, set);
	AX_HOOK(task_exit, t, cancelled != 0);
	/* Who awaits its handle or its set is woken by t, as its last act
	 * (the hooks see who wakes whom: the checker's unbounded-spawn rule
	 * takes such a wake as the spawner waiting for its tasks). */
	if (e && (e->join_waker || e->set)) {
		ax_task *saved = ax__cur_task;
		ax__cur_task = t;
		if (e->join_waker) {
			ax_waker *jw = e->join_waker;
			e->join_waker = NULL;
			ax_waker_wake(jw);
		}
		if (e->set)
			ax__taskset_child_done(e->set, t);
		ax__cur_task = saved;
	}
	/* (block_on holds the root's handle: a task without one, which a
	 * worker may finish without the lock, leaves rt->root unread.) */
	if (handle && AX_MT_ON() && rt->mt != NULL && t == rt->root)
		ax__mt_root_done(rt); /* block_on waits for it */
	ax__task_release_on_rt(rt, t); /* the executor's reference */
}

/* Finish t on a worker that holds no lock.  A task nobody can await (no
 * handle, no ext: not a root, not in a set) needs none: its future's drop
 * and the hooks take it themselves when they need it. */
static void task_finish_par(ax_rt *rt, ax_task *t, uint32_t s, int err)
{
	if (!(s & (T_HANDLE | T_EXT))) {
		task_finish(rt, t, err);
		return;
	}
	ax__mt_lock(rt);
	task_finish(rt, t, err);
	ax__mt_unlock(rt);
}

/* The future's poll itself.  With N workers it runs without the
 * runtime lock, which the worker holds (once) around it. */
static inline ax_poll_t poll_future(ax_rt *rt, ax_task *t, ax_cx *cx)
{
	if (AX_LIKELY(rt->mt == NULL))
		return ax_poll(t->fut, cx);
	mt_polling = t;
	unsigned depth = ax__mt_release_all(rt);
	ax_poll_t r = ax_poll(t->fut, cx);
	ax__mt_reacquire(rt, depth);
	mt_polling = NULL;
	if (mt_self_woken) {
		mt_self_woken = 0;
		if (!(ax__ts(t) & T_DONE))
			ax__ts_or(t, T_QUEUED); /* requeued after the poll */
	}
	return r;
}

/* A poll between the poll hooks.  The table is read once: a poll that
 * began under a table ends under it (installed tables stay valid).
 * poll_end learns how many futures had their first poll in this one. */
static ax_poll_t poll_hooked(ax_rt *rt, ax_task *t, ax_cx *cx)
{
	const ax_hooks *h = AX__HOOKS();
	if (!h)
		return ax_poll(t->fut, cx);
	void (*end)(void *, ax_task *, ax_poll_t, uint32_t) = h->poll_end;
	void *ud = h->ud;
	uint64_t fp = __atomic_load_n(&rt->first_polls, __ATOMIC_RELAXED);
	if (h->poll_begin)
		h->poll_begin(ud, t);
	ax_poll_t r = poll_future(rt, t, cx);
	if (end)
		end(ud, t, r,
		    (uint32_t)(__atomic_load_n(&rt->first_polls, __ATOMIC_RELAXED) - fp));
	return r;
}

/* Poll one task taken from the run queue. */
void ax__task_run(ax_rt *rt, ax_task *t)
{
	if (AX_UNLIKELY(ax__ts(t) & T_ABORT)) {
		task_finish(rt, t, (ax__ts(t) & T_OVERFLOW) ? -EOVERFLOW : -ECANCELED);
		return;
	}
	ax__ts_update(t, T_QUEUED, T_RUNNING);
	ax_cx cx = { (ax_waker *)(void *)t, t };
	AX__OWNER_ADD(&rt->polls, 1);
	atomic_store_explicit(&rt->running, t, memory_order_relaxed);
	ax__cur_task = t;
	ax_poll_t r;
	if (AX__HOOKED(AX__HBIT(poll_begin) | AX__HBIT(poll_end)))
		r = poll_hooked(rt, t, &cx);
	else
		r = poll_future(rt, t, &cx);
	ax__cur_task = NULL;
	atomic_store_explicit(&rt->running, NULL, memory_order_relaxed);
	if (r != AX_PENDING) {
		task_finish(rt, t, 0);
		return;
	}
	if (ax__ts_and(t, ~(uint32_t)T_RUNNING) & T_QUEUED)
		ax__rq_push(rt, t);
}

/* With workers side by side and no hooks: poll t, which the calling
 * worker took from a queue, without the runtime lock.  The task is the
 * worker's alone from the change that sets T_RUNNING to the one that
 * clears it (a wake meanwhile only sets T_QUEUED: ax__wake_local), both
 * atomic; a requeue goes to the worker's own queue.  Only finishing the
 * task takes the lock.  The poll is counted by the caller. */
void ax__task_run_par(ax_rt *rt, ax_task *t)
{
	uint32_t s;
	if (task_alone(t, &s)) {
		/* A task just spawned detached, or one that yields. */
		ax__ts_init(t, (s & ~(uint32_t)T_QUEUED) | T_RUNNING);
	} else {
		s = ax__ts_update(t, T_QUEUED, T_RUNNING);
	}
	if (AX_UNLIKELY(s & T_ABORT)) {
		task_finish_par(rt, t, s, (s & T_OVERFLOW) ? -EOVERFLOW : -ECANCELED);
		return;
	}
	ax_cx cx = { (ax_waker *)(void *)t, t };
	ax__cur_task = t;
	mt_polling = t;
	ax_poll_t r = ax_poll(t->fut, &cx);
	mt_polling = NULL;
	ax__cur_task = NULL;
	int self = mt_self_woken;
	mt_self_woken = 0;
	if (r != AX_PENDING) {
		/* Alone, with no future to drop and no hooks to tell: nothing
		 * to finish but the memory, which goes to the worker's cache
		 * (task_finish would end the same way, after its tests). */
		uint32_t s2;
		if (task_alone(t, &s2) && !t->fut->vt->drop && !t->fut->id &&
		    !AX__HOOKS() && ax__mt_defer_free(rt, t))
			return;
		task_finish_par(rt, t, ax__ts(t), 0);
		return;
	}
	/* (A yield wakes by reference: the task is still alone.) */
	if (task_alone(t, &s)) {
		ax__ts_init(t, (s & ~(uint32_t)T_RUNNING) | (self ? T_QUEUED : 0));
	} else {
		s = ax__ts(t);
		while (!__atomic_compare_exchange_n(&t->state, &s,
						    (s & ~(uint32_t)T_RUNNING) |
							    (self ? T_QUEUED : 0),
						    1, __ATOMIC_ACQ_REL, __ATOMIC_RELAXED))
			;
	}
	if (self || (s & T_QUEUED))
		ax__mt_requeue(rt, t);
}

/* Like an abort (the task is requeued and ends at its next turn, which
 * costs the poll loop nothing), with -EOVERFLOW for an output.  A poll
 * that is ready all the same keeps its output. */
static inline __attribute__((always_inline)) void ax__task_overflow__st(ax_rt *rt, ax_task *t)
{
	ax__ts_or(t, T_OVERFLOW | T_ABORT);
	ax__wake_local(rt, t);
}

void ax__task_overflow(ax_rt *rt, ax_task *t)
{
	if (AX_MT_ON()) {
		AX_MT_SCOPE_RT(rt);
		ax__task_overflow__st(rt, t);
		return;
	}
	ax__task_overflow__st(rt, t);
}

static inline __attribute__((always_inline)) void ax__task_discard_output__st(ax_task *h)
{
	if (h)
		ax__ts_or(h, T_DISCARD);
}

void ax__task_discard_output(ax_task *h)
{
	if (AX_MT_ON()) {
		AX_MT_SCOPE();
		ax__task_discard_output__st(h);
		return;
	}
	ax__task_discard_output__st(h);
}

static inline __attribute__((always_inline)) void task_detach(ax_task *h)
{
	ax__ts_and(h, ~(uint32_t)T_HANDLE);
	ax__task_ext *e = ax__task_ext_peek(h);
	if (e && e->join_waker) {
		ax_waker *jw = e->join_waker;
		e->join_waker = NULL;
		ax_waker_drop(jw);
	}
	/* Typically right after the spawn: only the executor (the task is not
	 * done) and this handle hold the task, so no other thread can touch
	 * the count and a plain store replaces the locked decrement.  (With
	 * N workers the task may be running and cloning its waker.) */
	if (AX_LIKELY(ax__cur_rt == ax__task_rt(h)) && !(AX_MT_ON() && ax__task_rt(h)->mt) &&
	    !(ax__ts(h) & T_DONE) &&
	    atomic_load_explicit(&h->refs, memory_order_relaxed) == 2) {
		atomic_store_explicit(&h->refs, 1, memory_order_relaxed);
		return;
	}
	ax__task_unref(h);
}

void ax_task_detach(ax_task *h)
{
	if (!h)
		return;
	if (AX_MT_ON()) {
		/* Without an ext there is no join waker to drop: the handle's
		 * bit and its reference go without the lock. */
		if (ax__task_rt(h)->mt_par && !(ax__ts(h) & T_EXT) && !AX__HOOKS()) {
			ax__ts_and(h, ~(uint32_t)T_HANDLE);
			ax__task_unref(h);
			return;
		}
		AX_MT_SCOPE_RT(ax__task_rt(h));
		task_detach(h);
		return;
	}
	task_detach(h);
}

void ax_task_daemon(ax_task *h)
{
	if (!h)
		return;
	AX_MT_SCOPE_RT(ax__task_rt(h));
	ax__ts_or(h, T_DAEMON);
	ax_task_detach(h);
}

void ax_task_abort(ax_task *h)
{
	if (!h)
		return;
	AX_MT_SCOPE_RT(ax__task_rt(h));
	if (ax__ts(h) & T_DONE)
		return;
	AX_HOOK(cancel, AX_CANCEL_ABORT, h, h, true);
	ax__ts_or(h, T_ABORT);
	ax__wake_local(ax__task_rt(h), h);
}

void ax__abort_cb(void *task)
{
	ax_task_abort(task);
	ax_task_detach(task);
}

static inline __attribute__((always_inline)) bool ax_task_is_finished__st(const ax_task *h)
{
	return (ax__ts(h) & T_DONE) != 0;
}

bool ax_task_is_finished(const ax_task *h)
{
	if (AX_MT_ON()) {
		AX_MT_SCOPE_RT(ax__task_rt(h));
		return ax_task_is_finished__st(h);
	}
	return ax_task_is_finished__st(h);
}

static inline __attribute__((always_inline)) const char * ax_task_name__st(const ax_task *t)
{
	const ax__task_ext *e = ax__task_ext_peek(t);
	return e ? e->name : NULL;
}

const char *ax_task_name(const ax_task *t)
{
	if (AX_MT_ON()) {
		AX_MT_SCOPE_RT(ax__task_rt(t));
		return ax_task_name__st(t);
	}
	return ax_task_name__st(t);
}

static inline __attribute__((always_inline)) uint64_t ax_task_id__st(const ax_task *t)
{
	const ax__task_ext *e = ax__task_ext_peek(t);
	return e ? e->id : t->id;
}

uint64_t ax_task_id(const ax_task *t)
{
	if (AX_MT_ON()) {
		AX_MT_SCOPE_RT(ax__task_rt(t));
		return ax_task_id__st(t);
	}
	return ax_task_id__st(t);
}

ax_task *ax_task_current(void)
{
	return ax__cur_task;
}

static inline __attribute__((always_inline)) const ax_site * ax_task_await_site__st(const ax_task *t)
{
	if (ax__ts(t) & T_DONE)
		return NULL;
	const ax_site *site = NULL;
	const ax_future *f = t->fut;
	while (f && (f->vt->flags & AX_VT_FRAME)) {
		const ax_frame *fr = (const ax_frame *)(const void *)f;
		if (fr->await_site)
			site = fr->await_site;
		f = fr->child;
	}
	return site;
}

const ax_site *ax_task_await_site(const ax_task *t)
{
	if (AX_MT_ON()) {
		AX_MT_SCOPE_RT(ax__task_rt(t));
		return ax_task_await_site__st(t);
	}
	return ax_task_await_site__st(t);
}

/* JoinHandle as a future. */
static ax_poll_t join_poll(ax_future *f, ax_cx *cx)
{
	ax_join_t *j = (ax_join_t *)(void *)f;
	ax_task *t = j->task;
	AX_MT_SCOPE();
	if (!t) {
		j->out.err = -EINVAL;
		return AX_READY;
	}
	uint32_t ts = ax__ts(t);
	if (ts & T_DONE) {
		if (ts & T_EXT)
			j->out = t->ext->out;
		else if (ts & T_NOMEM)
			j->out.err = -ENOMEM; /* its output could not be kept */
		else if (ts & T_OVERFLOW)
			j->out.err = -EOVERFLOW;
		else
			j->out.err = (ts & T_CANCELLED) ? -ECANCELED : 0;
		AX_HOOK(join, t, ax__cur_task);
		return AX_READY;
	}
	ax__task_ext *e = ax__task_ext_get(t);
	if (!e) {
		/* Out of memory: the join cannot register to be woken.  Say
		 * so rather than stay pending forever. */
		j->out.err = -ENOMEM;
		j->out.val = 0;
		return AX_READY;
	}
	if (!e->join_waker || !ax_waker_will_wake(e->join_waker, cx->waker)) {
		if (e->join_waker)
			ax_waker_drop(e->join_waker);
		e->join_waker = ax__waker_clone(cx->waker);
	}
	return AX_PENDING;
}

static void join_drop(ax_future *f)
{
	ax_join_t *j = (ax_join_t *)(void *)f;
	if (j->task) {
		ax_task_detach(j->task);
		j->task = NULL;
	}
}

static const ax_future_vt join_vt =
	AX_VT_OF(ax_join_t, "join_handle", join_poll, join_drop, AX_VT_RES);

/* A handle is awaited once: ax_join takes it over, and the join future
 * releases it when it is dropped, after which the task may be freed (and
 * its slot reused).  A second ax_join of the same handle is a bug that
 * would read freed memory; stop with a message while the slot still says
 * so (a slot already reused by a new task cannot be told apart). */
static void join_misuse(const ax_task *h, const ax_site *site)
{
	if (site)
		fprintf(stderr, "%s:%d: ", site->file, site->line);
	fprintf(stderr, "asynclab: JoinHandle awaited twice: ");
	if (ax__ts(h) & T_FREE)
		fprintf(stderr, "its task has finished and was freed");
	else
		fprintf(stderr, "task %llu is already being awaited",
			(unsigned long long)ax_task_id(h));
	fprintf(stderr, " (ax_join takes the handle over: await it once and "
			"pass the output on)\n");
	abort();
}

static inline __attribute__((always_inline)) ax_join_t ax__join__st(ax_task *h, const ax_site *site)
{
	if (h) {
		if (ax__ts(h) & (T_FREE | T_JOINED))
			join_misuse(h, site);
		ax__ts_or(h, T_JOINED);
	}
	return (ax_join_t){ .base.vt = &join_vt, .task = h };
}

ax_join_t ax__join(ax_task *h, const ax_site *site)
{
	if (AX_MT_ON()) {
		AX_MT_SCOPE();
		return ax__join__st(h, site);
	}
	return ax__join__st(h, site);
}

ax_join_t(ax_join)(ax_task *h)
{
	return ax__join(h, NULL);
}

static __attribute__((noinline)) void wake_by_ref_slow(ax_waker *w)
{
	wake(w, 0);
}

/* yield_now: wake ourselves and return PENDING once. */
static ax_poll_t yield_poll(ax_future *f, ax_cx *cx)
{
	if (f->state)
		return AX_READY;
	f->state = 1;
	ax_task *t = ax__waker_task(cx->waker);
	if (AX_LIKELY(t == ax__cur_task && ax__cur_rt_st == ax__task_rt(t)) &&
	    !AX__HOOKED(AX__HBIT(wake) | AX__HBIT(wake_other))) {
		/* The task being polled on a one-worker runtime: marked to be
		 * queued again after this poll (ax__task_run). */
		if (!(ax__ts(t) & T_DONE))
			ax__ts_or_st(t, T_QUEUED);
		return AX_PENDING;
	}
	if (t == mt_polling &&
	    !AX__HOOKED(AX__HBIT(wake) | AX__HBIT(wake_other) | AX__HBIT(waker_drop))) {
		/* The task a worker is polling without the lock: noted, and
		 * requeued after the poll (wake_slow does the same). */
		mt_self_woken = 1;
		return AX_PENDING;
	}
	wake_by_ref_slow(cx->waker);
	return AX_PENDING;
}

static const ax_future_vt yield_vt =
	AX_VT_OF(ax_yield_t, "yield_now", yield_poll, NULL, 0);

ax_yield_t ax_yield(void)
{
	return (ax_yield_t){ .base.vt = &yield_vt };
}
