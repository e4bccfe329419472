/* token.c - cancellation tokens: a tree of tokens where cancelling one
 * cancels its whole subtree and completes every `cancelled` future waiting
 * on any of them.  The checker hears of each cancel, check and wait. */
#include "internal.h"

struct ax_token {
	bool cancelled;		  /* once set, every descendant is set too */
	ax_token *parent;	  /* NULL for a root or once the parent is freed */
	ax_token *child;	  /* first child */
	ax_token *prev, *next;	  /* siblings */
	ax__wlist waiters;	  /* cancelled futures */
};

/* base.state bits of a cancelled future. */
enum {
	C_POLLED = 1u << 0, /* the wait hook has fired */
	C_QUEUED = 1u << 1  /* linked in the token's list */
};

ax_token *ax_token_new(void)
{
	return calloc(1, sizeof(ax_token));
}

ax_token *ax_token_child(ax_token *parent)
{
	AX_MT_SCOPE();
	ax_token *t = calloc(1, sizeof *t);
	if (!t || !parent)
		return t;
	t->parent = parent;
	t->next = parent->child;
	if (parent->child)
		parent->child->prev = t;
	parent->child = t;
	t->cancelled = parent->cancelled;
	return t;
}

void ax_token_free(ax_token *t)
{
	AX_MT_SCOPE();
	if (!t)
		return;
	if (t->parent) {
		if (t->prev)
			t->prev->next = t->next;
		else
			t->parent->child = t->next;
		if (t->next)
			t->next->prev = t->prev;
	}
	/* Children become roots; they keep their own state. */
	for (ax_token *c = t->child, *n; c; c = n) {
		n = c->next;
		c->parent = NULL;
		c->prev = c->next = NULL;
	}
	free(t);
}

static void cancel_one(ax_token *t)
{
	t->cancelled = true;
	AX_HOOK(cancel, AX_CANCEL_TOKEN, t, (ax_task *)NULL, true);
	ax__waiter *w;
	while ((w = ax__wlist_pop(&t->waiters)) != NULL) {
		AX__WAITER_OF(ax_cancelled_t, w)->base.state &= ~C_QUEUED;
		ax__waiter_wake(w);
	}
}

/* Cancel t and its subtree, in pre-order and without recursion (token
 * trees may be deep).  A subtree already cancelled is skipped whole. */
void ax_token_cancel(ax_token *t)
{
	AX_MT_SCOPE();
	if (!t || t->cancelled)
		return;
	ax_token *cur = t;
	for (;;) {
		if (!cur->cancelled) {
			cancel_one(cur);
			if (cur->child) {
				cur = cur->child;
				continue;
			}
		}
		while (cur != t && !cur->next)
			cur = cur->parent;
		if (cur == t)
			return;
		cur = cur->next;
	}
}

bool ax_token_is_cancelled(const ax_token *t)
{
	AX_MT_SCOPE();
	bool r = t->cancelled;
	AX_HOOK(cancel, AX_CANCEL_CHECK, t, ax_task_current(), r);
	return r;
}

static ax_poll_t cancelled_poll(ax_future *f, ax_cx *cx)
{
	AX_MT_SCOPE();
	ax_cancelled_t *c = (ax_cancelled_t *)(void *)f;
	if (!(f->state & C_POLLED)) {
		f->state |= C_POLLED;
		AX_HOOK(cancel, AX_CANCEL_WAIT, c->t, ax_task_current(), false);
	}
	if (c->t->cancelled) {
		ax__waiter_forget(&c->w);
		return AX_READY;
	}
	ax__waiter_set_waker(&c->w, cx);
	if (!(f->state & C_QUEUED)) {
		ax__wlist_push(&c->t->waiters, &c->w);
		f->state |= C_QUEUED;
	}
	return AX_PENDING;
}

static void cancelled_drop(ax_future *f)
{
	AX_MT_SCOPE();
	ax_cancelled_t *c = (ax_cancelled_t *)(void *)f;
	if (f->state & C_QUEUED) {
		ax__wlist_remove(&c->t->waiters, &c->w);
		f->state &= ~C_QUEUED;
	}
	ax__waiter_forget(&c->w);
}

static const ax_future_vt cancelled_vt =
	AX_VT_OF(ax_cancelled_t, "token_cancelled", cancelled_poll,
		 cancelled_drop, 0);

ax_cancelled_t ax_token_cancelled(ax_token *t)
{
	return (ax_cancelled_t){ .base.vt = &cancelled_vt, .t = t };
}
