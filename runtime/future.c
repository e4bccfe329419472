/* future.c - boxing, dropping and reading futures, async-function frames,
 * and the first-poll record behind the moved-future check. */
#include "internal.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

atomic_uint_fast64_t ax__boxed_live;

struct ax__owned {
	void *obj;
	void (*fn)(void *obj);
	ax__owned *next;
};

/* Poll nesting is bounded by the stack: a future's first poll below this
 * thread's floor (its stack's lowest address plus an eighth of the stack,
 * 128 KB to 1 MB, left for the poll under way and what it calls) is not
 * made.  Computed on a thread's first first-poll; 1 when unknown. */
static AX_TLS char *stack_floor;

static __attribute__((noinline, cold)) char *stack_floor_get(void)
{
	pthread_attr_t a;
	void *lo;
	size_t size;
	if (pthread_getattr_np(pthread_self(), &a) != 0)
		return (char *)1;
	int r = pthread_attr_getstack(&a, &lo, &size);
	pthread_attr_destroy(&a);
	if (r != 0)
		return (char *)1;
	size_t margin = size / 8;
	if (margin < 128 * 1024)
		margin = 128 * 1024;
	if (margin > 1024 * 1024)
		margin = 1024 * 1024;
	if (margin >= size / 2)
		return (char *)1;
	return (char *)lo + margin;
}

/* A future whose poll was refused: it stays pending, and its drop puts
 * its own vtable back first.  The record copies that vtable (name, size,
 * output layout) so that readers of the future see no difference. */
typedef struct overflow_rec {
	ax_future_vt vt;
	const ax_future_vt *orig;
} overflow_rec;

static ax_poll_t overflow_poll(ax_future *f, ax_cx *cx)
{
	(void)f;
	(void)cx;
	return AX_PENDING;
}

static void overflow_drop(ax_future *f)
{
	overflow_rec *rec = (overflow_rec *)(void *)(uintptr_t)f->vt;
	f->vt = rec->orig;
	free(rec);
	if (f->vt->drop)
		f->vt->drop(f);
}

static __attribute__((noinline, cold)) void nest_overflow(ax_future *f, char *sp)
{
	ax_task *t = ax__cur_task;
	overflow_rec *rec = malloc(sizeof *rec);
	if (!rec) {
		fprintf(stderr, "asynclab: futures nest too deep for the stack and no "
				"memory is left to stop them: aborting\n");
		abort();
	}
	rec->orig = f->vt;
	rec->vt = *f->vt;
	rec->vt.poll = overflow_poll;
	rec->vt.drop = overflow_drop;
	f->vt = &rec->vt;
	if (!(ax__ts(t) & T_OVERFLOW)) {
		pthread_attr_t a;
		void *lo = NULL;
		size_t size = 0;
		if (pthread_getattr_np(pthread_self(), &a) == 0) {
			pthread_attr_getstack(&a, &lo, &size);
			pthread_attr_destroy(&a);
		}
		const char *name = ax_task_name(t);
		fprintf(stderr,
			"asynclab: task %llu%s%s%s nests futures too deep: the first poll "
			"of '%s' would run with %zu KB of its %zu KB stack left; "
			"the task ends with -EOVERFLOW (poll nesting limit)\n",
			(unsigned long long)ax_task_id(t), name ? " '" : "",
			name ? name : "", name ? "'" : "",
			rec->orig->name ? rec->orig->name : "?",
			(size_t)(sp - (char *)lo) / 1024, size / 1024);
	}
	ax__task_overflow(ax__task_rt(t), t);
}

/* The stack pointer, without making the caller set up a frame. */
static inline __attribute__((always_inline)) char *stack_pointer(void)
{
	char *sp;
#if defined(__x86_64__)
	__asm__("mov %%rsp, %0" : "=r"(sp));
#elif defined(__aarch64__)
	__asm__("mov %0, sp" : "=r"(sp));
#else
	sp = __builtin_frame_address(0);
#endif
	return sp;
}

/* This thread's stack floor, computed once per thread. */
char *ax__stack_floor(void)
{
	if (!stack_floor)
		stack_floor = stack_floor_get();
	return stack_floor;
}

/* A first poll on a runtime with N workers: several count at once, and
 * each worker polls on its own stack. */
static __attribute__((noinline)) void first_poll_mt(ax_future *f, ax_rt *rt)
{
	if (ax__mt_par_here(rt) && !AX__HOOKS())
		ax__mt_w_first++;
	else
		ax__mt_first_poll(rt);
	char *sp = stack_pointer();
	if (ax__cur_task && AX_UNLIKELY(sp < ax__stack_floor()))
		nest_overflow(f, sp);
}

/* Called by ax_poll when a future's recorded address is not its own:
 * either the first poll (record it) or a moved future (report it once and
 * record the new address). */
void ax__first_poll(ax_future *f)
{
	if (f->pinned_at == NULL) {
		f->pinned_at = f;
		ax_rt *rt = ax__cur_rt;
		if (AX_MT_ON() && rt && rt->mt != NULL) {
			first_poll_mt(f, rt);
		} else if (rt) {
			rt->first_polls++;
			/* rt's floor is its executor thread's (block_on sets
			 * it); 0 outside block_on. */
			char *sp = stack_pointer();
			if (AX_UNLIKELY(sp < rt->stack_floor) && ax__cur_task)
				nest_overflow(f, sp);
		}
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

ax_res ax_future_res(const ax_future *f)
{
	const ax_future_vt *vt = f->vt;
	const char *p = (const char *)f + vt->out_offset;
	ax_res r = { 0, 0 };
	if (vt->flags & AX_VT_RES) {
		memcpy(&r, p, sizeof r);
	} else if (vt->flags & AX_VT_OPT) {
		ax_opt o;
		memcpy(&o, p, sizeof o);
		if (o.some)
			r.val = o.val;
		else
			r.err = -ENODATA;
	} else if (vt->flags & AX_VT_OPAQUE) {
		r.err = -EOVERFLOW;
	} else {
		switch (vt->out_size) {
		case 0: case 1: case 2: case 4: case 8:
			r.val = ax_future_val(f);
			break;
		default:
			r.err = -EOVERFLOW;
		}
	}
	return r;
}

int ax_future_err(const ax_future *f)
{
	if (!(f->vt->flags & AX_VT_RES))
		return 0;
	ax_res r;
	memcpy(&r, (const char *)f + f->vt->out_offset, sizeof r);
	return r.err;
}

/* AX_AWAIT_BOX: a NULL box, or an output of another size than the
 * destination of AX_AWAIT_BOX_TO (size nonzero), is a bug in the program;
 * say where instead of crashing later. */
void ax__await_box_check(const ax_future *f, size_t out_size,
			 const ax_site *site)
{
	const char *why = NULL;
	if (!f)
		why = "the boxed future is NULL (AX_BOX failed or nothing was boxed)";
	else if (out_size && f->vt->out_size != out_size)
		why = "the boxed future's output is not the size of the destination";
	if (!why)
		return;
	fprintf(stderr, "%s:%d: AX_AWAIT_BOX: %s", site->file, site->line, why);
	if (f && out_size)
		fprintf(stderr, " (%s: %u bytes, destination %zu)", f->vt->name,
			(unsigned)f->vt->out_size, out_size);
	fputc('\n', stderr);
	abort();
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
