/* channel.c - the oneshot channel and the bounded mpsc channel, whose
 * receiver is also a stream.  Backpressure is FIFO: a slot freed by the
 * receiver is reserved for the oldest waiting sender, so a later send
 * cannot overtake it.
 *
 * A channel is shared by the tasks on both ends, which a multi-worker
 * runtime may poll at once: every entry point, and the poll and drop of
 * every future or stream that waits on a channel (the channel links,
 * grants and wakes their waiter from other tasks), holds the runtime lock
 * (AX_MT_SCOPE).  The static helpers below are called only under it. */
#include "internal.h"

/* What a send future's base.state records. */
enum {
	S_IDLE = 0,    /* not yet queued */
	S_QUEUED = 1,  /* waiting for a slot */
	S_GRANTED = 2, /* a slot is reserved for it */
	S_WOKEN = 3,   /* woken by close */
	S_DONE = 4
};

/* ---- oneshot ---------------------------------------------------------- */

struct ax_oneshot {
	ax_val v;
	bool sent;
	bool closed;
	ax_oneshot_recv_t *rx; /* the receive future holding a waker, or NULL */
};

ax_oneshot *ax_oneshot_new(void)
{
	AX_MT_SCOPE();
	return calloc(1, sizeof(ax_oneshot));
}

void ax_oneshot_free(ax_oneshot *o)
{
	AX_MT_SCOPE();
	free(o);
}

static void oneshot_wake(ax_oneshot *o)
{
	ax_oneshot_recv_t *r = o->rx;
	if (!r)
		return;
	o->rx = NULL;
	ax_waker *w = r->waker;
	r->waker = NULL;
	if (w)
		ax_waker_wake(w);
}

int ax_oneshot_send(ax_oneshot *o, ax_val v)
{
	AX_MT_SCOPE();
	if (o->sent || o->closed)
		return -EPIPE;
	o->v = v;
	o->sent = true;
	oneshot_wake(o);
	return 0;
}

void ax_oneshot_close(ax_oneshot *o)
{
	AX_MT_SCOPE();
	if (o->sent || o->closed)
		return;
	o->closed = true;
	oneshot_wake(o);
}

static void oneshot_recv_release(ax_oneshot_recv_t *r)
{
	if (r->o->rx == r)
		r->o->rx = NULL;
	if (r->waker) {
		ax_waker_drop(r->waker);
		r->waker = NULL;
	}
}

static ax_poll_t oneshot_recv_poll(ax_future *f, ax_cx *cx)
{
	AX_MT_SCOPE();
	ax_oneshot_recv_t *r = (ax_oneshot_recv_t *)(void *)f;
	ax_oneshot *o = r->o;
	if (o->sent || o->closed) {
		oneshot_recv_release(r);
		r->out.val = o->sent ? o->v : 0;
		r->out.err = o->sent ? 0 : -EPIPE;
		return AX_READY;
	}
	if (!r->waker || !ax_waker_will_wake(r->waker, cx->waker)) {
		if (r->waker)
			ax_waker_drop(r->waker);
		r->waker = ax__waker_clone(cx->waker);
	}
	/* One receiver: a second receive future takes over the slot and the
	 * first keeps its waker until it is dropped. */
	o->rx = r;
	return AX_PENDING;
}

static void oneshot_recv_drop(ax_future *f)
{
	AX_MT_SCOPE();
	oneshot_recv_release((ax_oneshot_recv_t *)(void *)f);
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
	AX_MT_SCOPE();
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
	AX_MT_SCOPE();
	if (!ch)
		return;
	if (ch->rx_waker)
		ax_waker_drop(ch->rx_waker);
	free(ch->buf);
	free(ch);
}

size_t ax_mpsc_len(const ax_mpsc *ch)
{
	AX_MT_SCOPE();
	return ch->len;
}

static void rx_wake(ax_mpsc *ch)
{
	ax_waker *w = ch->rx_waker;
	ch->rx_waker = NULL;
	if (w)
		ax_waker_wake(w);
}

static void rx_wait(ax_mpsc *ch, const ax_cx *cx)
{
	if (ch->rx_waker && ax_waker_will_wake(ch->rx_waker, cx->waker))
		return;
	if (ch->rx_waker)
		ax_waker_drop(ch->rx_waker);
	ch->rx_waker = ax__waker_clone(cx->waker);
}

static void rx_forget(ax_mpsc *ch)
{
	ax_waker *w = ch->rx_waker;
	ch->rx_waker = NULL;
	if (w)
		ax_waker_drop(w);
}

static void push(ax_mpsc *ch, ax_val v)
{
	/* A compare instead of a modulo: no division on the hot path. */
	size_t i = ch->head + ch->len;
	if (i >= ch->cap)
		i -= ch->cap;
	ch->buf[i] = v;
	ch->len++;
	rx_wake(ch);
}

/* Reserve free slots for the oldest waiting senders. */
static void grant_senders(ax_mpsc *ch)
{
	while (ch->len + ch->reserved < ch->cap && ch->senders.head) {
		ax__waiter *w = ax__wlist_pop(&ch->senders);
		ch->reserved++;
		/* (An atomic store: send_drop reads the state unlocked.) */
		__atomic_store_n(&AX__WAITER_OF(ax_send_t, w)->base.state, S_GRANTED,
				 __ATOMIC_RELAXED);
		ax__waiter_wake(w);
	}
}

void ax_mpsc_close(ax_mpsc *ch)
{
	AX_MT_SCOPE();
	if (ch->closed)
		return;
	ch->closed = true;
	ax__waiter *w;
	while ((w = ax__wlist_pop(&ch->senders)) != NULL) {
		__atomic_store_n(&AX__WAITER_OF(ax_send_t, w)->base.state, S_WOKEN,
				 __ATOMIC_RELAXED);
		ax__waiter_wake(w);
	}
	rx_wake(ch);
}

int ax_mpsc_try_send(ax_mpsc *ch, ax_val v)
{
	AX_MT_SCOPE();
	if (ch->closed)
		return -EPIPE;
	/* Reserved slots and queued senders come first. */
	if (ch->len + ch->reserved >= ch->cap || ch->senders.head)
		return -EAGAIN;
	push(ch, v);
	return 0;
}

static ax_poll_t send_poll(ax_future *f, ax_cx *cx)
{
	AX_MT_SCOPE();
	ax_send_t *s = (ax_send_t *)(void *)f;
	ax_mpsc *ch = s->ch;
	switch (f->state) {
	case S_IDLE:
		s->out = ax_mpsc_try_send(ch, s->v);
		if (s->out != -EAGAIN)
			break;
		ax__waiter_set_waker(&s->w, cx);
		ax__wlist_push(&ch->senders, &s->w);
		f->state = S_QUEUED;
		return AX_PENDING;
	case S_QUEUED:
		ax__waiter_set_waker(&s->w, cx);
		return AX_PENDING;
	case S_GRANTED:
		ch->reserved--;
		if (ch->closed) {
			s->out = -EPIPE;
		} else {
			s->out = 0;
			push(ch, s->v);
		}
		break;
	case S_WOKEN:
		s->out = -EPIPE;
		break;
	default:
		return AX_READY;
	}
	f->state = S_DONE;
	ax__waiter_forget(&s->w);
	return AX_READY;
}

static void send_drop(ax_future *f)
{
	/* Done or never queued (the common case): the channel holds nothing
	 * of it, and only its owner writes the state then, so no lock. */
	uint32_t st = __atomic_load_n(&f->state, __ATOMIC_RELAXED);
	if (st == S_DONE || st == S_IDLE) {
		ax__waiter_forget(&((ax_send_t *)(void *)f)->w);
		f->state = S_DONE;
		return;
	}
	AX_MT_SCOPE();
	ax_send_t *s = (ax_send_t *)(void *)f;
	if (f->state == S_QUEUED) {
		ax__wlist_remove(&s->ch->senders, &s->w);
	} else if (f->state == S_GRANTED) {
		/* Hand the reserved slot to the next sender. */
		s->ch->reserved--;
		if (!s->ch->closed)
			grant_senders(s->ch);
	}
	ax__waiter_forget(&s->w);
	f->state = S_DONE;
}

static const ax_future_vt send_vt =
	AX_VT_OF(ax_send_t, "mpsc_send", send_poll, send_drop, 0);

ax_send_t ax_mpsc_send(ax_mpsc *ch, ax_val v)
{
	return (ax_send_t){ .base.vt = &send_vt, .ch = ch, .v = v };
}

/* The receiver: READY with an item, DONE once closed and drained, or
 * PENDING with cx's waker registered. */
static ax_poll_t mpsc_poll_recv(ax_mpsc *ch, ax_cx *cx, ax_val *item)
{
	if (ch->len > 0) {
		*item = ch->buf[ch->head];
		if (++ch->head == ch->cap)
			ch->head = 0;
		ch->len--;
		rx_forget(ch);
		if (!ch->closed)
			grant_senders(ch);
		return AX_READY;
	}
	if (ch->closed) {
		rx_forget(ch);
		return AX_DONE;
	}
	rx_wait(ch, cx);
	return AX_PENDING;
}

static ax_poll_t recv_poll(ax_future *f, ax_cx *cx)
{
	AX_MT_SCOPE();
	ax_recv_t *r = (ax_recv_t *)(void *)f;
	ax_val v = 0;
	ax_poll_t p = mpsc_poll_recv(r->ch, cx, &v);
	if (p == AX_PENDING) {
		f->state = 1;
		return AX_PENDING;
	}
	f->state = 0;
	r->out.some = p == AX_READY;
	r->out.val = p == AX_READY ? v : 0;
	return AX_READY;
}

static void recv_drop(ax_future *f)
{
	if (f->state == 0)
		return; /* not waiting: the channel holds nothing of it */
	AX_MT_SCOPE();
	/* A receive dropped while waiting (lost a select, timed out) must not
	 * leave its task's waker in the channel. */
	if (f->state == 1)
		rx_forget(((ax_recv_t *)(void *)f)->ch);
	f->state = 0;
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
	AX_MT_SCOPE();
	mpsc_stream *ms = (mpsc_stream *)(void *)s;
	ax_poll_t p = mpsc_poll_recv(ms->ch, cx, item);
	ms->waiting = p == AX_PENDING;
	return p;
}

static void mstream_drop(ax_stream *s)
{
	AX_MT_SCOPE();
	mpsc_stream *ms = (mpsc_stream *)(void *)s;
	if (ms->waiting)
		rx_forget(ms->ch);
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
