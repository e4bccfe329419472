/* wsq.c - the queues of a multi-worker scheduler (see wsq.h). */
#include "wsq.h"

#include <string.h>
#include <time.h>

static void inject_append(ax__inject *inj, ax_task *first, ax_task *last, size_t n);

void ax__wsq_init(ax__wsq *q)
{
	atomic_init(&q->head, 0);
	atomic_init(&q->tail, 0);
	for (uint32_t i = 0; i < AX_WSQ_CAP; i++)
		atomic_init(&q->buf[i], NULL);
}

void ax__wsq_take_begin(ax__wsq *q, uint32_t want, ax__wsq_take *tk)
{
	int half = want == 0;
	uint32_t h = atomic_load_explicit(&q->head, memory_order_acquire);
	uint32_t t = atomic_load_explicit(&q->tail, memory_order_acquire);
	uint32_t n = t - h;
	/* head read before tail: a stale head can make the span look
	 * longer than the ring; the commit would fail anyway. */
	if (n > AX_WSQ_CAP)
		n = 0;
	if (half)
		n -= n / 2;
	else if (n > want)
		n = want;
	if (n > AX_WSQ_CAP / 2 + 1)
		n = AX_WSQ_CAP / 2 + 1;
	for (uint32_t i = 0; i < n; i++)
		tk->t[i] = atomic_load_explicit(&q->buf[(h + i) & AX_WSQ_MASK],
						memory_order_relaxed);
	tk->head = h;
	tk->n = n;
}

int ax__wsq_take_commit(ax__wsq *q, const ax__wsq_take *tk)
{
	uint32_t h = tk->head;
	if (tk->n == 0)
		return 0;
	/* Slots in [head, tail) are written only after head has passed
	 * them: an unchanged head means the slots read were current. */
	return atomic_compare_exchange_strong_explicit(&q->head, &h, tk->head + tk->n,
						       memory_order_acq_rel,
						       memory_order_acquire);
}

uint32_t ax__wsq_push_full(ax__wsq *q, ax_task *t, ax__inject *inj)
{
	for (;;) {
		uint32_t tl = atomic_load_explicit(&q->tail, memory_order_relaxed);
		uint32_t h = atomic_load_explicit(&q->head, memory_order_acquire);
		if (tl - h < AX_WSQ_CAP) {
			atomic_store_explicit(&q->buf[tl & AX_WSQ_MASK], t, memory_order_relaxed);
			atomic_store_explicit(&q->tail, tl + 1, memory_order_release);
			return 0;
		}
		/* Full: move the older half out, with t, in one trip to the
		 * injection queue (the lock once per AX_WSQ_CAP / 2 tasks). */
		ax__wsq_take tk;
		ax__wsq_take_begin(q, AX_WSQ_CAP / 2, &tk);
		if (tk.n < AX_WSQ_CAP / 2 || !ax__wsq_take_commit(q, &tk))
			continue; /* a thief made room */
		for (uint32_t i = 0; i + 1 < tk.n; i++)
			tk.t[i]->next = tk.t[i + 1];
		tk.t[tk.n - 1]->next = t;
		t->next = NULL;
		inject_append(inj, tk.t[0], t, tk.n + 1);
		return tk.n + 1;
	}
}

ax_task *ax__wsq_steal(ax__wsq *dst, ax__wsq *src)
{
	/* Room in dst: only its owner (the caller) fills it. */
	uint32_t room = AX_WSQ_CAP - ax__wsq_len(dst);
	for (;;) {
		ax__wsq_take tk;
		ax__wsq_take_begin(src, 0, &tk); /* half, rounded up */
		if (tk.n == 0) {
			/* Empty, or a torn read: look once more only if the
			 * queue has moved on since. */
			uint32_t h = atomic_load_explicit(&src->head, memory_order_acquire);
			uint32_t t = atomic_load_explicit(&src->tail, memory_order_acquire);
			if (h == t || t - h > AX_WSQ_CAP)
				return NULL;
			continue;
		}
		uint32_t n = tk.n;
		if (n > room + 1)
			n = room + 1;
		tk.n = n;
		if (!ax__wsq_take_commit(src, &tk))
			continue;
		uint32_t tl = atomic_load_explicit(&dst->tail, memory_order_relaxed);
		for (uint32_t i = 0; i + 1 < n; i++)
			atomic_store_explicit(&dst->buf[(tl + i) & AX_WSQ_MASK], tk.t[i],
					      memory_order_relaxed);
		atomic_store_explicit(&dst->tail, tl + n - 1, memory_order_release);
		return tk.t[n - 1];
	}
}

int ax__inject_init(ax__inject *inj)
{
	memset(inj, 0, sizeof *inj);
	atomic_init(&inj->len, 0);
	return pthread_mutex_init(&inj->lock, NULL) ? -ENOMEM : 0;
}

void ax__inject_destroy(ax__inject *inj)
{
	pthread_mutex_destroy(&inj->lock);
}

/* inj->lock held: append the list first..last of n tasks. */
static void inject_link(ax__inject *inj, ax_task *first, ax_task *last, size_t n)
{
	last->next = NULL;
	if (inj->tail)
		inj->tail->next = first;
	else
		inj->head = first;
	inj->tail = last;
	atomic_store_explicit(&inj->len, atomic_load_explicit(&inj->len, memory_order_relaxed) + n,
			      memory_order_release);
}

static void inject_append(ax__inject *inj, ax_task *first, ax_task *last, size_t n)
{
	pthread_mutex_lock(&inj->lock);
	inject_link(inj, first, last, n);
	pthread_mutex_unlock(&inj->lock);
}

int ax__inject_push_list(ax__inject *inj, ax_task *first, ax_task *last, size_t n)
{
	pthread_mutex_lock(&inj->lock);
	int r = -ESHUTDOWN;
	if (!inj->closed) {
		inject_link(inj, first, last, n);
		r = 0;
	}
	pthread_mutex_unlock(&inj->lock);
	return r;
}

ax_task *ax__inject_pop(ax__inject *inj)
{
	if (atomic_load_explicit(&inj->len, memory_order_acquire) == 0)
		return NULL;
	pthread_mutex_lock(&inj->lock);
	ax_task *t = inj->head;
	if (t) {
		inj->head = t->next;
		if (!inj->head)
			inj->tail = NULL;
		t->next = NULL;
		atomic_store_explicit(&inj->len,
				      atomic_load_explicit(&inj->len, memory_order_relaxed) - 1,
				      memory_order_release);
	}
	pthread_mutex_unlock(&inj->lock);
	return t;
}

ax_task *ax__inject_close(ax__inject *inj)
{
	pthread_mutex_lock(&inj->lock);
	inj->closed = 1;
	ax_task *all = inj->head;
	inj->head = inj->tail = NULL;
	atomic_store_explicit(&inj->len, 0, memory_order_release);
	pthread_mutex_unlock(&inj->lock);
	return all;
}

int ax__sched_init(ax__sched *s, unsigned n, uint64_t seed)
{
	memset(s, 0, sizeof *s);
	if (n == 0)
		return -EINVAL;
	s->w = aligned_alloc(64, ((n * sizeof *s->w + 63) / 64) * 64);
	if (!s->w)
		return -ENOMEM;
	memset(s->w, 0, n * sizeof *s->w);
	s->n = n;
	uint64_t r = seed ? seed : 0x5eed;
	for (unsigned i = 0; i < n; i++) {
		ax__wsq_init(&s->w[i].q);
		s->w[i].idx = i;
		atomic_init(&s->w[i].lifo, NULL);
		s->w[i].rng = ax__rand(&r);
	}
	if (ax__inject_init(&s->inj) < 0)
		goto fail;
	atomic_init(&s->idle.sleepers, 0);
	atomic_init(&s->driver_parked, 0);
	if (pthread_mutex_init(&s->idle.lock, NULL)) {
		ax__inject_destroy(&s->inj);
		goto fail;
	}
	if (pthread_cond_init(&s->idle.cond, NULL)) {
		pthread_mutex_destroy(&s->idle.lock);
		ax__inject_destroy(&s->inj);
		goto fail;
	}
	return 0;
fail:
	free(s->w);
	s->w = NULL;
	return -ENOMEM;
}

void ax__sched_destroy(ax__sched *s)
{
	if (!s->w)
		return;
	pthread_cond_destroy(&s->idle.cond);
	pthread_mutex_destroy(&s->idle.lock);
	ax__inject_destroy(&s->inj);
	free(s->w);
	s->w = NULL;
}

/* Wake one parked worker if there is one.  The fence pairs with the one
 * in ax__sched_park: either the parking worker sees the task pushed
 * before this, or this sees it among the sleepers. */
static void notify_one(ax__sched *s)
{
	atomic_thread_fence(memory_order_seq_cst);
	if (atomic_load_explicit(&s->idle.sleepers, memory_order_relaxed) == 0) {
		/* Once per wait of the driver: the first to see it parked
		 * unparks it, the rest find it unparked already. */
		if (s->unpark_driver && atomic_load_explicit(&s->driver_parked, memory_order_relaxed) &&
		    atomic_exchange_explicit(&s->driver_parked, 0, memory_order_relaxed))
			s->unpark_driver(s->ud);
		return;
	}
	pthread_mutex_lock(&s->idle.lock);
	if (s->idle.tokens < atomic_load_explicit(&s->idle.sleepers, memory_order_relaxed)) {
		s->idle.tokens++;
		pthread_cond_signal(&s->idle.cond);
	}
	pthread_mutex_unlock(&s->idle.lock);
}

void ax__sched_wake_one(ax__sched *s)
{
	notify_one(s);
}

int ax__sched_push_remote(ax__sched *s, ax_task *t)
{
	t->next = NULL;
	int r = ax__inject_push_list(&s->inj, t, t, 1);
	if (r == 0)
		notify_one(s);
	return r;
}

static ax_task *steal_any(ax__sched *s, ax__worker *w)
{
	if (s->n < 2)
		return NULL;
	unsigned start = (unsigned)(ax__rand(&w->rng) % s->n);
	for (unsigned i = 0; i < s->n; i++) {
		ax__worker *v = &s->w[(start + i) % s->n];
		if (v == w)
			continue;
		ax_task *t = ax__wsq_steal(&w->q, &v->q);
		if (!t && atomic_load_explicit(&v->lifo, memory_order_relaxed))
			t = atomic_exchange_explicit(&v->lifo, NULL, memory_order_acq_rel);
		if (t) {
			AX__OWNER_ADD(&w->steals, 1);
			AX__OWNER_ADD(&w->stolen, 1 + ax__wsq_len(&w->q));
			return t;
		}
	}
	return NULL;
}

ax_task *ax__sched_next_away(ax__sched *s, ax__worker *w)
{
	ax_task *t = ax__inject_pop(&s->inj);
	if (t)
		return t;
	return steal_any(s, w);
}

int ax__sched_has_work(ax__sched *s)
{
	if (atomic_load_explicit(&s->inj.len, memory_order_acquire) > 0)
		return 1;
	for (unsigned i = 0; i < s->n; i++)
		if (ax__wsq_len(&s->w[i].q) > 0 ||
		    atomic_load_explicit(&s->w[i].lifo, memory_order_acquire))
			return 1;
	return 0;
}

int ax__sched_park(ax__sched *s, ax__worker *w, int timeout_ms)
{
	(void)w;
	ax__idle *id = &s->idle;
	pthread_mutex_lock(&id->lock);
	if (id->shutdown) {
		pthread_mutex_unlock(&id->lock);
		return 0;
	}
	atomic_fetch_add_explicit(&id->sleepers, 1, memory_order_relaxed);
	/* Pairs with notify_one's fence: a push before it is seen below. */
	atomic_thread_fence(memory_order_seq_cst);
	if (ax__sched_has_work(s) && id->tokens == 0) {
		atomic_fetch_sub_explicit(&id->sleepers, 1, memory_order_relaxed);
		pthread_mutex_unlock(&id->lock);
		return 1;
	}
	struct timespec until;
	if (timeout_ms >= 0) {
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += timeout_ms / 1000;
		until.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
		if (until.tv_nsec >= 1000000000L) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000L;
		}
	}
	int timed_out = 0;
	while (id->tokens == 0 && !id->shutdown) {
		if (timeout_ms < 0) {
			pthread_cond_wait(&id->cond, &id->lock);
		} else if (pthread_cond_timedwait(&id->cond, &id->lock, &until) != 0) {
			timed_out = 1;
			break;
		}
	}
	if (id->tokens > 0)
		id->tokens--;
	atomic_fetch_sub_explicit(&id->sleepers, 1, memory_order_relaxed);
	int r = id->shutdown ? 0 : timed_out ? 2 : 1;
	pthread_mutex_unlock(&id->lock);
	return r;
}

void ax__sched_shutdown(ax__sched *s)
{
	pthread_mutex_lock(&s->idle.lock);
	s->idle.shutdown = 1;
	pthread_cond_broadcast(&s->idle.cond);
	pthread_mutex_unlock(&s->idle.lock);
}
