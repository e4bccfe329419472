/* future.c - boxing, dropping and reading futures, async-function frames,
 * and the first-poll record behind the moved-future check. */
#include "internal.h"

#include <string.h>

atomic_uint_fast64_t ax__boxed_live;

struct ax__owned {
	void *obj;
	void (*fn)(void *obj);
	ax__owned *next;
};

/* Called by ax_poll when a future's recorded address is not its own:
 * either the first poll (record it) or a moved future (report it once and
 * record the new address). */
void ax__first_poll(ax_future *f)
{
	if (f->pinned_at == NULL) {
		f->pinned_at = f;
		ax_rt *rt = ax__cur_rt;
		if (rt)
			rt->first_polls++;
		/* Only futures the checker tracks (made while hooks were
		 * installed) are reported one by one. */
		if (f->id)
			AX_HOOK(future_first_poll, f);
		return;
	}
	void *was = f->pinned_at;
	f->pinned_at = f;
	AX_HOOK(future_moved, f, was);
}

static uint32_t next_future_id = 1;

void ax__future_created(ax_future *f, const ax_site *site)
{
	const ax_hooks *h = AX__HOOKS();
	if (!h || !h->future_create)
		return;
	f->id = __atomic_fetch_add(&next_future_id, 1, __ATOMIC_RELAXED);
	if (f->id == 0)
		f->id = __atomic_fetch_add(&next_future_id, 1, __ATOMIC_RELAXED);
	h->future_create(h->ud, f, site);
}

ax_future *ax__box(const ax_future *f, size_t size)
{
	ax_future *b = malloc(size);
	if (!b)
		return NULL;
	memcpy(b, f, size);
	atomic_fetch_add_explicit(&ax__boxed_live, 1, memory_order_relaxed);
	return b;
}

void ax_future_drop(ax_future *f)
{
	if (!f)
		return;
	if (f->id)
		AX_HOOK(future_drop, f);
	if (f->vt->drop)
		f->vt->drop(f);
}

void ax_future_free(ax_future *f)
{
	if (!f)
		return;
	ax_future_drop(f);
	free(f);
	atomic_fetch_sub_explicit(&ax__boxed_live, 1, memory_order_relaxed);
}

ax_val ax_future_val(const ax_future *f)
{
	const ax_future_vt *vt = f->vt;
	const char *p = (const char *)f + vt->out_offset;
	if (vt->flags & AX_VT_RES) {
		ax_res r;
		memcpy(&r, p, sizeof r);
		return r.val;
	}
	switch (vt->out_size) {
	case 1: {
		int8_t v;
		memcpy(&v, p, 1);
		return v;
	}
	case 2: {
		int16_t v;
		memcpy(&v, p, 2);
		return v;
	}
	case 4: {
		int32_t v;
		memcpy(&v, p, 4);
		return v;
	}
	case 8: {
		int64_t v;
		memcpy(&v, p, 8);
		return v;
	}
	default:
		return 0;
	}
}

int ax_future_err(const ax_future *f)
{
	if (!(f->vt->flags & AX_VT_RES))
		return 0;
	ax_res r;
	memcpy(&r, (const char *)f + f->vt->out_offset, sizeof r);
	return r.err;
}

void ax_future_take(const ax_future *f, void *dst)
{
	memcpy(dst, (const char *)f + f->vt->out_offset, f->vt->out_size);
}

/* Drop what a frame owns: the child it awaits, then the resources tied to
 * it, newest first (the reverse of acquisition, like Rust's drop order). */
static void frame_release(ax_frame *fr)
{
	if (fr->child) {
		ax_future *c = fr->child;
		fr->child = NULL;
		ax_future_free(c);
	}
	while (fr->owned) {
		ax__owned *o = fr->owned;
		fr->owned = o->next;
		o->fn(o->obj);
		free(o);
	}
}

void ax_frame_drop(ax_future *f)
{
	frame_release((ax_frame *)(void *)f);
}

void ax__frame_done(ax_frame *fr)
{
	frame_release(fr);
	fr->await_site = NULL;
}

/* The frame returned at ret (AX_RETURN): what it owns is released now,
 * and the checker can still read where it returned until the frame is
 * dropped (a task finishing with a lock held is reported at its return). */
void ax__frame_return(ax_frame *fr, const ax_site *ret)
{
	frame_release(fr);
	fr->await_site = ret;
}

int ax_frame_own(ax_frame *fr, void *obj, void (*fn)(void *obj))
{
	ax__owned *o = malloc(sizeof *o);
	if (!o)
		return -ENOMEM;
	o->obj = obj;
	o->fn = fn;
	o->next = fr->owned;
	fr->owned = o;
	return 0;
}

int ax_frame_release(ax_frame *fr, void *obj)
{
	for (ax__owned **pp = &fr->owned; *pp; pp = &(*pp)->next) {
		ax__owned *o = *pp;
		if (o->obj == obj) {
			*pp = o->next;
			o->fn(o->obj);
			free(o);
			return 0;
		}
	}
	return -ENOENT;
}
