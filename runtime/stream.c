/* stream.c - async iterators: sources (array, iterator, range), adapters
 * (map, filter, take, map_future, map_call, buffered, buffer_unordered)
 * and the
 * futures that consume a stream (next, for_each, collect).  An adapter
 * owns the stream it wraps; an adapter that cannot be allocated frees its
 * inner stream and returns NULL, so a chain never leaks on failure. */
#include "internal.h"

/* poll_next of a stream, as the combinators and consumers here call it:
 * the trace hook sees each call and what it returned. */
static inline ax_poll_t stream_next(ax_stream *s, ax_cx *cx, ax_val *item)
{
	ax_poll_t r = ax_stream_poll_next(s, cx, item);
	AX_HOOK(stream_next, s, r);
	return r;
}

#include <string.h>

void ax_stream_free(ax_stream *s)
{
	if (s)
		s->vt->drop(s);
}

static void plain_drop(ax_stream *s)
{
	free(s);
}

/* sources ---------------------------------------------------------------- */

typedef struct {
	ax_stream s;
	size_t i, n;
	ax_val items[];
} array_stream;

static ax_poll_t array_next(ax_stream *s, ax_cx *cx, ax_val *item)
{
	array_stream *a = (array_stream *)(void *)s;
	(void)cx;
	if (a->i == a->n)
		return AX_DONE;
	*item = a->items[a->i++];
	return AX_READY;
}

static const ax_stream_vt array_vt = { "from_array", array_next, plain_drop };

ax_stream *ax_stream_from_array(const ax_val *items, size_t n)
{
	if (n > (SIZE_MAX - sizeof(array_stream)) / sizeof(ax_val))
		return NULL;
	array_stream *a = malloc(sizeof *a + n * sizeof(ax_val));
	if (!a)
		return NULL;
	a->s.vt = &array_vt;
	a->i = 0;
	a->n = n;
	if (n)
		memcpy(a->items, items, n * sizeof(ax_val));
	return &a->s;
}

typedef struct {
	ax_stream s;
	bool (*next)(void *ud, ax_val *item);
	void *ud;
	bool done;
} iter_stream;

static ax_poll_t iter_next(ax_stream *s, ax_cx *cx, ax_val *item)
{
	iter_stream *it = (iter_stream *)(void *)s;
	(void)cx;
	if (it->done || !it->next(it->ud, item)) {
		it->done = true; /* fused: next is not called after false */
		return AX_DONE;
	}
	return AX_READY;
}

static const ax_stream_vt iter_vt = { "from_iter", iter_next, plain_drop };

ax_stream *ax_stream_from_iter(bool (*next)(void *ud, ax_val *item), void *ud)
{
	iter_stream *it = malloc(sizeof *it);
	if (!it)
		return NULL;
	*it = (iter_stream){ .s.vt = &iter_vt, .next = next, .ud = ud };
	return &it->s;
}

typedef struct {
	ax_stream s;
	ax_val cur, to;
} range_stream;

static ax_poll_t range_next(ax_stream *s, ax_cx *cx, ax_val *item)
{
	range_stream *r = (range_stream *)(void *)s;
	(void)cx;
	if (r->cur >= r->to)
		return AX_DONE;
	*item = r->cur++;
	return AX_READY;
}

static const ax_stream_vt range_vt = { "range", range_next, plain_drop };

ax_stream *ax_stream_range(ax_val from, ax_val to)
{
	range_stream *r = malloc(sizeof *r);
	if (!r)
		return NULL;
	*r = (range_stream){ .s.vt = &range_vt, .cur = from, .to = to };
	return &r->s;
}

/* map, filter, take, map_future ------------------------------------------ */

/* One struct serves the adapters that transform items one at a time. */
typedef struct {
	ax_stream s;
	ax_stream *in;
	union {
		ax_val (*map)(ax_val v, void *ud);
		bool (*keep)(ax_val v, void *ud);
		ax_future *(*make)(ax_val v, void *ud);
	} fn;
	void *ud;
	size_t left; /* take: items still to yield */
	/* map_call: the async function's frame and where the item goes */
	const ax_future_vt *vt;
	size_t size, off, fsize;
	bool is_bool;
	const ax_site *site;
} adapter;

static void adapter_drop(ax_stream *s)
{
	adapter *a = (adapter *)(void *)s;
	ax_stream_free(a->in);
	free(a);
}

static ax_stream *adapter_new(const ax_stream_vt *vt, ax_stream *in, void *ud)
{
	if (!in)
		return NULL;
	adapter *a = malloc(sizeof *a);
	if (!a) {
		ax_stream_free(in);
		return NULL;
	}
	*a = (adapter){ .s.vt = vt, .in = in, .ud = ud };
	return &a->s;
}

static ax_poll_t map_next(ax_stream *s, ax_cx *cx, ax_val *item)
{
	adapter *a = (adapter *)(void *)s;
	ax_poll_t r = stream_next(a->in, cx, item);
	if (r == AX_READY)
		*item = a->fn.map(*item, a->ud);
	return r;
}

static const ax_stream_vt map_vt = { "map", map_next, adapter_drop };

ax_stream *ax_stream_map(ax_stream *s, ax_val (*fn)(ax_val v, void *ud), void *ud)
{
	ax_stream *r = adapter_new(&map_vt, s, ud);
	if (r)
		((adapter *)(void *)r)->fn.map = fn;
	return r;
}

static ax_poll_t filter_next(ax_stream *s, ax_cx *cx, ax_val *item)
{
	adapter *a = (adapter *)(void *)s;
	for (;;) {
		ax_poll_t r = stream_next(a->in, cx, item);
		if (r != AX_READY || a->fn.keep(*item, a->ud))
			return r;
	}
}

static const ax_stream_vt filter_vt = { "filter", filter_next, adapter_drop };

ax_stream *ax_stream_filter(ax_stream *s, bool (*fn)(ax_val v, void *ud), void *ud)
{
	ax_stream *r = adapter_new(&filter_vt, s, ud);
	if (r)
		((adapter *)(void *)r)->fn.keep = fn;
	return r;
}

static ax_poll_t take_next(ax_stream *s, ax_cx *cx, ax_val *item)
{
	adapter *a = (adapter *)(void *)s;
	/* The inner stream is not polled past the n-th item: a take over an
	 * endless stream ends. */
	if (a->left == 0)
		return AX_DONE;
	ax_poll_t r = stream_next(a->in, cx, item);
	if (r == AX_READY)
		a->left--;
	return r;
}

static const ax_stream_vt take_vt = { "take", take_next, adapter_drop };

ax_stream *ax_stream_take(ax_stream *s, size_t n)
{
	ax_stream *r = adapter_new(&take_vt, s, NULL);
	if (r)
		((adapter *)(void *)r)->left = n;
	return r;
}

static ax_poll_t map_future_next(ax_stream *s, ax_cx *cx, ax_val *item)
{
	adapter *a = (adapter *)(void *)s;
	ax_poll_t r = stream_next(a->in, cx, item);
	if (r == AX_READY)
		*item = (ax_val)(intptr_t)a->fn.make(*item, a->ud);
	return r;
}

static const ax_stream_vt map_future_vt = { "map_future", map_future_next,
					    adapter_drop };

ax_stream *ax_stream_map_future(ax_stream *s,
				ax_future *(*make)(ax_val v, void *ud), void *ud)
{
	ax_stream *r = adapter_new(&map_future_vt, s, ud);
	if (r)
		((adapter *)(void *)r)->fn.make = make;
	return r;
}

/* A boxed call of an async function, its frame zeroed but for the vtable
 * and the item in the field at off (fsize bytes; a bool field gets
 * item != 0, any other the item converted to the field's width). */
static ax_future *make_call(const adapter *a, ax_val item)
{
	ax_future *f = calloc(1, a->size);
	if (!f)
		return NULL;
	atomic_fetch_add_explicit(&ax__boxed_live, 1, memory_order_relaxed);
	f->vt = a->vt;
	char *p = (char *)f + a->off;
	if (a->is_bool) {
		bool b = item != 0;
		memcpy(p, &b, sizeof b);
	} else if (a->fsize == 1) {
		int8_t v = (int8_t)item;
		memcpy(p, &v, 1);
	} else if (a->fsize == 2) {
		int16_t v = (int16_t)item;
		memcpy(p, &v, 2);
	} else if (a->fsize == 4) {
		int32_t v = (int32_t)item;
		memcpy(p, &v, 4);
	} else {
		memcpy(p, &item, 8);
	}
	if (__builtin_expect(AX__HOOKS() != NULL, 0))
		ax__future_created(f, a->site);
	return f;
}

static ax_poll_t map_call_next(ax_stream *s, ax_cx *cx, ax_val *item)
{
	adapter *a = (adapter *)(void *)s;
	ax_poll_t r = stream_next(a->in, cx, item);
	if (r == AX_READY)
		*item = (ax_val)(intptr_t)make_call(a, *item);
	return r;
}

static const ax_stream_vt map_call_vt = { "map_call", map_call_next,
					  adapter_drop };

ax_stream *ax__stream_map_call(ax_stream *s, const ax_future_vt *vt,
			       size_t size, size_t off, size_t fsize,
			       bool is_bool, const ax_site *site)
{
	if (s && (!vt || size < sizeof(ax_future) || fsize == 0 || fsize > 8 ||
		  (fsize & (fsize - 1)) || off + fsize > size)) {
		ax_stream_free(s);
		return NULL;
	}
	ax_stream *r = adapter_new(&map_call_vt, s, NULL);
	if (r) {
		adapter *a = (adapter *)(void *)r;
		a->vt = vt;
		a->size = size;
		a->off = off;
		a->fsize = fsize;
		a->is_bool = is_bool;
		a->site = site;
	}
	return r;
}

/* buffered, buffer_unordered --------------------------------------------- */

/* Up to cap futures in flight.  Ordered: a ring in input order (head is
 * the oldest); a finished future keeps its output in its slot until it
 * reaches the head.  Unordered: any free slot, output as soon as ready.
 * Every unfinished future is polled on each poll_next, so all of them make
 * progress while the consumer waits for one: O(cap) per wake-up, which is
 * fine for the small bounds this is meant for. */
typedef struct {
	ax_future *f; /* NULL once finished (or free when unordered) */
	ax_val val;
	uint64_t done_seq; /* unordered: when it finished, for output order */
	bool busy;	   /* the slot holds an item */
} slot;

typedef struct {
	ax_stream s;
	ax_stream *in;
	bool ordered;
	bool in_done;
	size_t cap, head, len;
	uint64_t finished; /* unordered: futures finished so far */
	int err;	   /* why it ended early: -EOVERFLOW (see ax_stream_error) */
	slot slots[];
} buffer_stream;

/* Poll the future of a busy slot; true once it has finished (its output
 * is in val and the future is freed).  An output that cannot be carried
 * as an item (see ax_val) sets b->err to -EOVERFLOW. */
static bool poll_slot(buffer_stream *b, slot *sl, ax_cx *cx)
{
	if (!sl->f)
		return true;
	if (ax_poll(sl->f, cx) == AX_PENDING)
		return false;
	ax_res r = ax_future_res(sl->f);
	sl->val = r.val;
	if (r.err == -EOVERFLOW &&
	    !(sl->f->vt->flags & (AX_VT_RES | AX_VT_OPT)) && !b->err)
		b->err = -EOVERFLOW;
	ax_future_free(sl->f);
	sl->f = NULL;
	return true;
}

/* A lost output ends the stream: the futures still in flight are dropped
 * now and nothing more is pulled from the inner stream. */
static ax_poll_t buffer_fail(buffer_stream *b)
{
	for (size_t i = 0; i < b->cap; i++) {
		slot *sl = &b->slots[i];
		if (!sl->busy)
			continue;
		ax_future *f = sl->f;
		*sl = (slot){ 0 };
		ax_future_free(f);
	}
	b->len = 0;
	b->in_done = true;
	return AX_DONE;
}

/* Pull items from the inner stream while there is room. */
static void buffer_fill(buffer_stream *b, ax_cx *cx)
{
	while (b->len < b->cap && !b->in_done) {
		ax_val item;
		ax_poll_t r = stream_next(b->in, cx, &item);
		if (r == AX_PENDING)
			return;
		if (r == AX_DONE) {
			b->in_done = true;
			return;
		}
		size_t i;
		if (b->ordered) {
			i = (b->head + b->len) % b->cap;
		} else {
			for (i = 0; b->slots[i].busy; i++)
				;
		}
		/* A NULL item (its future could not be allocated) is
		 * finished at once and yields -ENOMEM. */
		b->slots[i] = (slot){ .f = (ax_future *)(intptr_t)item,
				      .val = item ? 0 : -ENOMEM,
				      .done_seq = item ? 0 : ++b->finished,
				      .busy = true };
		b->len++;
	}
}

static ax_poll_t buffered_next(ax_stream *s, ax_cx *cx, ax_val *item)
{
	buffer_stream *b = (buffer_stream *)(void *)s;
	if (b->err)
		return AX_DONE;
	buffer_fill(b, cx);
	for (size_t k = 0; k < b->len; k++)
		poll_slot(b, &b->slots[(b->head + k) % b->cap], cx);
	if (b->err)
		return buffer_fail(b);
	if (b->len && !b->slots[b->head].f) {
		slot *sl = &b->slots[b->head];
		*item = sl->val;
		sl->busy = false;
		b->head = (b->head + 1) % b->cap;
		b->len--;
		return AX_READY;
	}
	return b->len == 0 && b->in_done ? AX_DONE : AX_PENDING;
}

/* Every busy slot is polled (so a future pulled in this call starts now),
 * then the earliest finished one is yielded. */
static ax_poll_t unordered_next(ax_stream *s, ax_cx *cx, ax_val *item)
{
	buffer_stream *b = (buffer_stream *)(void *)s;
	if (b->err)
		return AX_DONE;
	buffer_fill(b, cx);
	slot *first = NULL;
	for (size_t i = 0; i < b->cap; i++) {
		slot *sl = &b->slots[i];
		if (!sl->busy)
			continue;
		if (sl->f && poll_slot(b, sl, cx))
			sl->done_seq = ++b->finished;
		if (!sl->f && (!first || sl->done_seq < first->done_seq))
			first = sl;
	}
	if (b->err)
		return buffer_fail(b);
	if (first) {
		*item = first->val;
		first->busy = false;
		b->len--;
		return AX_READY;
	}
	return b->len == 0 && b->in_done ? AX_DONE : AX_PENDING;
}

static void buffer_drop(ax_stream *s)
{
	buffer_stream *b = (buffer_stream *)(void *)s;
	for (size_t i = 0; i < b->cap; i++)
		if (b->slots[i].busy)
			ax_future_free(b->slots[i].f);
	ax_stream_free(b->in);
	free(b);
}

static const ax_stream_vt buffered_vt = { "buffered", buffered_next, buffer_drop };
static const ax_stream_vt unordered_vt = { "buffer_unordered", unordered_next,
					   buffer_drop };

static ax_stream *buffer_new(ax_stream *in, size_t n, bool ordered)
{
	if (!in)
		return NULL;
	if (n == 0)
		n = 1; /* a bound of 0 could never make progress */
	buffer_stream *b = NULL;
	if (n <= (SIZE_MAX - sizeof *b) / sizeof(slot))
		b = calloc(1, sizeof *b + n * sizeof(slot));
	if (!b) {
		ax_stream_free(in);
		return NULL;
	}
	b->s.vt = ordered ? &buffered_vt : &unordered_vt;
	b->in = in;
	b->ordered = ordered;
	b->cap = n;
	return &b->s;
}

ax_stream *ax_stream_buffered(ax_stream *s, size_t n)
{
	return buffer_new(s, n, true);
}

ax_stream *ax_stream_buffer_unordered(ax_stream *s, size_t n)
{
	return buffer_new(s, n, false);
}

/* The error a chain of the runtime's adapters ended with: the first
 * buffered / buffer_unordered down the chain that lost an output. */
int ax_stream_error(const ax_stream *s)
{
	while (s) {
		const ax_stream_vt *vt = s->vt;
		if (vt == &buffered_vt || vt == &unordered_vt) {
			const buffer_stream *b = (const buffer_stream *)(const void *)s;
			if (b->err)
				return b->err;
			s = b->in;
		} else if (vt == &map_vt || vt == &filter_vt || vt == &take_vt ||
			   vt == &map_future_vt || vt == &map_call_vt) {
			s = ((const adapter *)(const void *)s)->in;
		} else {
			return 0;
		}
	}
	return 0;
}

/* next, for_each, collect ------------------------------------------------ */

static ax_poll_t next_poll(ax_future *f, ax_cx *cx)
{
	ax_stream_next_t *n = (ax_stream_next_t *)(void *)f;
	if (!n->s) {
		n->out = (ax_opt){ 0, false };
		return AX_READY;
	}
	ax_val v = 0;
	ax_poll_t r = stream_next(n->s, cx, &v);
	if (r == AX_PENDING)
		return AX_PENDING;
	n->out = (ax_opt){ r == AX_READY ? v : 0, r == AX_READY };
	return AX_READY;
}

static const ax_future_vt next_vt =
	AX_VT_OF(ax_stream_next_t, "stream_next", next_poll, NULL, 0);

ax_stream_next_t ax_next(ax_stream *s)
{
	return (ax_stream_next_t){ .base.vt = &next_vt, .s = s };
}

static ax_poll_t for_each_poll(ax_future *f, ax_cx *cx)
{
	ax_for_each_t *fe = (ax_for_each_t *)(void *)f;
	for (;;) {
		if (fe->cur) {
			if (ax_poll(fe->cur, cx) == AX_PENDING)
				return AX_PENDING;
			ax_future_free(fe->cur);
			fe->cur = NULL;
		}
		if (!fe->s)
			return AX_READY;
		ax_val v;
		ax_poll_t r = stream_next(fe->s, cx, &v);
		if (r == AX_PENDING)
			return AX_PENDING;
		if (r == AX_DONE) {
			ax_stream_free(fe->s);
			fe->s = NULL;
			return AX_READY;
		}
		fe->out++;
		fe->cur = fe->fn ? fe->fn(v, fe->ud) : NULL;
	}
}

static void for_each_drop(ax_future *f)
{
	ax_for_each_t *fe = (ax_for_each_t *)(void *)f;
	ax_future_free(fe->cur);
	fe->cur = NULL;
	ax_stream_free(fe->s);
	fe->s = NULL;
}

static const ax_future_vt for_each_vt =
	AX_VT_OF(ax_for_each_t, "for_each", for_each_poll, for_each_drop, 0);

ax_for_each_t ax_stream_for_each(ax_stream *s,
				 ax_future *(*fn)(ax_val v, void *ud), void *ud)
{
	return (ax_for_each_t){ .base.vt = &for_each_vt, .s = s, .fn = fn, .ud = ud };
}

enum { C_COLLECTING = 0, C_DONE = 1 };

static ax_poll_t collect_poll(ax_future *f, ax_cx *cx)
{
	ax_collect_t *c = (ax_collect_t *)(void *)f;
	while (c->s) {
		ax_val v;
		ax_poll_t r = stream_next(c->s, cx, &v);
		if (r == AX_PENDING)
			return AX_PENDING;
		if (r == AX_DONE) {
			c->out.err = ax_stream_error(c->s);
			break;
		}
		if (c->out.n == c->cap) {
			size_t cap = c->cap ? c->cap * 2 : 16;
			ax_val *nv = realloc(c->out.v, cap * sizeof *nv);
			if (!nv) {
				/* Out of memory: report nothing rather than a
				 * silently truncated result. */
				free(c->out.v);
				c->out = (ax_collected){ NULL, 0, -ENOMEM };
				break;
			}
			c->out.v = nv;
			c->cap = cap;
		}
		c->out.v[c->out.n++] = v;
	}
	ax_stream_free(c->s);
	c->s = NULL;
	c->base.state = C_DONE; /* out.v now belongs to the caller */
	return AX_READY;
}

static void collect_drop(ax_future *f)
{
	ax_collect_t *c = (ax_collect_t *)(void *)f;
	ax_stream_free(c->s);
	c->s = NULL;
	if (c->base.state != C_DONE) {
		free(c->out.v);
		c->out = (ax_collected){ NULL, 0, 0 };
	}
}

static const ax_future_vt collect_vt =
	AX_VT_OF(ax_collect_t, "collect", collect_poll, collect_drop, 0);

ax_collect_t ax_stream_collect(ax_stream *s)
{
	return (ax_collect_t){ .base.vt = &collect_vt, .s = s };
}
