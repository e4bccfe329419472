/* combinators.c - join (all complete), try_join (first error wins),
 * select (first completion wins) and the join into destinations.  Each
 * owns its boxed children (up to AX_JOIN_MAX, any number for the join into
 * destinations), polls the unfinished ones in index order on every wake,
 * and frees a child the moment it is finished or no longer wanted. */
#include "internal.h"

#include <string.h>

/* Take ownership of the children.  Returns 0, or the error the combinator
 * must report at once (every child has then been freed). */
static int adopt(ax_future **dst, int n, ax_future *const *children)
{
	if (n < 0 || n > AX_JOIN_MAX) {
		for (int i = 0; children && i < n; i++)
			ax_future_free(children[i]);
		return -EINVAL;
	}
	int err = 0;
	for (int i = 0; i < n; i++)
		if (!children[i])
			err = -ENOMEM;
	if (err) {
		for (int i = 0; i < n; i++)
			ax_future_free(children[i]);
		return err;
	}
	if (n)
		memcpy(dst, children, (size_t)n * sizeof *dst);
	return 0;
}

static int first_null(int n, ax_future *const *children)
{
	for (int i = 0; children && i < n && i < AX_JOIN_MAX; i++)
		if (!children[i])
			return i;
	return -1;
}

/* Free every child still held, in index order. */
static void free_children(ax_future **child, int n)
{
	for (int i = 0; i < n; i++) {
		ax_future *c = child[i];
		child[i] = NULL;
		ax_future_free(c);
	}
}

/* join ------------------------------------------------------------------- */

/* Poll every unfinished child once, in index order, storing each output
 * and freeing each child as it finishes.  With short_circuit, the first
 * child that fails (an ax_res with err != 0) stops it: its index goes to
 * *failed, its error is returned, and the caller cancels the rest.
 * Returns 0 or that error; *all_done says whether every child finished. */
static int poll_children(ax_future **child, int n, uint32_t *mask, ax_val *val,
			 uint32_t *lost, bool short_circuit, int *failed,
			 bool *all_done, ax_cx *cx)
{
	for (int i = 0; i < n; i++) {
		if (*mask & (1u << i))
			continue;
		if (ax_poll(child[i], cx) == AX_PENDING)
			continue;
		ax_res r = ax_future_res(child[i]);
		val[i] = r.val;
		if (r.err == -EOVERFLOW && lost)
			*lost |= 1u << i;
		int err = short_circuit ? r.err : 0;
		ax_future_free(child[i]);
		child[i] = NULL;
		*mask |= 1u << i;
		if (err) {
			*failed = i;
			return err;
		}
	}
	*all_done = *mask == (1u << n) - 1; /* n <= AX_JOIN_MAX < 32 */
	return 0;
}

static ax_poll_t join_poll(ax_future *f, ax_cx *cx)
{
	ax_join_all_t *j = (ax_join_all_t *)(void *)f;
	if (j->out.err)
		return AX_READY;
	bool all = false;
	int unused;
	poll_children(j->child, j->n, &j->done_mask, j->out.val, &j->lost_mask,
		      false, &unused, &all, cx);
	if (!all)
		return AX_PENDING;
	if (j->lost_mask)
		j->out.err = -EOVERFLOW;
	return AX_READY;
}

static void join_drop(ax_future *f)
{
	ax_join_all_t *j = (ax_join_all_t *)(void *)f;
	free_children(j->child, j->n);
}

static const ax_future_vt join_vt =
	AX_VT_OF(ax_join_all_t, "join_all", join_poll, join_drop, 0);

ax_join_all_t ax_join_all(int n, ax_future *const *children)
{
	ax_join_all_t j = { .base.vt = &join_vt };
	j.out.err = adopt(j.child, n, children);
	if (!j.out.err)
		j.n = j.out.n = n;
	return j;
}

/* try_join --------------------------------------------------------------- */

static ax_poll_t try_join_poll(ax_future *f, ax_cx *cx)
{
	ax_try_join_t *j = (ax_try_join_t *)(void *)f;
	if (j->out.err)
		return AX_READY;
	bool all = false;
	int err = poll_children(j->child, j->n, &j->done_mask, j->out.val, NULL,
				true, &j->out.failed, &all, cx);
	if (err) {
		/* Short-circuit: the rest are cancelled now, not when the
		 * try_join itself is dropped. */
		j->out.err = err;
		free_children(j->child, j->n);
		return AX_READY;
	}
	return all ? AX_READY : AX_PENDING;
}

static void try_join_drop(ax_future *f)
{
	ax_try_join_t *j = (ax_try_join_t *)(void *)f;
	free_children(j->child, j->n);
}

static const ax_future_vt try_join_vt =
	AX_VT_OF(ax_try_join_t, "try_join", try_join_poll, try_join_drop, 0);

ax_try_join_t ax_try_join(int n, ax_future *const *children)
{
	ax_try_join_t j = { .base.vt = &try_join_vt, .out.failed = -1 };
	int null_at = first_null(n, children);
	j.out.err = adopt(j.child, n, children);
	if (j.out.err == -ENOMEM)
		j.out.failed = null_at;
	if (!j.out.err)
		j.n = j.out.n = n;
	return j;
}

/* select ----------------------------------------------------------------- */

static ax_poll_t select_poll(ax_future *f, ax_cx *cx)
{
	ax_select_t *s = (ax_select_t *)(void *)f;
	if (s->out.err && s->out.index < 0)
		return AX_READY;
	for (int i = 0; i < s->n; i++) {
		if (!s->child[i] || ax_poll(s->child[i], cx) == AX_PENDING)
			continue;
		ax_res r = ax_future_res(s->child[i]);
		s->out.val = r.val;
		s->out.err = r.err;
		s->out.index = i;
		/* The winner first, then every loser: their drop functions
		 * have all run when the select reports READY. */
		free_children(s->child, s->n);
		return AX_READY;
	}
	return AX_PENDING;
}

static void select_drop(ax_future *f)
{
	ax_select_t *s = (ax_select_t *)(void *)f;
	free_children(s->child, s->n);
}

static const ax_future_vt select_vt =
	AX_VT_OF(ax_select_t, "select", select_poll, select_drop, 0);

ax_select_t ax_select(int n, ax_future *const *children)
{
	ax_select_t s = { .base.vt = &select_vt, .out.index = -1 };
	s.out.err = adopt(s.child, n, children);
	if (!s.out.err && n == 0)
		s.out.err = -EINVAL; /* nothing could ever win */
	if (!s.out.err)
		s.n = n;
	return s;
}

/* join into destinations ------------------------------------------------- */

static ax_poll_t join_into_poll(ax_future *f, ax_cx *cx)
{
	ax_join_into_t *j = (ax_join_into_t *)(void *)f;
	for (int i = 0; i < j->n && j->left; i++) {
		ax_into *e = &j->ent[i];
		if (!e->child || ax_poll(e->child, cx) == AX_PENDING)
			continue;
		if (e->dst)
			ax_future_take(e->child, e->dst);
		ax_future *c = e->child;
		e->child = NULL;
		ax_future_free(c);
		j->left--;
	}
	return j->left ? AX_PENDING : AX_READY;
}

static void join_into_drop(ax_future *f)
{
	ax_join_into_t *j = (ax_join_into_t *)(void *)f;
	for (int i = 0; i < j->n; i++) {
		ax_future *c = j->ent[i].child;
		j->ent[i].child = NULL;
		ax_future_free(c);
	}
	free(j->ent);
	j->ent = NULL;
	j->n = j->left = 0;
}

static const ax_future_vt join_into_vt =
	AX_VT_OF(ax_join_into_t, "join_into", join_into_poll, join_into_drop, 0);

ax_join_into_t ax_join_into(int n, const ax_into *pairs)
{
	ax_join_into_t j = { .base.vt = &join_into_vt };
	if (n < 0) {
		j.out = -EINVAL;
		return j;
	}
	int err = 0;
	for (int i = 0; i < n; i++)
		if (!pairs[i].child)
			err = -ENOMEM;
	if (!err && n) {
		j.ent = malloc((size_t)n * sizeof *j.ent);
		if (!j.ent)
			err = -ENOMEM;
	}
	if (err) {
		for (int i = 0; i < n; i++)
			ax_future_free(pairs[i].child);
		j.out = err;
		return j;
	}
	if (n)
		memcpy(j.ent, pairs, (size_t)n * sizeof *j.ent);
	j.n = j.left = n;
	return j;
}
