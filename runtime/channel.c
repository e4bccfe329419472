/* channel.c - the oneshot channel and the bounded mpsc channel, whose
 * receiver is also a stream.  Backpressure is FIFO: a slot freed by the
 * receiver is reserved for the oldest waiting sender, so a later send
 * cannot overtake it.
 *
 * A channel is shared by the tasks on both ends, which a multi-worker
 * runtime may poll at once, and by threads outside the runtime.  Each
 * channel has its own lock (an ax__spin, taken only while some runtime
 * has workers): every entry point, and the poll and drop of every future
 * or stream that waits on it (the channel links, grants and wakes their
 * waiter from other tasks), holds it for a few loads and stores.  Nothing
 * that could wait happens under it: a waker to wake or to drop is taken
 * out of the channel and noted in a `pend` on the caller's stack, and
 * woken or dropped once the lock is let go (pend_done).  The static
 * helpers below are called only with the lock held. */
#include "internal.h"

/* What a send future's base.state records. */
enum {
	S_IDLE = 0,    /* not yet queued */
	S_QUEUED = 1,  /* waiting for a slot */
	S_GRANTED = 2, /* a slot is reserved for it */
	S_WOKEN = 3,   /* woken by close */
	S_DONE = 4
};

/* The wakes and waker drops an operation owes, done after the lock. */
enum { PEND_MAX = 8 };
typedef struct pend {
	ax__spin *lk;	      /* held (NULL: no runtime has workers) */
	unsigned nwake, ndrop;
	ax_waker *wake[PEND_MAX];
	ax_waker *drop[2];
} pend;

static inline void pend_lock(pend *p, ax__spin *lk)
{
	p->nwake = p->ndrop = 0;
	p->lk = NULL;
	if (AX_MT_ON()) {
		ax__spin_lock(lk);
		p->lk = lk;
	}
}

static void pend_run(pend *p)
{
	for (unsigned i = 0; i < p->nwake; i++)
		ax_waker_wake(p->wake[i]);
	for (unsigned i = 0; i < p->ndrop; i++)
		ax_waker_drop(p->drop[i]);
	p->nwake = p->ndrop = 0;
}

/* Let the lock go, then wake and drop what was noted. */
static inline void pend_done(pend *p)
{
	if (p->lk)
		ax__spin_unlock(p->lk);
	if (AX_UNLIKELY(p->nwake | p->ndrop))
		pend_run(p);
}

/* Room for one more wake: when full, let the lock go, do them, take it
 * back (a caller that wakes without bound re-reads what it walks). */
static void pend_room(pend *p)
{
	if (p->nwake < PEND_MAX)
		return;
	ax__spin *lk = p->lk;
	pend_done(p);
	if (lk) {
		ax__spin_lock(lk);
		p->lk = lk;
	}
}

static inline void pend_wake(pend *p, ax_waker *w)
{
	if (w)
		p->wake[p->nwake++] = w;
}

static inline void pend_drop(pend *p, ax_waker *w)
{
	if (w)
		p->drop[p->ndrop++] = w;
}

/* *slot := a waker for cx's task, keeping the one there if it wakes the
 * same task; the one replaced is dropped after the lock. */
static void set_waker(ax_waker **slot, const ax_cx *cx, pend *p)
{
	if (*slot && ax_waker_will_wake(*slot, cx->waker))
		return;
	pend_drop(p, *slot);
	*slot = ax__waker_clone(cx->waker);
}

static inline ax_waker *take_waker(ax_waker **slot)
{
	ax_waker *w = *slot;
	*slot = NULL;
	return w;
}

/* ---- oneshot ---------------------------------------------------------- */

struct ax_oneshot {
	ax__spin lk;
	ax_val v;
	bool sent;
	bool closed;
	ax_oneshot_recv_t *rx; /* the receive future holding a waker, or NULL */
};

ax_oneshot *ax_oneshot_new(void)
{
	return calloc(1, sizeof(ax_oneshot));
}

void ax_oneshot_free(ax_oneshot *o)
{
	free(o);
}

static void oneshot_wake(ax_oneshot *o, pend *p)
{
	ax_oneshot_recv_t *r = o->rx;
	if (!r)
		return;
	o->rx = NULL;
	pend_wake(p, take_waker(&r->waker));
}

int ax_oneshot_send(ax_oneshot *o, ax_val v)
{
	pend p;
	pend_lock(&p, &o->lk);
	int err = 0;
	if (o->sent || o->closed) {
		err = -EPIPE;
	} else {
		o->v = v;
		o->sent = true;
		oneshot_wake(o, &p);
	}
	pend_done(&p);
	return err;
}

void ax_oneshot_close(ax_oneshot *o)
{
	pend p;
	pend_lock(&p, &o->lk);
	if (!o->sent && !o->closed) {
		o->closed = true;
		oneshot_wake(o, &p);
	}
	pend_done(&p);
}

static void oneshot_recv_release(ax_oneshot_recv_t *r, pend *p)
{
	if (r->o->rx == r)
		r->o->rx = NULL;
	pend_drop(p, take_waker(&r->waker));
}

static ax_poll_t oneshot_recv_poll(ax_future *f, ax_cx *cx)
{
	ax_oneshot_recv_t *r = (ax_oneshot_recv_t *)(void *)f;
	ax_oneshot *o = r->o;
	pend p;
	pend_lock(&p, &o->lk);
	ax_poll_t res = AX_READY;
	if (o->sent || o->closed) {
		oneshot_recv_release(r, &p);
		r->out.val = o->sent ? o->v : 0;
		r->out.err = o->sent ? 0 : -EPIPE;
	} else {
		set_waker(&r->waker, cx, &p);
		/* One receiver: a second receive future takes over the slot
		 * and the first keeps its waker until it is dropped. */
		o->rx = r;
		res = AX_PENDING;
	}
	pend_done(&p);
	return res;
}

static void oneshot_recv_drop(ax_future *f)
{
	ax_oneshot_recv_t *r = (ax_oneshot_recv_t *)(void *)f;
	pend p;
	pend_lock(&p, &r->o->lk);
	oneshot_recv_release(r, &p);
	pend_done(&p);
}

static const ax_future_vt oneshot_recv_vt = AX_VT_OF(
	ax_oneshot_recv_t, "oneshot_recv", oneshot_recv_poll, oneshot_recv_drop,
	AX_VT_RES);

ax_oneshot_recv_t ax_oneshot_recv(ax_oneshot *o)
{
	return (ax_oneshot_recv_t){ .base.vt = &oneshot_recv_vt, .o = o };
}

/* ---- bounded mpsc ----------------------------------------------------- */

struct ax_mpsc {
	ax__spin lk;
	ax_val *buf;	    /* ring of cap values */
	size_t cap, head, len;
	size_t reserved;    /* slots granted to senders that have yet to fill them */
	bool closed;
	ax__wlist senders;  /* send futures waiting for a slot, oldest first */
	ax_waker *rx_waker; /* the receiver, while it waits */
};

/* A capacity of 0 would block every send for good: it is taken as 1. */
ax_mpsc *ax_mpsc_new(size_t cap)
{
	if (cap == 0)
		cap = 1;
	ax_mpsc *ch = calloc(1, sizeof *ch);
	if (!ch)
		return NULL;
	ch->buf = malloc(cap * sizeof *ch->buf);
	if (!ch->buf) {
		free(ch);
		return NULL;
	}
	ch->cap = cap;
	return ch;
}

void ax_mpsc_free(ax_mpsc *ch)
{
	if (!ch)
		return;
	if (ch->rx_waker)
		ax_waker_drop(ch->rx_waker);
	free(ch->buf);
	free(ch);
}

size_t ax_mpsc_len(const ax_mpsc *ch)
{
	ax_mpsc *c = (ax_mpsc *)(uintptr_t)ch; /* the lock is not the value */
	pend p;
	pend_lock(&p, &c->lk);
	size_t n = c->len;
	pend_done(&p);
	return n;
}

static void push(ax_mpsc *ch, ax_val v, pend *p)
{
	/* A compare instead of a modulo: no division on the hot path. */
	size_t i = ch->head + ch->len;
	if (i >= ch->cap)
		i -= ch->cap;
	ch->buf[i] = v;
	ch->len++;
	pend_wake(p, take_waker(&ch->rx_waker));
}

/* Reserve free slots for the oldest waiting senders. */
static void grant_senders(ax_mpsc *ch, pend *p)
{
	while (ch->len + ch->reserved < ch->cap && ch->senders.head) {
		pend_room(p);
		if (ch->closed || ch->len + ch->reserved >= ch->cap || !ch->senders.head)
			return; /* changed while the lock was let go */
		ax__waiter *w = ax__wlist_pop(&ch->senders);
		ch->reserved++;
		/* (An atomic store: send_drop reads the state unlocked.) */
		__atomic_store_n(&AX__WAITER_OF(ax_send_t, w)->base.state, S_GRANTED,
				 __ATOMIC_RELAXED);
		pend_wake(p, take_waker(&w->waker));
	}
}

void ax_mpsc_close(ax_mpsc *ch)
{
	pend p;
	pend_lock(&p, &ch->lk);
	if (!ch->closed) {
		ch->closed = true;
		for (;;) {
			pend_room(&p);
			ax__waiter *w = ax__wlist_pop(&ch->senders);
			if (!w)
				break;
			__atomic_store_n(&AX__WAITER_OF(ax_send_t, w)->base.state,
					 S_WOKEN, __ATOMIC_RELAXED);
			pend_wake(&p, take_waker(&w->waker));
		}
		pend_wake(&p, take_waker(&ch->rx_waker));
	}
	pend_done(&p);
}

/* Under the lock: 0 and v queued, -EAGAIN, or -EPIPE. */
static int try_send(ax_mpsc *ch, ax_val v, pend *p)
{
	if (ch->closed)
		return -EPIPE;
	/* Reserved slots and queued senders come first. */
	if (ch->len + ch->reserved >= ch->cap || ch->senders.head)
		return -EAGAIN;
	push(ch, v, p);
	return 0;
}

int ax_mpsc_try_send(ax_mpsc *ch, ax_val v)
{
	pend p;
	pend_lock(&p, &ch->lk);
	int r = try_send(ch, v, &p);
	pend_done(&p);
	return r;
}

static ax_poll_t send_poll(ax_future *f, ax_cx *cx)
{
	ax_send_t *s = (ax_send_t *)(void *)f;
	ax_mpsc *ch = s->ch;
	pend p;
	pend_lock(&p, &ch->lk);
	switch (f->state) {
	case S_IDLE:
		s->out = try_send(ch, s->v, &p);
		if (s->out != -EAGAIN)
			break;
		set_waker(&s->w.waker, cx, &p);
		ax__wlist_push(&ch->senders, &s->w);
		f->state = S_QUEUED;
		pend_done(&p);
		return AX_PENDING;
	case S_QUEUED:
		set_waker(&s->w.waker, cx, &p);
		pend_done(&p);
		return AX_PENDING;
	case S_GRANTED:
		ch->reserved--;
		if (ch->closed) {
			s->out = -EPIPE;
		} else {
			s->out = 0;
			push(ch, s->v, &p);
		}
		break;
	case S_WOKEN:
		s->out = -EPIPE;
		break;
	default:
		pend_done(&p);
		return AX_READY;
	}
	f->state = S_DONE;
	pend_drop(&p, take_waker(&s->w.waker));
	pend_done(&p);
	return AX_READY;
}

static void send_drop(ax_future *f)
{
	ax_send_t *s = (ax_send_t *)(void *)f;
	/* Done or never queued (the common case): the channel holds nothing
	 * of it, and only its owner writes the state then, so no lock. */
	uint32_t st = __atomic_load_n(&f->state, __ATOMIC_RELAXED);
	if (st == S_DONE || st == S_IDLE) {
		ax__waiter_forget(&s->w);
		f->state = S_DONE;
		return;
	}
	pend p;
	pend_lock(&p, &s->ch->lk);
	if (f->state == S_QUEUED) {
		ax__wlist_remove(&s->ch->senders, &s->w);
	} else if (f->state == S_GRANTED) {
		/* Hand the reserved slot to the next sender. */
		s->ch->reserved--;
		if (!s->ch->closed)
			grant_senders(s->ch, &p);
	}
	pend_drop(&p, take_waker(&s->w.waker));
	f->state = S_DONE;
	pend_done(&p);
}

static const ax_future_vt send_vt =
	AX_VT_OF(ax_send_t, "mpsc_send", send_poll, send_drop, 0);

ax_send_t ax_mpsc_send(ax_mpsc *ch, ax_val v)
{
	return (ax_send_t){ .base.vt = &send_vt, .ch = ch, .v = v };
}

/* The receiver, under the lock: READY with an item, DONE once closed and
 * drained, or PENDING with cx's waker registered. */
static ax_poll_t mpsc_poll_recv(ax_mpsc *ch, ax_cx *cx, ax_val *item, pend *p)
{
	if (ch->len > 0) {
		*item = ch->buf[ch->head];
		if (++ch->head == ch->cap)
			ch->head = 0;
		ch->len--;
		pend_drop(p, take_waker(&ch->rx_waker));
		if (!ch->closed)
			grant_senders(ch, p);
		return AX_READY;
	}
	if (ch->closed) {
		pend_drop(p, take_waker(&ch->rx_waker));
		return AX_DONE;
	}
	set_waker(&ch->rx_waker, cx, p);
	return AX_PENDING;
}

static ax_poll_t recv_poll(ax_future *f, ax_cx *cx)
{
	ax_recv_t *r = (ax_recv_t *)(void *)f;
	ax_val v = 0;
	pend p;
	pend_lock(&p, &r->ch->lk);
	ax_poll_t res = mpsc_poll_recv(r->ch, cx, &v, &p);
	pend_done(&p);
	if (res == AX_PENDING) {
		f->state = 1;
		return AX_PENDING;
	}
	f->state = 0;
	r->out.some = res == AX_READY;
	r->out.val = res == AX_READY ? v : 0;
	return AX_READY;
}

static void recv_drop(ax_future *f)
{
	if (f->state == 0)
		return; /* not waiting: the channel holds nothing of it */
	/* A receive dropped while waiting (lost a select, timed out) must not
	 * leave its task's waker in the channel. */
	ax_mpsc *ch = ((ax_recv_t *)(void *)f)->ch;
	pend p;
	pend_lock(&p, &ch->lk);
	pend_drop(&p, take_waker(&ch->rx_waker));
	f->state = 0;
	pend_done(&p);
}

static const ax_future_vt recv_vt =
	AX_VT_OF(ax_recv_t, "mpsc_recv", recv_poll, recv_drop, 0);

ax_recv_t ax_mpsc_recv(ax_mpsc *ch)
{
	return (ax_recv_t){ .base.vt = &recv_vt, .ch = ch };
}

typedef struct mpsc_stream {
	ax_stream s;
	ax_mpsc *ch;
	bool waiting; /* its waker is registered in ch */
} mpsc_stream;

static ax_poll_t mstream_next(ax_stream *s, ax_cx *cx, ax_val *item)
{
	mpsc_stream *ms = (mpsc_stream *)(void *)s;
	pend p;
	pend_lock(&p, &ms->ch->lk);
	ax_poll_t res = mpsc_poll_recv(ms->ch, cx, item, &p);
	pend_done(&p);
	ms->waiting = res == AX_PENDING;
	return res;
}

static void mstream_drop(ax_stream *s)
{
	mpsc_stream *ms = (mpsc_stream *)(void *)s;
	if (ms->waiting) {
		pend p;
		pend_lock(&p, &ms->ch->lk);
		pend_drop(&p, take_waker(&ms->ch->rx_waker));
		pend_done(&p);
	}
	free(ms);
}

static const ax_stream_vt mstream_vt = { "mpsc_stream", mstream_next, mstream_drop };

ax_stream *ax_mpsc_stream(ax_mpsc *ch)
{
	mpsc_stream *ms = calloc(1, sizeof *ms);
	if (!ms)
		return NULL;
	ms->s.vt = &mstream_vt;
	ms->ch = ch;
	return &ms->s;
}
