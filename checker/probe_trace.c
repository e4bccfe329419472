/* probe_trace.c - the scheduler trace (trace mode: ASYNCLAB_TRACE=1,
 * `asynclab check --trace`): one "tr" event per scheduler step, in the
 * order they happened, written through the probe's own output
 * (probe_emit.c) so that they interleave with its other events.  The
 * kinds and their fields are the typed report's (checker/report.h,
 * axc_ev_kind); inspect_events.c reads them back.
 *
 * Trace mode installs a hook table of its own that wraps the probe's
 * usual one (every usual handler still runs first), so a run without the
 * trace pays nothing for it.  On top of the runtime's hooks it keeps:
 *   - every future the checker tracks (AX_CALL, AX_BOX, spawned ones) has
 *     its vtable swapped at creation for a copy whose poll goes through
 *     tr_poll, which sees each poll, its result and the enclosing tracked
 *     future (FUTURE_POLL, and the parent of FUTURE_CREATE);
 *   - stdout is a counting stream, so every event says how many bytes of
 *     output the program had written by then ("out").
 * ASYNCLAB_TRACE_MAX caps the events written (default 200000); the rest
 * are counted and reported as "trace_dropped". */
#define _GNU_SOURCE
#include "probe.h"

#include <asynclab/future.h>

#include <stdio.h>
#include <string.h>
#include <unistd.h>

int pr_trace_on;

/* The kinds, as report.h names them. */
enum {
	K_SPAWN, K_READY, K_POLL, K_POLL_END, K_EXIT, K_WAKE, K_WAKER_CLONE,
	K_WAKER_DROP, K_TIMER_ARM, K_TIMER_CANCEL, K_TIMER_FIRE, K_LOCK_WAIT,
	K_LOCK_ACQUIRE, K_LOCK_RELEASE, K_FUTURE_CREATE, K_FUTURE_POLL,
	K_FUTURE_DROP, K_STREAM_NEXT, K_CLOCK, K_STALL, K_CANCEL, K_DEADLOCK,
	K_RT_START, K_RT_STOP
};
static const char *const kind_name[] = {
	"spawn", "ready", "poll", "poll_end", "exit", "wake", "waker_clone",
	"waker_drop", "timer_arm", "timer_cancel", "timer_fire", "lock_wait",
	"lock_acquire", "lock_release", "future_create", "future_poll",
	"future_drop", "stream_next", "clock", "stall", "cancel", "deadlock",
	"rt_start", "rt_stop"
};
_Static_assert(sizeof kind_name / sizeof *kind_name == K_RT_STOP + 1, "a name per kind");

/* Wake sources (axc_wake_source). */
enum { SRC_SELF, SRC_TASK, SRC_THREAD, SRC_TIMER, SRC_RUNTIME };

static uint64_t tr_max = 200000;
static _Atomic uint64_t tr_count, tr_dropped;
static _Atomic uint64_t out_bytes; /* the program's stdout so far */
static _Atomic uint64_t last_virtual; /* the virtual clock at the last event */
static int any_virtual;
static _Atomic int any_rt;	/* a runtime has started */
static ax_hooks base;	/* the probe's usual table, wrapped */

/* --- ids for timers, locks, streams, tokens ---------------------------- */

/* (kind, address) -> id, numbered from 1 per kind in order of first
 * sight; open addressing, deletion shifts entries back. */
enum { O_TIMER, O_LOCK, O_STREAM, O_TOKEN, O_DONE, O_COUNT };
typedef struct oent {
	uintptr_t key; /* 0: free */
	uint32_t kind;
	uint64_t id;
} oent;
static oent *otab;
static size_t ocap, on;
static uint64_t onext[O_COUNT];
static atomic_flag olock = ATOMIC_FLAG_INIT;

static void olock_take(void)
{
	while (atomic_flag_test_and_set_explicit(&olock, memory_order_acquire))
		;
}

static void olock_give(void)
{
	atomic_flag_clear_explicit(&olock, memory_order_release);
}

static size_t ohash(uintptr_t key, uint32_t kind, size_t cap)
{
	return (size_t)(((uint64_t)key * 0x9E3779B97F4A7C15ull + kind) >> 17) & (cap - 1);
}

static oent *ofind(uintptr_t key, uint32_t kind)
{
	if (!ocap)
		return NULL;
	size_t h = ohash(key, kind, ocap);
	while (otab[h].key && !(otab[h].key == key && otab[h].kind == kind))
		h = (h + 1) & (ocap - 1);
	return otab[h].key ? &otab[h] : NULL;
}

static bool ogrow(void)
{
	if ((on + 1) * 2 <= ocap)
		return true;
	size_t cap = ocap ? ocap * 2 : 256;
	oent *t = calloc(cap, sizeof *t);
	if (!t)
		return false;
	for (size_t i = 0; i < ocap; i++) {
		if (!otab[i].key)
			continue;
		size_t h = ohash(otab[i].key, otab[i].kind, cap);
		while (t[h].key)
			h = (h + 1) & (cap - 1);
		t[h] = otab[i];
	}
	free(otab);
	otab = t;
	ocap = cap;
	return true;
}

/* The id of (kind, key), made when new. */
static uint64_t obj_id(uint32_t kind, const void *p)
{
	uintptr_t key = (uintptr_t)p;
	if (!key)
		return 0;
	olock_take();
	oent *e = ofind(key, kind);
	uint64_t id = 0;
	if (e) {
		id = e->id;
	} else if (ogrow()) {
		size_t h = ohash(key, kind, ocap);
		while (otab[h].key)
			h = (h + 1) & (ocap - 1);
		otab[h] = (oent){ key, kind, ++onext[kind] };
		on++;
		id = otab[h].id;
	}
	olock_give();
	return id;
}

/* Forget (kind, key): a later object at that address is a new one.
 * Returns its id, or 0 when it was not known. */
static uint64_t obj_forget(uint32_t kind, const void *p)
{
	uintptr_t key = (uintptr_t)p;
	olock_take();
	oent *e = ofind(key, kind);
	uint64_t id = 0;
	if (e) {
		id = e->id;
		size_t hole = (size_t)(e - otab);
		otab[hole].key = 0;
		on--;
		for (size_t j = (hole + 1) & (ocap - 1); otab[j].key; j = (j + 1) & (ocap - 1)) {
			size_t home = ohash(otab[j].key, otab[j].kind, ocap);
			bool between = hole <= j ? (home > hole && home <= j)
						 : (home > hole || home <= j);
			if (!between) {
				otab[hole] = otab[j];
				otab[j].key = 0;
				hole = j;
			}
		}
	}
	olock_give();
	return id;
}

/* --- output ------------------------------------------------------------ */

typedef struct tr_ev {
	int k;
	int64_t task, by;
	uint64_t f, p, obj, d;
	int r, src, lk, fl;
	const char *name;
	const ax_site *site;
} tr_ev;

static PR_TLS pr_buf tr_b;

/* Now on the clock the run's times are on.  A thread without a runtime
 * (a wake from another thread) reads the virtual clock as of the last
 * event of the executor. */
static uint64_t tr_now(void)
{
	if (ax_clock_is_virtual()) {
		uint64_t t = ax_now();
		atomic_store_explicit(&last_virtual, t, memory_order_relaxed);
		return t;
	}
	if (any_virtual && !pr_tl_rt)
		return atomic_load_explicit(&last_virtual, memory_order_relaxed);
	/* Before any runtime (a future made in main() before block_on) the
	 * run is at its start: 0 on the virtual clock, whose times count
	 * from there, not the system's clock. */
	if (pr_clock_virtual && !atomic_load_explicit(&any_rt, memory_order_relaxed))
		return 0;
	return pr_mono_ns();
}

static int64_t gid_of(ax_task *t)
{
	pr_task *pt = t ? pr_task_of(t) : NULL;
	return pt ? (int64_t)pt->gid : 0;
}

static void tr_emit(const tr_ev *e)
{
	if (!pr_active)
		return;
	if (atomic_fetch_add_explicit(&tr_count, 1, memory_order_relaxed) >= tr_max) {
		atomic_fetch_add_explicit(&tr_dropped, 1, memory_order_relaxed);
		return;
	}
	pr_buf *b = &tr_b;
	b->len = 0;
	pr_bprintf(b, "{\"ev\":\"tr\",\"k\":\"%s\",\"t\":%llu,\"out\":%llu", kind_name[e->k],
		   (unsigned long long)tr_now(),
		   (unsigned long long)atomic_load_explicit(&out_bytes, memory_order_relaxed));
#define NUM(key, v)                                                                  \
	do {                                                                         \
		if (v)                                                               \
			pr_bprintf(b, ",\"" key "\":%lld", (long long)(v));          \
	} while (0)
	NUM("task", e->task);
	NUM("by", e->by);
	NUM("f", e->f);
	NUM("p", e->p);
	NUM("obj", e->obj);
	NUM("r", e->r);
	NUM("src", e->src);
	NUM("lk", e->lk);
	NUM("fl", e->fl);
#undef NUM
	if (e->d)
		pr_bprintf(b, ",\"d\":%llu", (unsigned long long)e->d);
	if (e->name) {
		pr_bputs(b, ",\"name\":");
		pr_bstr(b, e->name);
	}
	if (e->site) {
		pr_bputs(b, ",\"file\":");
		pr_bstr(b, e->site->file);
		pr_bprintf(b, ",\"line\":%d,\"func\":", e->site->line);
		pr_bstr(b, e->site->func);
	}
	pr_bputs(b, "}");
	pr_emit_line(b->p, b->len);
}

/* --- the program's stdout, counted -------------------------------------- */

static ssize_t out_write(void *cookie, const char *buf, size_t n)
{
	size_t off = 0;
	(void)cookie;
	while (off < n) {
		ssize_t w = pr_real_write(STDOUT_FILENO, buf + off, n - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return off ? (ssize_t)off : -1;
		off += (size_t)w;
		atomic_fetch_add_explicit(&out_bytes, (uint64_t)w, memory_order_relaxed);
	}
	return (ssize_t)n;
}

void pr_trace_out(size_t n)
{
	atomic_fetch_add_explicit(&out_bytes, n, memory_order_relaxed);
}

/* --- futures: a poll of every tracked one is seen -------------------------- */

/* A tracked future's vtable, copied, with the poll routed through tr_poll. */
typedef struct tr_vt {
	ax_future_vt vt;
	const ax_future_vt *orig;
} tr_vt;

/* The tracked futures being polled on this thread, innermost last. */
#define TR_DEPTH 64
static PR_TLS struct {
	const ax_future *f[TR_DEPTH];
	int n;
	uint32_t first; /* the future whose first poll was just announced */
} fstack;

/* The innermost tracked future being polled on this thread, or NULL. */
static const ax_future *polling_future(void)
{
	int n = fstack.n;
	return n > 0 && n <= TR_DEPTH ? fstack.f[n - 1] : NULL;
}

static uint64_t poll_parent(void)
{
	const ax_future *f = polling_future();
	return f ? f->id : 0;
}

/* The task a firing timer wakes: its wake, next, comes from the timer. */
static PR_TLS ax_task *timer_target;

static ax_poll_t tr_poll(ax_future *f, ax_cx *cx)
{
	const tr_vt *w = (const tr_vt *)(const void *)f->vt;
	uint32_t id = f->id;
	uint64_t parent = poll_parent();
	bool first = fstack.first == id && id;
	if (first)
		fstack.first = 0;
	if (fstack.n < TR_DEPTH)
		fstack.f[fstack.n] = f;
	fstack.n++;
	ax_poll_t r = w->orig->poll(f, cx);
	fstack.n--;
	if (r == AX_READY)
		obj_id(O_DONE, (const void *)(uintptr_t)id);
	tr_emit(&(tr_ev){ .k = K_FUTURE_POLL, .task = gid_of(ax_task_polling()), .f = id,
			  .p = parent, .r = (int)r, .fl = first, .name = w->vt.name });
	return r;
}

/* The wrapper of vtable vt, made once per vtable. */
static const ax_future_vt *wrap_vt(const ax_future_vt *vt)
{
	if (vt->poll == tr_poll)
		return vt;
	uint64_t id;
	olock_take();
	oent *e = ofind((uintptr_t)vt, O_COUNT);
	id = e ? e->id : 0;
	olock_give();
	if (id)
		return (const ax_future_vt *)(uintptr_t)id;
	tr_vt *w = malloc(sizeof *w);
	if (!w)
		return vt;
	w->vt = *vt;
	w->vt.poll = tr_poll;
	w->orig = vt;
	olock_take();
	e = ofind((uintptr_t)vt, O_COUNT);
	if (e) {
		free(w);
		w = (tr_vt *)(uintptr_t)e->id;
	} else if (ogrow()) {
		size_t h = ohash((uintptr_t)vt, O_COUNT, ocap);
		while (otab[h].key)
			h = (h + 1) & (ocap - 1);
		otab[h] = (oent){ (uintptr_t)vt, O_COUNT, (uint64_t)(uintptr_t)w };
		on++;
	}
	olock_give();
	return &w->vt;
}

/* --- the hooks ------------------------------------------------------------ */

/* The leaf future a task waits on: the innermost future of its chain of
 * async-function frames. */
static const ax_future *leaf_of(ax_task *t)
{
	const ax_future *f = ax_task_future(t);
	while (f && (f->vt->flags & AX_VT_FRAME)) {
		const ax_frame *fr = (const ax_frame *)(const void *)f;
		if (!fr->child)
			break;
		f = fr->child;
	}
	return f;
}

static void t_rt_start(void *ud, ax_rt *rt)
{
	if (base.rt_start)
		base.rt_start(ud, rt);
	bool virt = ax_clock_is_virtual();
	any_virtual |= virt;
	atomic_store_explicit(&any_rt, 1, memory_order_relaxed);
	tr_emit(&(tr_ev){ .k = K_RT_START, .fl = virt });
}

static void t_rt_stop(void *ud, ax_rt *rt)
{
	tr_emit(&(tr_ev){ .k = K_RT_STOP });
	if (base.rt_stop)
		base.rt_stop(ud, rt);
}

static void t_spawn(void *ud, ax_task *t, ax_task *parent, const char *fut, const ax_site *site)
{
	if (base.spawn)
		base.spawn(ud, t, parent, fut, site);
	tr_emit(&(tr_ev){ .k = K_SPAWN, .task = gid_of(t), .by = gid_of(parent),
			  .f = ax_task_future(t)->id, .name = fut, .site = site });
}

static void t_ready(void *ud, ax_task *t)
{
	(void)ud;
	tr_emit(&(tr_ev){ .k = K_READY, .task = gid_of(t) });
}

static void t_poll_begin(void *ud, ax_task *t)
{
	if (base.poll_begin)
		base.poll_begin(ud, t);
	fstack.n = 0;
	tr_emit(&(tr_ev){ .k = K_POLL, .task = gid_of(t), .site = ax_task_await_site(t) });
}

static void t_poll_end(void *ud, ax_task *t, ax_poll_t r, uint32_t first_polls)
{
	tr_ev e = { .k = K_POLL_END, .task = gid_of(t), .r = (int)r };
	if (r == AX_PENDING) {
		const ax_future *leaf = leaf_of(t);
		if (leaf) {
			e.f = leaf->id;
			e.name = leaf->vt->name;
		}
		e.site = ax_task_await_site(t);
	}
	tr_emit(&e);
	if (base.poll_end)
		base.poll_end(ud, t, r, first_polls);
}

static void t_wake(void *ud, ax_task *target, ax_task *by, bool self_wake)
{
	if (base.wake)
		base.wake(ud, target, by, self_wake);
	int src;
	if (by == target && by)
		src = SRC_SELF;
	else if (by)
		src = SRC_TASK;
	else if (!pthread_equal(pthread_self(), ax_rt_thread(ax_task_rt(target))))
		src = SRC_THREAD;
	else if (timer_target == target)
		src = SRC_TIMER;
	else
		src = SRC_RUNTIME;
	if (timer_target == target)
		timer_target = NULL;
	tr_emit(&(tr_ev){ .k = K_WAKE, .task = gid_of(target), .by = gid_of(by), .src = src });
}

static void t_waker_clone(void *ud, ax_task *t)
{
	if (base.waker_clone)
		base.waker_clone(ud, t);
	/* The holder: the innermost tracked future being polled. */
	const ax_future *holder = polling_future();
	tr_emit(&(tr_ev){ .k = K_WAKER_CLONE, .task = gid_of(t), .by = gid_of(ax_task_polling()),
			  .f = holder ? holder->id : 0, .name = holder ? holder->vt->name : NULL });
}

static void t_waker_drop(void *ud, ax_task *t)
{
	if (base.waker_drop)
		base.waker_drop(ud, t);
	tr_emit(&(tr_ev){ .k = K_WAKER_DROP, .task = gid_of(t) });
}

static void t_task_exit(void *ud, ax_task *t, bool aborted)
{
	if (base.task_exit)
		base.task_exit(ud, t, aborted);
	tr_emit(&(tr_ev){ .k = K_EXIT, .task = gid_of(t), .fl = aborted });
}

static void t_timer(void *ud, ax_timer_ev ev, const void *timer, uint64_t deadline, ax_task *t)
{
	(void)ud;
	int k = ev == AX_TIMER_ARM ? K_TIMER_ARM : ev == AX_TIMER_CANCEL ? K_TIMER_CANCEL
									  : K_TIMER_FIRE;
	uint64_t id = k == K_TIMER_ARM ? obj_id(O_TIMER, timer) : obj_forget(O_TIMER, timer);
	if (k == K_TIMER_FIRE)
		timer_target = t; /* its wake comes next */
	tr_emit(&(tr_ev){ .k = k, .task = gid_of(t), .obj = id, .d = deadline });
}

static void t_lock(void *ud, const void *lock, ax_lock_kind kind, bool acquire,
		   const ax_site *site)
{
	if (base.lock)
		base.lock(ud, lock, kind, acquire, site);
	tr_emit(&(tr_ev){ .k = acquire ? K_LOCK_ACQUIRE : K_LOCK_RELEASE,
			  .task = gid_of(ax_task_polling()), .obj = obj_id(O_LOCK, lock),
			  .lk = (int)kind, .site = site });
}

static void t_lock_wait(void *ud, const void *lock, ax_lock_kind kind, const ax_site *site)
{
	(void)ud;
	tr_emit(&(tr_ev){ .k = K_LOCK_WAIT, .task = gid_of(ax_task_polling()),
			  .obj = obj_id(O_LOCK, lock), .lk = (int)kind, .site = site });
}

static void t_future_create(void *ud, ax_future *f, const ax_site *site)
{
	if (base.future_create)
		base.future_create(ud, f, site);
	f->vt = wrap_vt(f->vt);
	tr_emit(&(tr_ev){ .k = K_FUTURE_CREATE, .task = gid_of(ax_task_polling()), .f = f->id,
			  .p = poll_parent(), .name = f->vt->name, .site = site });
}

static void t_future_first_poll(void *ud, ax_future *f)
{
	if (base.future_first_poll)
		base.future_first_poll(ud, f);
	fstack.first = f->id;
}

static void t_future_drop(void *ud, ax_future *f)
{
	if (base.future_drop)
		base.future_drop(ud, f);
	bool done = obj_forget(O_DONE, (const void *)(uintptr_t)f->id) != 0;
	tr_emit(&(tr_ev){ .k = K_FUTURE_DROP, .task = gid_of(ax_task_current()), .f = f->id,
			  .fl = done, .name = f->vt->name });
}

static void t_stream_next(void *ud, ax_stream *s, ax_poll_t r)
{
	(void)ud;
	tr_emit(&(tr_ev){ .k = K_STREAM_NEXT, .task = gid_of(ax_task_polling()),
			  .obj = obj_id(O_STREAM, s), .r = (int)r, .name = s->vt->name });
}

static void t_clock(void *ud, uint64_t now)
{
	if (base.clock)
		base.clock(ud, now);
	tr_emit(&(tr_ev){ .k = K_CLOCK, .d = now });
}

static void t_cancel(void *ud, ax_cancel_ev ev, const void *obj, ax_task *t, bool arg)
{
	if (base.cancel)
		base.cancel(ud, ev, obj, t, arg);
	if (ev == AX_CANCEL_ABORT)
		tr_emit(&(tr_ev){ .k = K_CANCEL, .task = gid_of(t),
				  .by = gid_of(ax_task_polling()) });
	else if (ev == AX_CANCEL_TOKEN)
		tr_emit(&(tr_ev){ .k = K_CANCEL, .by = gid_of(ax_task_polling()),
				  .obj = obj_id(O_TOKEN, obj) });
}

static void t_deadlock(void *ud, ax_rt *rt)
{
	tr_emit(&(tr_ev){ .k = K_DEADLOCK });
	if (base.deadlock)
		base.deadlock(ud, rt);
}

/* The hooks the trace adds to the usual table, and the ones it wraps. */
static ax_hooks table;

const ax_hooks *pr_trace_table(const ax_hooks *usual)
{
	base = *usual;
	table = base;
	table.rt_start = t_rt_start;
	table.rt_stop = t_rt_stop;
	table.spawn = t_spawn;
	table.poll_begin = t_poll_begin;
	table.poll_end = t_poll_end;
	table.wake = t_wake;
	table.waker_clone = t_waker_clone;
	table.waker_drop = t_waker_drop;
	table.task_exit = t_task_exit;
	table.lock = t_lock;
	table.future_create = t_future_create;
	table.future_first_poll = t_future_first_poll;
	table.future_drop = t_future_drop;
	table.cancel = t_cancel;
	table.deadlock = t_deadlock;
	table.clock = t_clock;
	table.ready = t_ready;
	table.timer = t_timer;
	table.lock_wait = t_lock_wait;
	table.stream_next = t_stream_next;
	return &table;
}

/* --- events the probe's own code reports ------------------------------- */

void pr_trace_stall(uint64_t t1)
{
	tr_emit(&(tr_ev){ .k = K_STALL, .task = gid_of(ax_task_polling()), .d = t1 });
}

void pr_trace_lock_wait(const void *lock)
{
	tr_emit(&(tr_ev){ .k = K_LOCK_WAIT, .task = gid_of(ax_task_polling()),
			  .obj = obj_id(O_LOCK, lock), .lk = AX_LOCK_BLOCKING });
}

void pr_trace_end(const char *reason)
{
	if (reason && !strcmp(reason, "deadlock"))
		tr_emit(&(tr_ev){ .k = K_DEADLOCK });
}

void pr_trace_close(void)
{
	uint64_t n = atomic_load(&tr_dropped);
	if (!n)
		return;
	char line[96];
	int len = snprintf(line, sizeof line, "{\"ev\":\"trace_dropped\",\"n\":%llu}",
			   (unsigned long long)n);
	pr_emit_line(line, (size_t)len);
}

/* --- set-up ------------------------------------------------------------- */

bool pr_trace_init(void)
{
	const char *want = getenv("ASYNCLAB_TRACE");
	if (!want || strcmp(want, "1"))
		return false;
	const char *max = getenv("ASYNCLAB_TRACE_MAX");
	if (max && *max) {
		char *end;
		unsigned long long v = strtoull(max, &end, 10);
		if (!*end && v > 0)
			tr_max = v;
	}
	/* The program's stdout becomes a stream that counts what it writes
	 * (stdio writes through libc's internal write, which no interposer
	 * sees); line-buffered, as the probe makes it anyway. */
	static const cookie_io_functions_t fns = { .write = out_write };
	FILE *f = fopencookie(NULL, "w", fns);
	if (f) {
		setvbuf(f, NULL, _IOLBF, BUFSIZ);
		fflush(stdout);
		stdout = f;
	}
	pr_trace_on = 1;
	return true;
}
