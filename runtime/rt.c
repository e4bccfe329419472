/* rt.c - the runtime and its executor loop: run queue, remote queue,
 * parking on epoll, virtual-time advance, deadlock detection, block_on
 * and shutdown. */
#include "internal.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

ax_rt *ax_rt_current(void)
{
	return ax__cur_rt;
}

static inline ax_task *rq_pop(ax_rt *rt)
{
	ax_task *t = rt->rq_head;
	if (!t)
		return NULL;
	if (AX_UNLIKELY(rt->seed != 0) && t->next && (ax__rand(&rt->rng) & 1)) {
		/* Seeded order: take the second ready task instead. */
		ax_task *s = t->next;
		t->next = s->next;
		if (rt->rq_tail == s)
			rt->rq_tail = t;
		rt->rq_len--;
		return s;
	}
	rt->rq_head = t->next;
	if (!rt->rq_head)
		rt->rq_tail = NULL;
	rt->rq_len--;
	return t;
}

ax_task *ax__rq_pop(ax_rt *rt)
{
	return rq_pop(rt);
}

void ax__rt_unpark(ax_rt *rt)
{
	uint64_t one = 1;
	ssize_t r = write(rt->evfd, &one, sizeof one);
	(void)r;
}

/* A zombie runtime's memory, once no waker keeps a task. */
static void zombie_destroy(ax_rt *rt)
{
	ax__slab_destroy(rt);
	pthread_mutex_destroy(&rt->remote_lock);
	free(rt);
}

/* remote_lock held, rt a zombie: drop one reference on t; the last one
 * of t forgets it (its ext goes).  Returns 1 when that was the last task
 * the zombie kept: the caller frees it after unlocking. */
static int zombie_release(ax_rt *rt, ax_task *t)
{
	if (atomic_fetch_sub_explicit(&t->refs, 1, memory_order_acq_rel) != 1)
		return 0;
	ax__task_ext_free(t);
	ax__ts_init(t, T_FREE);
	return --rt->zombie_tasks == 0;
}

/* Any thread: queue a wake or a release for the executor's thread.  On a
 * freed runtime a wake does nothing and a release is done here.  When the
 * queue cannot grow the operation goes to the fallback slots; when those
 * are full too, the poster waits for the executor to drain them: a wake
 * is never lost. */
void ax__remote_post(ax_rt *rt, ax_task *t, int op)
{
	int user = op & AX_REMOTE_USER;
	op &= ~AX_REMOTE_USER;
	for (;;) {
		pthread_mutex_lock(&rt->remote_lock);
		if (AX_UNLIKELY(ax__rt_gone(rt))) {
			int last = zombie_release(rt, t);
			pthread_mutex_unlock(&rt->remote_lock);
			if (last)
				zombie_destroy(rt);
			return;
		}
		if (rt->remote_len < rt->remote_cap)
			break;
		size_t cap = rt->remote_cap ? rt->remote_cap * 2 : 64;
		ax__remote *n = ax__alloc_fails() ? NULL
						  : realloc(rt->remote, cap * sizeof *n);
		if (n) {
			rt->remote = n;
			rt->remote_cap = cap;
			break;
		}
		if (rt->fallback_len < AX_REMOTE_FALLBACK) {
			rt->fallback[rt->fallback_len++] = (ax__remote){ t, op };
			goto posted;
		}
		if (!atomic_exchange(&rt->remote_pending, 1))
			ax__rt_unpark(rt);
		pthread_mutex_unlock(&rt->remote_lock);
		struct timespec ts = { 0, 1000 * 1000 };
		nanosleep(&ts, NULL);
	}
	rt->remote[rt->remote_len++] = (ax__remote){ t, op };
posted:
	/* Unpark under the lock: ax_rt_free closes the eventfd only after
	 * taking it. */
	if (!atomic_exchange(&rt->remote_pending, 1))
		ax__rt_unpark(rt);
	/* The wake is queued and announced: the waker it consumed may stop
	 * counting as held (rt_idle reads the count before draining). */
	if (user)
		atomic_fetch_sub(&rt->user_wakers, 1);
	pthread_mutex_unlock(&rt->remote_lock);
}

void ax__rt_user_waker_dropped(ax_rt *rt)
{
	pthread_mutex_lock(&rt->remote_lock);
	/* The last one held: an executor waiting for it must look again.
	 * Unparked under the lock, like a post. */
	if (!ax__rt_gone(rt) && atomic_fetch_sub(&rt->user_wakers, 1) == 1)
		ax__rt_unpark(rt);
	pthread_mutex_unlock(&rt->remote_lock);
}

static void remote_run(ax_rt *rt, const ax__remote *items, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (items[i].op == AX_REMOTE_WAKE)
			ax__wake_local(rt, items[i].task);
		ax__task_release_on_rt(rt, items[i].task);
	}
}

void ax__remote_drain(ax_rt *rt)
{
	if (!atomic_load_explicit(&rt->remote_pending, memory_order_acquire))
		return;
	ax__remote fb[AX_REMOTE_FALLBACK];
	pthread_mutex_lock(&rt->remote_lock);
	ax__remote *items = rt->remote;
	size_t n = rt->remote_len, nfb = rt->fallback_len;
	rt->remote = NULL;
	rt->remote_len = rt->remote_cap = 0;
	if (AX_UNLIKELY(nfb)) {
		memcpy(fb, rt->fallback, nfb * sizeof *fb);
		rt->fallback_len = 0;
	}
	atomic_store(&rt->remote_pending, 0);
	pthread_mutex_unlock(&rt->remote_lock);
	remote_run(rt, items, n);
	remote_run(rt, fb, nfb);
	free(items);
}

static uint64_t env_u64(const char *name, uint64_t def)
{
	const char *s = getenv(name);
	if (!s || !*s)
		return def;
	char *end;
	unsigned long long v = strtoull(s, &end, 0);
	return *end ? def : (uint64_t)v;
}

ax_rt_opts ax_rt_opts_env(void)
{
	const char *c = getenv("ASYNCLAB_CLOCK");
	return (ax_rt_opts){
		.clock = c && !strcmp(c, "virtual") ? AX_CLOCK_VIRTUAL : AX_CLOCK_REAL,
		.seed = env_u64("ASYNCLAB_SEED", 0),
		.blocking_threads = (int)env_u64("ASYNCLAB_BLOCKING_THREADS", 0),
		.workers = (int)env_u64("ASYNCLAB_WORKERS", 1),
	};
}

ax_rt *ax_rt_new(const ax_rt_opts *opts)
{
	ax_rt *rt = calloc(1, sizeof *rt);
	if (!rt)
		return NULL;
	ax_rt_opts env;
	if (!opts) {
		env = ax_rt_opts_env();
		opts = &env;
	}
	rt->clock = opts->clock;
	rt->seed = opts->seed;
	rt->blocking_threads = opts->blocking_threads;
	rt->blocking_queue = opts->blocking_queue;
	rt->workers = opts->workers;
	if (rt->workers <= 0)
		rt->workers = 1;
	if (rt->workers > AX_MAX_WORKERS) {
		errno = EINVAL;
		free(rt);
		return NULL;
	}
	if (rt->blocking_threads <= 0)
		rt->blocking_threads = 4;
	if (rt->blocking_queue <= 0)
		rt->blocking_queue = 1024;
	rt->rng = rt->seed;
	rt->epfd = epoll_create1(EPOLL_CLOEXEC);
	rt->evfd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (rt->epfd < 0 || rt->evfd < 0)
		goto fail;
	struct epoll_event ev = { .events = EPOLLIN, .data.fd = -1 };
	if (epoll_ctl(rt->epfd, EPOLL_CTL_ADD, rt->evfd, &ev) < 0)
		goto fail;
	pthread_mutex_init(&rt->remote_lock, NULL);
	atomic_store_explicit(&rt->thread, pthread_self(), memory_order_relaxed);
	ax__set_cur_rt(rt);
	AX_HOOK(rt_start, rt);
	if (rt->workers > 1) {
		int e = ax__mt_start(rt, rt->workers);
		if (e < 0) {
			ax__set_cur_rt(NULL);
			close(rt->epfd);
			close(rt->evfd);
			pthread_mutex_destroy(&rt->remote_lock);
			free(rt);
			errno = -e;
			return NULL;
		}
		ax__set_cur_rt(rt); /* now a runtime with workers */
	}
	return rt;
fail:
	if (rt->epfd >= 0)
		close(rt->epfd);
	if (rt->evfd >= 0)
		close(rt->evfd);
	free(rt);
	return NULL;
}

static int rt_ready(ax_rt *rt);

/* Wait for descriptors, the eventfd or a timeout (ms, -1 forever).
 * With N workers the driver waits without the runtime lock (held once),
 * marked as parked so that work for it unparks it. */
int ax__rt_park(ax_rt *rt, int timeout_ms)
{
	struct epoll_event evs[64];
	unsigned unlocked = 0;
	if (timeout_ms != 0) {
		atomic_store(&rt->parked, 1);
		if (atomic_load(&rt->remote_pending))
			timeout_ms = 0;
		if (rt->mt) {
			ax__mt_driver_parking(rt, 1);
			if (rt_ready(rt))
				timeout_ms = 0;
			unlocked = ax__mt_release_all(rt);
		}
	}
	int n = epoll_wait(rt->epfd, evs, 64, timeout_ms);
	if (unlocked) {
		ax__mt_reacquire(rt, unlocked);
		ax__mt_driver_parking(rt, 0);
	}
	atomic_store(&rt->parked, 0);
	for (int i = 0; i < n; i++) {
		if (evs[i].data.fd == -1) {
			uint64_t v;
			ssize_t r = read(rt->evfd, &v, sizeof v);
			(void)r;
		} else {
			ax__io_dispatch(rt, evs[i].data.fd, evs[i].events);
		}
	}
	return n;
}

/* A task is ready to run (with N workers: in any queue). */
static int rt_ready(ax_rt *rt)
{
	return rt->mt_par ? ax__mt_has_ready(rt) : rt->rq_head != NULL;
}

/* With N workers, another worker is still running tasks: the clock may
 * not move and a deadlock cannot be told yet. */
static int others_busy(ax_rt *rt)
{
	return rt->mt_par && ax__mt_others_busy(rt);
}

static int has_external(ax_rt *rt)
{
	return rt->io_waiters > 0 ||
	       atomic_load(&rt->blocking_inflight) > 0;
}

/* Threads of instrumentation that never hold a waker (a watchdog). */
static atomic_int quiet_threads;

void ax_instrument_quiet_threads(int delta)
{
	atomic_fetch_add(&quiet_threads, delta);
}

/* The threads of this process (/proc/self/stat, field 20), or 0 when
 * that cannot be read. */
static long process_threads(void)
{
	char buf[1024];
	int fd = open("/proc/self/stat", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	ssize_t n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	/* After "pid (comm)", whose comm may hold spaces and parentheses:
	 * field 3 (state) onwards; num_threads is the 18th of those. */
	char *p = strrchr(buf, ')');
	if (!p)
		return 0;
	p++;
	for (int field = 2; field < 19 && p; field++)
		p = strchr(p + 1, ' ');
	return p ? strtol(p + 1, NULL, 10) : 0;
}

#if defined(__SANITIZE_THREAD__)
#define AX_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define AX_TSAN 1
#endif
#endif
#ifndef AX_TSAN
#define AX_TSAN 0
#endif

#if AX_TSAN
#include <dirent.h>
/* ThreadSanitizer starts threads of its own (one, and one more in a
 * forked child), which block every signal, as the blocking workers do:
 * in such a build the threads that block every catchable signal are
 * counted as the runtime's (a program thread that does so is missed). */
static long masked_threads(void)
{
	DIR *d = opendir("/proc/self/task");
	if (!d)
		return 0;
	long n = 0;
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		char path[64], buf[2048];
		snprintf(path, sizeof path, "/proc/self/task/%.20s/status", e->d_name);
		int fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		ssize_t len = read(fd, buf, sizeof buf - 1);
		close(fd);
		if (len <= 0)
			continue;
		buf[len] = '\0';
		const char *p = strstr(buf, "\nSigBlk:");
		/* Signals 1 to 31 but SIGKILL and SIGSTOP, one bit each. */
		if (p && (strtoull(p + 8, NULL, 16) & 0x7ffbfeffull) == 0x7ffbfeffull)
			n++;
	}
	closedir(d);
	return n;
}
#endif

/* Whether a waker the program cloned may still come back from another
 * thread: some are held, and the process has a thread besides this one
 * (the executor's), the runtime's blocking workers and the threads
 * instrumentation declared (ax_instrument_quiet_threads).  Read only
 * when the executor has nothing else to wait for.  Read the count
 * before draining the remote queue: a wake from another thread is
 * queued before its waker stops being counted. */
static int wakers_abroad(ax_rt *rt)
{
	if (atomic_load(&rt->user_wakers) <= 0)
		return 0;
	long own = 1 + atomic_load(&quiet_threads);
	if (rt->mt)
		own += rt->workers; /* the workers; the 1 is block_on's thread */
#if AX_TSAN
	own += masked_threads(); /* the blocking workers among them */
#else
	own += ax__pool_threads(rt);
#endif
	return process_threads() > own;
}

/* While wakers held by another thread are all that can wake a task, the
 * executor parks this long at a time and then looks again: a thread that
 * ends still holding one (it leaked it) is seen within this time. */
#define ABROAD_RECHECK_MS 200

/* Nothing is runnable: wait for something to become so.  Returns 0, or
 * -EDEADLK when nothing can ever wake a task. */
int ax__rt_idle(ax_rt *rt)
{
	if (ax__timers_fire(rt) > 0)
		return 0;
	uint64_t next = ax__timers_next(rt);
	if (rt->clock == AX_CLOCK_VIRTUAL) {
		/* First take what is ready without waiting. */
		if (ax__rt_park(rt, 0) > 0 || rt_ready(rt))
			return 0;
		int abroad = wakers_abroad(rt);
		ax__remote_drain(rt);
		if (rt_ready(rt))
			return 0;
		if (atomic_load(&rt->blocking_inflight) > 0) {
			/* Real work is under way: let it finish before time
			 * jumps (tokio inhibits auto-advance the same way). */
			ax__rt_park(rt, -1);
			return 0;
		}
		if (others_busy(rt)) {
			/* Another worker runs tasks: wait for it to run out
			 * (it unparks this one) before time moves. */
			ax__rt_park(rt, -1);
			return 0;
		}
		if (abroad) {
			/* Another thread may wake a task after real work of
			 * its own: time stands until it has (or has let its
			 * wakers go), as for a blocking job. */
			ax__rt_park(rt, ABROAD_RECHECK_MS);
			return 0;
		}
		if (next != UINT64_MAX) {
			if (next > rt->vnow) {
				rt->vnow = next;
				AX_HOOK(clock, rt->vnow);
			}
			ax__timers_fire(rt);
			return 0;
		}
		if (rt->io_waiters > 0) {
			ax__rt_park(rt, -1);
			return 0;
		}
		return -EDEADLK;
	}
	int timeout = -1;
	if (next != UINT64_MAX) {
		uint64_t now = ax__mono_ns();
		uint64_t d = next > now ? next - now : 0;
		timeout = (int)((d + 999999) / 1000000);
	} else if (!has_external(rt) && others_busy(rt)) {
		/* Another worker runs tasks: nothing to decide before it
		 * runs out (it unparks this one). */
		ax__rt_park(rt, -1);
		return 0;
	} else if (!has_external(rt)) {
		/* Nothing registered: only another thread holding a waker
		 * could wake a task.  Give it a moment; while wakers the
		 * program cloned are held and another thread may hold them,
		 * wait on (a moment at a time); otherwise call it a
		 * deadlock. */
		if (ax__rt_park(rt, ABROAD_RECHECK_MS) > 0 || rt_ready(rt))
			return 0;
		int abroad = wakers_abroad(rt);
		ax__remote_drain(rt);
		if (rt_ready(rt) || ax__timers_next(rt) != UINT64_MAX || has_external(rt) ||
		    abroad || others_busy(rt))
			return 0;
		return -EDEADLK;
	}
	ax__rt_park(rt, timeout);
	ax__timers_fire(rt);
	return 0;
}

void ax__rt_between_polls(ax_rt *rt, int poll_io)
{
	ax__remote_drain(rt);
	if (rt->heap_len)
		ax__timers_fire(rt);
	if (poll_io && rt->io_waiters)
		ax__rt_park(rt, 0);
}

/* Run until `until` is done; returns 0 or -EDEADLK. */
static int rt_run(ax_rt *rt, ax_task *until)
{
	for (;;) {
		unsigned n = 0;
		ax_task *t;
		while ((t = rq_pop(rt)) != NULL) {
			ax__task_run(rt, t);
			if (ax__ts(until) & T_DONE)
				return 0;
			if (++n == AX_EVENT_INTERVAL) {
				n = 0;
				ax__rt_between_polls(rt, 1);
			}
		}
		if (ax__ts(until) & T_DONE)
			return 0;
		ax__remote_drain(rt);
		if (rt->rq_head)
			continue;
		int r = ax__rt_idle(rt);
		if (r < 0)
			return r;
		ax__remote_drain(rt);
	}
}

int ax__block_on(ax_rt *rt, ax_future *fut, size_t size, const ax_site *site)
{
	ax_rt *saved = ax__cur_rt;
	ax__set_cur_rt(rt);
	/* With N workers: held from before the root is queued until the
	 * wait, so that no worker sees the root before block_on waits
	 * for it (and released while it does). */
	AX_MT_SCOPE_RT(rt);
	atomic_store_explicit(&rt->thread, pthread_self(), memory_order_relaxed);
	char *saved_floor = rt->stack_floor;
	rt->stack_floor = ax__stack_floor();
	ax_task *root = ax__spawn(fut, size, "main", site);
	if (!root) {
		rt->stack_floor = saved_floor;
		ax__set_cur_rt(saved);
		memset((char *)fut + fut->vt->out_offset, 0, fut->vt->out_size);
		return -ENOMEM;
	}
	rt->root = root;
	/* Keep the root's future until its output is copied out. */
	int r = rt->mt ? ax__mt_wait(rt, root) : rt_run(rt, root);
	if (r == 0 && AX_UNLIKELY(ax__ts(root) & T_OVERFLOW))
		r = -EOVERFLOW; /* its futures nest too deep (said on stderr) */
	if (r == 0) {
		/* task_finish dropped the future but kept its bytes: copy the
		 * output back to the caller's copy. */
		memcpy((char *)fut + fut->vt->out_offset,
		       (char *)root->fut + fut->vt->out_offset, fut->vt->out_size);
	} else {
		if (r == -EDEADLK) {
			rt->deadlocked = 1;
			AX_HOOK(deadlock, rt);
		}
		memset((char *)fut + fut->vt->out_offset, 0, fut->vt->out_size);
	}
	rt->root = NULL;
	rt->stack_floor = saved_floor;
	ax_task_detach(root);
	ax__set_cur_rt(saved ? saved : rt);
	return r;
}

void ax_rt_stats_get(ax_rt *rt, ax_rt_stats *st)
{
	AX_MT_SCOPE_RT(rt);
	memset(st, 0, sizeof *st);
	int64_t live;
	uint64_t spawned;
	ax__mt_counts(rt, &live, &spawned);
	st->live_tasks = __atomic_load_n(&rt->live_tasks, __ATOMIC_RELAXED) + (uint64_t)live;
	st->spawned = __atomic_load_n(&rt->spawned, __ATOMIC_RELAXED) + spawned;
	st->polls = atomic_load_explicit(&rt->polls, memory_order_relaxed);
	st->timers = rt->heap_len;
	st->io_waiters = rt->io_waiters;
	st->blocking_jobs = atomic_load(&rt->blocking_inflight);
	st->boxed_futures = atomic_load(&ax__boxed_live);
	st->now_ns = ax__rt_now(rt);
	st->deadlocked = rt->deadlocked;
	st->workers = (uint32_t)rt->workers;
	ax__mt_stats(rt, &st->steals, &st->stolen);
}

static void collect_live(ax_task *t, void *ud)
{
	ax_task ***pp = ud;
	*(*pp)++ = t;
}

/* Drop every task still alive.  Tasks are visited in slab order; each
 * gets an extra reference so that dropping one future (which may release
 * wakers of others) cannot free a task we have yet to visit. */
static int rt_drop_all(ax_rt *rt)
{
	/* (The workers have stopped: their counts hold still.) */
	int64_t live;
	uint64_t spawned;
	ax__mt_counts(rt, &live, &spawned);
	size_t n = __atomic_load_n(&rt->live_tasks, __ATOMIC_RELAXED) + (size_t)live;
	if (n == 0)
		return 0;
	ax_task **all = malloc(n * sizeof *all), **p = all;
	if (!all)
		return -ENOMEM;
	ax__slab_each(rt, collect_live, &p);
	n = (size_t)(p - all);
	for (size_t i = 0; i < n; i++)
		atomic_fetch_add(&all[i]->refs, 1);
	int alive = 0;
	for (size_t i = 0; i < n; i++) {
		ax_task *t = all[i];
		if (!(ax__ts(t) & T_DONE)) {
			alive++;
			ax__ts_or(t, T_ABORT);
			ax__task_run(rt, t); /* finishes it as cancelled */
		}
	}
	for (size_t i = 0; i < n; i++)
		ax__task_release_on_rt(rt, all[i]);
	free(all);
	return alive;
}

/* At ax_rt_free (remote_lock held): every task still in the slab is
 * kept by the zombie until its last reference goes.  A handle the program
 * kept dies with the runtime: its reference is dropped here. */
static void zombie_adopt(ax_task *t, void *ud)
{
	ax_rt *rt = ud;
	rt->zombie_tasks++;
	if (ax__ts(t) & T_HANDLE) {
		ax__ts_and(t, ~(uint32_t)T_HANDLE);
		zombie_release(rt, t);
	}
}

int ax_rt_free(ax_rt *rt)
{
	if (!rt)
		return -EINVAL;
	ax_rt *saved = ax__cur_rt;
	ax__set_cur_rt(rt);
	/* With N workers: stop them (each ends the poll it is in), then
	 * tear down under the runtime lock, as one thread. */
	if (rt->mt) {
		ax__mt_stop(rt);
		ax__mt_lock(rt);
	}
	AX_HOOK(rt_stop, rt);
	ax__pool_destroy(rt);
	ax__remote_drain(rt);
	int alive = rt_drop_all(rt);
	ax__remote_drain(rt);
	ax__io_destroy(rt);
	free(rt->heap);
	if (rt->mt) {
		ax__mt_unlock(rt);
		ax__mt_free(rt);
	}
	/* Wakers may outlive the runtime (held by other threads, kept by the
	 * program): their tasks stay, with the slab, until the last goes.
	 * From here on a wake from any thread finds the runtime gone. */
	pthread_mutex_lock(&rt->remote_lock);
	atomic_store_explicit(&rt->zombie, 1, memory_order_relaxed);
	ax__remote *items = rt->remote;
	size_t n = rt->remote_len;
	rt->remote = NULL;
	rt->remote_len = rt->remote_cap = 0;
	ax__slab_each(rt, zombie_adopt, rt);
	for (size_t i = 0; i < n; i++)
		zombie_release(rt, items[i].task);
	for (size_t i = 0; i < rt->fallback_len; i++)
		zombie_release(rt, rt->fallback[i].task);
	rt->fallback_len = 0;
	int last = rt->zombie_tasks == 0;
	pthread_mutex_unlock(&rt->remote_lock);
	free(items);
	close(rt->epfd);
	close(rt->evfd);
	ax__set_cur_rt(saved == rt ? NULL : saved);
	if (last)
		zombie_destroy(rt);
	return alive;
}
