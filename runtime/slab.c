/* slab.c - task memory.  Tasks of one size class share 64 KiB chunks
 * aligned to their size, so a task finds its runtime by masking its
 * address, freed slots are reused at once (chained_spawn touches no new
 * memory), there is no per-object malloc header, and shutdown can visit
 * every live task without a separate list. */
#include "internal.h"

#include <string.h>
#include <sys/mman.h>

#define CHUNK_HDR ((sizeof(ax__chunk) + 15u) & ~15u)
/* Chunks are carved from mappings of this size.  aligned_alloc would
 * touch one or two pages of malloc bookkeeping outside every chunk (6-12%
 * more resident memory for parked tasks) and cost an mmap per chunk. */
#define REGION (16u * AX_SLAB_CHUNK)

/* A fresh chunk-aligned 64 KiB block, or NULL. */
static void *region_take(ax_rt *rt)
{
	ax__slab *sl = &rt->slab;
	if (sl->region == sl->region_end) {
		size_t len = REGION + AX_SLAB_CHUNK;
		char *m = mmap(NULL, len, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (m == MAP_FAILED)
			return NULL;
		/* Keep the aligned REGION bytes, unmap the slack around them. */
		char *a = (char *)(((uintptr_t)m + AX_SLAB_CHUNK - 1) &
				   ~(uintptr_t)(AX_SLAB_CHUNK - 1));
		if (a > m)
			munmap(m, (size_t)(a - m));
		if (m + len > a + REGION)
			munmap(a + REGION, (size_t)(m + len - (a + REGION)));
		sl->region = a;
		sl->region_end = a + REGION;
	}
	void *c = sl->region;
	sl->region += AX_SLAB_CHUNK;
	return c;
}

static void chunk_release(ax__chunk *c)
{
	if (c->large)
		free(c);
	else
		munmap(c, AX_SLAB_CHUNK);
}

static size_t class_of(size_t bytes)
{
	return (bytes + 7u) / 8u;
}

static ax__chunk *chunk_new(ax_rt *rt, size_t slot_size, size_t bytes)
{
	size_t total = bytes < AX_SLAB_CHUNK ? AX_SLAB_CHUNK
					     : (bytes + AX_SLAB_CHUNK - 1) & ~(size_t)(AX_SLAB_CHUNK - 1);
	int large = bytes > 0;
	ax__chunk *c = large ? aligned_alloc(AX_SLAB_CHUNK, total) : region_take(rt);
	if (!c)
		return NULL;
	c->rt = rt;
	c->slot_size = (uint32_t)slot_size;
	c->nslots = (uint32_t)((total - CHUNK_HDR) / slot_size);
	c->used = 0;
	c->large = (uint32_t)large;
	c->next = rt->slab.chunks;
	rt->slab.chunks = c;
	return c;
}

static ax_task *slot(ax__chunk *c, uint32_t i)
{
	return (ax_task *)(void *)((char *)c + CHUNK_HDR + (size_t)i * c->slot_size);
}

/* Allocate a task whose header plus future take `size` bytes. */
ax_task *ax__slab_alloc(ax_rt *rt, size_t size)
{
	size_t cls = class_of(size);
	if (cls > AX_SLAB_CLASSES) {
		/* A large future: a chunk of its own, freed with the task. */
		ax__chunk *c = chunk_new(rt, CHUNK_HDR + size, CHUNK_HDR + size);
		if (!c)
			return NULL;
		c->nslots = 1;
		c->used = 1;
		return slot(c, 0);
	}
	ax_task *t = rt->slab.free[cls];
	if (t) {
		rt->slab.free[cls] = t->next;
		return t;
	}
	ax__chunk *c = rt->slab.bump[cls];
	if (!c || c->used == c->nslots) {
		c = chunk_new(rt, cls * 8u, 0);
		if (!c)
			return NULL;
		rt->slab.bump[cls] = c;
	}
	return slot(c, c->used++);
}

void ax__slab_free(ax_rt *rt, ax_task *t)
{
	ax__chunk *c = (ax__chunk *)((uintptr_t)t & ~(uintptr_t)(AX_SLAB_CHUNK - 1));
	ax__ts_init(t, T_FREE);
	size_t cls = c->slot_size / 8u;
	if (c->large) {
		/* Large chunk: unlink and free it. */
		for (ax__chunk **pp = &rt->slab.chunks; *pp; pp = &(*pp)->next) {
			if (*pp == c) {
				*pp = c->next;
				break;
			}
		}
		free(c);
		return;
	}
	t->next = rt->slab.free[cls];
	rt->slab.free[cls] = t;
}

void ax__slab_each(ax_rt *rt, void (*fn)(ax_task *t, void *ud), void *ud)
{
	for (ax__chunk *c = rt->slab.chunks; c; c = c->next) {
		for (uint32_t i = 0; i < c->used; i++) {
			ax_task *t = slot(c, i);
			if (!(ax__ts(t) & T_FREE))
				fn(t, ud);
		}
	}
}

void ax__slab_destroy(ax_rt *rt)
{
	ax__chunk *c = rt->slab.chunks;
	while (c) {
		ax__chunk *n = c->next;
		chunk_release(c);
		c = n;
	}
	if (rt->slab.region != rt->slab.region_end)
		munmap(rt->slab.region,
		       (size_t)(rt->slab.region_end - rt->slab.region));
	memset(&rt->slab, 0, sizeof rt->slab);
}
