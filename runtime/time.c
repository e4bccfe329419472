/* time.c - the runtime's clock and timers: a binary min-heap of timer
 * entries that live inside sleep futures (O(log n) insert and removal),
 * the virtual clock that jumps to the next deadline when every task is
 * idle, sleep, timeout and interval. */
#include "internal.h"

#include <stdatomic.h>
#include <time.h>

#define NO_IDX UINT32_MAX

static uint64_t raw_mono_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* The real clock counts from the program's start (when the library was
 * loaded), so that printed times read as "ms into the run", as the
 * virtual clock's do.  One less, so that it never reads 0.  Set by the
 * constructor, or by the first reading if another library's constructor
 * reads the clock first. */
static _Atomic uint64_t mono_epoch;

static uint64_t epoch(void)
{
	uint64_t e = atomic_load_explicit(&mono_epoch, memory_order_relaxed);
	if (!e) {
		uint64_t want = raw_mono_ns() - 1, none = 0;
		if (atomic_compare_exchange_strong(&mono_epoch, &none, want))
			e = want;
		else
			e = none;
	}
	return e;
}

__attribute__((constructor)) static void clock_epoch(void)
{
	(void)epoch();
}

uint64_t ax__mono_ns(void)
{
	uint64_t e = epoch();
	return raw_mono_ns() - e;
}

uint64_t ax_instrument_real_ns(void)
{
	return ax__mono_ns();
}

uint64_t ax__rt_now(ax_rt *rt)
{
	AX_MT_SCOPE_RT(rt); /* rt->vnow: ax_clock_advance and the executor move it */
	return rt->clock == AX_CLOCK_VIRTUAL ? rt->vnow : ax__mono_ns();
}

uint64_t ax_now(void)
{
	ax_rt *rt = ax__cur_rt;
	return rt ? ax__rt_now(rt) : ax__mono_ns();
}

bool ax_clock_is_virtual(void)
{
	ax_rt *rt = ax__cur_rt;
	return rt && rt->clock == AX_CLOCK_VIRTUAL;
}

void ax_clock_advance(uint64_t ns)
{
	AX_MT_SCOPE();
	ax_rt *rt = ax__cur_rt;
	if (!rt || rt->clock != AX_CLOCK_VIRTUAL)
		return;
	rt->vnow += ns;
	AX_HOOK(clock, rt->vnow);
}

static int before(const ax__timer *a, const ax__timer *b)
{
	return a->deadline < b->deadline ||
	       (a->deadline == b->deadline && a->seq < b->seq);
}

static void heap_set(ax_rt *rt, uint32_t i, ax__timer *tm)
{
	rt->heap[i] = tm;
	tm->heap_idx = i;
}

static void sift_up(ax_rt *rt, uint32_t i)
{
	ax__timer *tm = rt->heap[i];
	while (i > 0) {
		uint32_t p = (i - 1) / 2;
		if (!before(tm, rt->heap[p]))
			break;
		heap_set(rt, i, rt->heap[p]);
		i = p;
	}
	heap_set(rt, i, tm);
}

static void sift_down(ax_rt *rt, uint32_t i)
{
	ax__timer *tm = rt->heap[i];
	for (;;) {
		uint32_t l = 2 * i + 1, m = i;
		ax__timer *best = tm;
		if (l < rt->heap_len && before(rt->heap[l], best)) {
			m = l;
			best = rt->heap[l];
		}
		if (l + 1 < rt->heap_len && before(rt->heap[l + 1], best)) {
			m = l + 1;
			best = rt->heap[l + 1];
		}
		if (m == i)
			break;
		heap_set(rt, i, best);
		i = m;
	}
	heap_set(rt, i, tm);
}

/* Register tm (which must not move until removed) to wake w, owned by the
 * timer from now on, at deadline. */
void ax__timer_add(ax_rt *rt, ax__timer *tm, uint64_t deadline, ax_waker *w)
{
	AX_MT_SCOPE_RT(rt);
	if (rt->heap_len == rt->heap_cap) {
		uint32_t cap = rt->heap_cap ? rt->heap_cap * 2 : 64;
		ax__timer **h = realloc(rt->heap, cap * sizeof *h);
		if (!h) {
			ax_waker_wake(w); /* cannot wait: retry on the next poll */
			tm->heap_idx = NO_IDX;
			return;
		}
		rt->heap = h;
		rt->heap_cap = cap;
	}
	tm->deadline = deadline;
	tm->seq = rt->timer_seq++;
	tm->waker = w;
	rt->heap[rt->heap_len] = tm;
	tm->heap_idx = rt->heap_len++;
	sift_up(rt, tm->heap_idx);
	AX_HOOK(timer, AX_TIMER_ARM, (const void *)tm, deadline, ax__waker_task(w));
}

void ax__timer_remove(ax_rt *rt, ax__timer *tm)
{
	AX_MT_SCOPE_RT(rt);
	uint32_t i = tm->heap_idx;
	if (i == NO_IDX || i >= rt->heap_len || rt->heap[i] != tm)
		return;
	tm->heap_idx = NO_IDX;
	AX_HOOK(timer, AX_TIMER_CANCEL, (const void *)tm, tm->deadline,
		ax__waker_task(tm->waker));
	ax__timer *last = rt->heap[--rt->heap_len];
	if (last != tm) {
		heap_set(rt, i, last);
		sift_up(rt, i);
		sift_down(rt, last->heap_idx);
	}
	if (tm->waker) {
		ax_waker_drop(tm->waker);
		tm->waker = NULL;
	}
}

uint64_t ax__timers_next(ax_rt *rt)
{
	AX_MT_SCOPE_RT(rt);
	return rt->heap_len ? rt->heap[0]->deadline : UINT64_MAX;
}

int ax__timers_fire(ax_rt *rt)
{
	AX_MT_SCOPE_RT(rt);
	if (!rt->heap_len)
		return 0;
	uint64_t now = ax__rt_now(rt);
	int n = 0;
	while (rt->heap_len && rt->heap[0]->deadline <= now) {
		ax__timer *tm = rt->heap[0];
		ax__timer *last = rt->heap[--rt->heap_len];
		tm->heap_idx = NO_IDX;
		if (rt->heap_len) {
			heap_set(rt, 0, last);
			sift_down(rt, 0);
		}
		AX_HOOK(timer_fire, tm->deadline);
		AX_HOOK(timer, AX_TIMER_FIRE, (const void *)tm, tm->deadline,
			ax__waker_task(tm->waker));
		ax_waker *w = tm->waker;
		tm->waker = NULL;
		if (w)
			ax_waker_wake(w);
		n++;
	}
	return n;
}

/* sleep ------------------------------------------------------------------ */

static ax_poll_t sleep_poll(ax_future *f, ax_cx *cx)
{
	/* The timer node is in the runtime's heap: ax__timers_fire, on any
	 * worker, unlinks it and takes its waker. */
	AX_MT_SCOPE();
	ax_sleep_t *s = (ax_sleep_t *)(void *)f;
	ax_rt *rt = ax__cur_rt;
	if (ax__rt_now(rt) >= s->deadline) {
		ax__timer_remove(rt, &s->timer);
		return AX_READY;
	}
	if (s->timer.heap_idx != NO_IDX) {
		if (ax_waker_will_wake(s->timer.waker, cx->waker))
			return AX_PENDING;
		ax__timer_remove(rt, &s->timer);
	}
	ax__timer_add(rt, &s->timer, s->deadline, ax__waker_clone(cx->waker));
	return AX_PENDING;
}

static void sleep_drop(ax_future *f)
{
	AX_MT_SCOPE();
	ax_sleep_t *s = (ax_sleep_t *)(void *)f;
	if (s->timer.heap_idx != NO_IDX && ax__cur_rt)
		ax__timer_remove(ax__cur_rt, &s->timer);
}

static const ax_future_vt sleep_vt =
	AX_VT_OF(ax_sleep_t, "sleep", sleep_poll, sleep_drop, 0);

ax_sleep_t ax_sleep_until(uint64_t deadline_ns)
{
	return (ax_sleep_t){ .base.vt = &sleep_vt,
			     .deadline = deadline_ns,
			     .timer.heap_idx = NO_IDX };
}

ax_sleep_t ax_sleep(uint64_t ns)
{
	return ax_sleep_until(ax_now() + ns);
}

ax_sleep_t ax_sleep_ms(uint64_t ms)
{
	return ax_sleep(ms * 1000000ull);
}

/* timeout ---------------------------------------------------------------- */

/* Not under the runtime lock: the child is the program's future, and it
 * runs unlocked.  The sleep's poll and drop take the lock themselves. */
static ax_poll_t timeout_poll(ax_future *f, ax_cx *cx)
{
	ax_timeout_t *t = (ax_timeout_t *)(void *)f;
	if (!t->child) {
		t->out.err = -ENOMEM;
		return AX_READY;
	}
	if (ax_poll(t->child, cx) == AX_READY) {
		t->out = ax_future_res(t->child);
		ax_future_free(t->child);
		t->child = NULL;
		ax_future_drop(&t->sleep.base);
		return AX_READY;
	}
	if (ax_poll(&t->sleep.base, cx) == AX_READY) {
		ax_future_free(t->child);
		t->child = NULL;
		t->out.err = -ETIMEDOUT;
		return AX_READY;
	}
	return AX_PENDING;
}

static void timeout_drop(ax_future *f)
{
	ax_timeout_t *t = (ax_timeout_t *)(void *)f;
	ax_future_free(t->child);
	t->child = NULL;
	ax_future_drop(&t->sleep.base);
}

static const ax_future_vt timeout_vt =
	AX_VT_OF(ax_timeout_t, "timeout", timeout_poll, timeout_drop, AX_VT_RES);

ax_timeout_t ax_timeout_ms(uint64_t ms, ax_future *child)
{
	return (ax_timeout_t){ .base.vt = &timeout_vt,
			       .child = child,
			       .sleep = ax_sleep_ms(ms) };
}

/* interval --------------------------------------------------------------- */

struct ax_interval {
	uint64_t period;
	uint64_t next;	/* next deadline */
	uint64_t ticks;
	ax__timer timer;
};

ax_interval *ax_interval_new(uint64_t period_ms)
{
	ax_interval *iv = calloc(1, sizeof *iv);
	if (!iv)
		return NULL;
	iv->period = period_ms * 1000000ull;
	if (iv->period == 0)
		iv->period = 1;
	/* Like tokio, the first tick completes at once. */
	iv->next = ax_now();
	iv->timer.heap_idx = NO_IDX;
	return iv;
}

void ax_interval_free(ax_interval *iv)
{
	AX_MT_SCOPE();
	if (!iv)
		return;
	if (iv->timer.heap_idx != NO_IDX && ax__cur_rt)
		ax__timer_remove(ax__cur_rt, &iv->timer);
	free(iv);
}

/* Returns the tick number, or 0 when the caller must wait. */
static uint64_t interval_poll(ax_interval *iv, ax_cx *cx)
{
	AX_MT_SCOPE(); /* for tick_poll and istream_next: iv's timer is in the heap */
	ax_rt *rt = ax__cur_rt;
	uint64_t now = ax__rt_now(rt);
	if (now >= iv->next) {
		ax__timer_remove(rt, &iv->timer);
		/* Missed ticks are not burst-replayed: skip to the future. */
		iv->next += iv->period;
		if (iv->next <= now)
			iv->next = now + iv->period;
		return ++iv->ticks;
	}
	if (iv->timer.heap_idx != NO_IDX) {
		if (ax_waker_will_wake(iv->timer.waker, cx->waker))
			return 0;
		ax__timer_remove(rt, &iv->timer);
	}
	ax__timer_add(rt, &iv->timer, iv->next, ax__waker_clone(cx->waker));
	return 0;
}

static ax_poll_t tick_poll(ax_future *f, ax_cx *cx)
{
	ax_tick_t *t = (ax_tick_t *)(void *)f;
	uint64_t n = interval_poll(t->iv, cx);
	if (!n)
		return AX_PENDING;
	t->out = n;
	return AX_READY;
}

static const ax_future_vt tick_vt =
	AX_VT_OF(ax_tick_t, "interval_tick", tick_poll, NULL, 0);

ax_tick_t ax_interval_tick(ax_interval *iv)
{
	return (ax_tick_t){ .base.vt = &tick_vt, .iv = iv };
}

typedef struct {
	ax_stream s;
	ax_interval *iv;
} interval_stream;

static ax_poll_t istream_next(ax_stream *s, ax_cx *cx, ax_val *item)
{
	interval_stream *is = (interval_stream *)(void *)s;
	uint64_t n = interval_poll(is->iv, cx);
	if (!n)
		return AX_PENDING;
	*item = (ax_val)n;
	return AX_READY;
}

static void istream_drop(ax_stream *s)
{
	free(s);
}

static const ax_stream_vt istream_vt = { "interval", istream_next, istream_drop };

ax_stream *ax_interval_stream(ax_interval *iv)
{
	interval_stream *is = malloc(sizeof *is);
	if (!is)
		return NULL;
	is->s.vt = &istream_vt;
	is->iv = iv;
	return &is->s;
}
