/* hooks.c - the scheduler's hook table and the read-only accessors of
 * asynclab/instrument.h.  The checker installs a table; with none
 * installed every hook point is a single predictable branch. */
#include "internal.h"

const ax_hooks *ax__hooks;
unsigned ax__hook_mask;

/* The hooks, each with its bit.  A hook added to ax_hooks must be listed
 * here: the assertion counts them. */
#define AX__HOOK_LIST(X)                                                   \
	X(rt_start) X(rt_stop) X(spawn) X(poll_begin) X(poll_end) X(wake)  \
	X(waker_clone) X(waker_drop) X(task_exit) X(task_free)             \
	X(timer_fire) X(io_wait) X(lock) X(future_create)                  \
	X(future_first_poll) X(future_moved) X(future_drop) X(cancel)      \
	X(deadlock) X(clock) X(ready) X(timer) X(lock_wait) X(stream_next)      \
	X(wake_other) X(join) X(sem)
#define AX__ONE(name) +1
_Static_assert(sizeof(ax_hooks) == (1 AX__HOOK_LIST(AX__ONE)) * sizeof(void *),
	       "every hook is in AX__HOOK_LIST");
_Static_assert((0 AX__HOOK_LIST(AX__ONE)) <= 32, "one mask bit per hook");

static unsigned mask_of(const ax_hooks *h)
{
	unsigned m = 0;
	if (!h)
		return 0;
#define AX__BIT_IF_SET(name) m |= h->name ? AX__HBIT(name) : 0u;
	AX__HOOK_LIST(AX__BIT_IF_SET)
#undef AX__BIT_IF_SET
	return m;
}

/* Install h (NULL removes the table).  Callers install before creating a
 * runtime and remove after freeing it; a table replaced while tasks run
 * (the checker adds its wake hook mid-run) must stay valid for good, as a
 * poll that began under it still ends under it.  The table is published
 * before the mask that announces its hooks, and the mask cleared before
 * the table goes. */
void ax_hooks_install(const ax_hooks *h)
{
	if (h) {
		__atomic_store_n(&ax__hooks, h, __ATOMIC_RELEASE);
		__atomic_store_n(&ax__hook_mask, mask_of(h), __ATOMIC_RELEASE);
	} else {
		__atomic_store_n(&ax__hook_mask, 0u, __ATOMIC_RELEASE);
		__atomic_store_n(&ax__hooks, NULL, __ATOMIC_RELEASE);
	}
}

void ax_task_set_hook_data(ax_task *t, void *data)
{
	if (t && (ax__ts(t) & T_EXT))
		t->ext->hook_data = data;
}

/* --- read-only accessors ---------------------------------------------- */

ax_rt *ax_task_rt(const ax_task *t)
{
	return ax__task_rt(t);
}

ax_future *ax_task_future(ax_task *t)
{
	return t->fut;
}

ax_task *ax_task_polling(void)
{
	ax_task *t = ax__cur_task;
	/* (With N workers `running` is one worker's: the thread's own
	 * ax__cur_task says which task it polls.) */
	if (t && !ax__task_rt(t)->mt &&
	    atomic_load_explicit(&ax__task_rt(t)->running, memory_order_relaxed) != t)
		return NULL;
	return t;
}

ax_task *ax_rt_running(const ax_rt *rt)
{
	return atomic_load_explicit(&rt->running, memory_order_relaxed);
}

uint64_t ax_rt_polls(const ax_rt *rt)
{
	return atomic_load_explicit(&rt->polls, memory_order_relaxed);
}

uint64_t ax_rt_first_polls(const ax_rt *rt)
{
	return __atomic_load_n(&rt->first_polls, __ATOMIC_RELAXED);
}

const void *ax_instrument_rt_lock(const ax_rt *rt)
{
	/* (Read from the watchdog's thread too, while the workers start.) */
	return rt && __atomic_load_n(&rt->mt, __ATOMIC_ACQUIRE) ? (const void *)&rt->mt_lock : NULL;
}

pthread_t ax_rt_thread(const ax_rt *rt)
{
	return atomic_load_explicit(&rt->thread, memory_order_relaxed);
}

ax_task *ax_rt_root(const ax_rt *rt)
{
	return rt->root;
}
