/* taskset.c - a set of tasks that ends with its owner (a scope): freeing
 * the set aborts every child still running, and join_next yields the
 * children's outputs as they finish.  A set, its member list and its
 * children's set links are shared with the workers that finish those
 * children: everything here runs under the runtime lock (AX_MT_SCOPE;
 * unlink_child only from functions that hold it). */
#include "internal.h"

struct ax_taskset {
	ax_task *head;	   /* children, linked through ext->set_prev/next */
	size_t len;
	ax_waker *waiter;  /* the task awaiting join_next (owned) */
};

ax_taskset *ax_taskset_new(void)
{
	AX_MT_SCOPE();
	return calloc(1, sizeof(ax_taskset));
}

static void unlink_child(ax_taskset *ts, ax_task *t)
{
	ax__task_ext *e = t->ext;
	if (e->set_prev)
		e->set_prev->ext->set_next = e->set_next;
	else
		ts->head = e->set_next;
	if (e->set_next)
		e->set_next->ext->set_prev = e->set_prev;
	e->set_prev = e->set_next = NULL;
	e->set = NULL;
	ts->len--;
}

ax_task *ax__taskset_spawn(ax_taskset *ts, ax_future *fut, size_t size,
			   const char *name, const ax_site *site)
{
	/* Held across the spawn too: the child is linked into the set before
	 * another worker can finish it and look for its set. */
	AX_MT_SCOPE();
	ax_task *t = ax__spawn(fut, size, name, site);
	if (!t)
		return NULL;
	ax__task_ext *e = ax__task_ext_get(t);
	if (!e) {
		ax_task_abort(t);
		ax_task_detach(t);
		return NULL;
	}
	e->set = ts;
	e->set_prev = NULL;
	e->set_next = ts->head;
	if (ts->head)
		ts->head->ext->set_prev = t;
	ts->head = t;
	ts->len++;
	return t;
}

void ax__taskset_child_done(ax_taskset *ts, ax_task *t)
{
	AX_MT_SCOPE();
	(void)t;
	if (ts->waiter) {
		ax_waker *w = ts->waiter;
		ts->waiter = NULL;
		ax_waker_wake(w);
	}
}

size_t ax_taskset_len(const ax_taskset *ts)
{
	AX_MT_SCOPE();
	return ts->len;
}

void ax_taskset_free(ax_taskset *ts)
{
	AX_MT_SCOPE();
	if (!ts)
		return;
	while (ts->head) {
		ax_task *t = ts->head;
		unlink_child(ts, t);
		ax_task_abort(t);
		ax_task_detach(t);
	}
	if (ts->waiter)
		ax_waker_drop(ts->waiter);
	free(ts);
}

void ax__taskset_free_cb(void *ts)
{
	ax_taskset_free(ts);
}

static ax_poll_t next_poll(ax_future *f, ax_cx *cx)
{
	AX_MT_SCOPE();
	ax_taskset_next_t *n = (ax_taskset_next_t *)(void *)f;
	ax_taskset *ts = n->ts;
	for (ax_task *t = ts->head; t; t = t->ext->set_next) {
		if (ax__ts(t) & T_DONE) {
			n->out.some = true;
			n->out.val = t->ext->out.val;
			AX_HOOK(join, t, ax__cur_task);
			unlink_child(ts, t);
			ax_task_detach(t);
			return AX_READY;
		}
	}
	if (!ts->head) {
		n->out.some = false;
		return AX_READY;
	}
	if (!ts->waiter || !ax_waker_will_wake(ts->waiter, cx->waker)) {
		if (ts->waiter)
			ax_waker_drop(ts->waiter);
		ts->waiter = ax__waker_clone(cx->waker);
	}
	return AX_PENDING;
}

static void next_drop(ax_future *f)
{
	AX_MT_SCOPE();
	ax_taskset_next_t *n = (ax_taskset_next_t *)(void *)f;
	if (n->ts && n->ts->waiter) {
		ax_waker_drop(n->ts->waiter);
		n->ts->waiter = NULL;
	}
}

static const ax_future_vt next_vt =
	AX_VT_OF(ax_taskset_next_t, "taskset_join_next", next_poll, next_drop, 0);

ax_taskset_next_t ax_taskset_join_next(ax_taskset *ts)
{
	return (ax_taskset_next_t){ .base.vt = &next_vt, .ts = ts };
}
