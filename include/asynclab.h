/* asynclab.h - the API of libasynclab for programs: a poll-based executor
 * runtime that models Rust's futures in C: async functions, an executor
 * with spawn/join/abort, virtual and real time, an epoll reactor, async
 * synchronisation, combinators and streams.  Writing a future or a stream
 * by hand (a poll function, wakers) takes <asynclab/future.h> as well.
 *
 * Conventions: public names start with ax_ (macros AX_), internal ones that
 * must be visible for the macros, or that are private fields of futures
 * returned by value, start with ax__.  Calls that can fail
 * return 0 or a negative errno value.  Unless a prototype says otherwise,
 * runtime objects are used from the thread that runs their executor; only
 * wakers may be woken from any thread.  This header needs GNU C (gnu11):
 * the async-function macros use labels as values and statement
 * expressions. */
#ifndef ASYNCLAB_H
#define ASYNCLAB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

#define AX_VERSION "0.1.0"

/* ------------------------------------------------------------------------
 * Basic types
 * ------------------------------------------------------------------------ */

/* What a poll returns.  AX_DONE is only returned by a stream's poll_next
 * (the stream has ended: Rust's Ready(None)). */
typedef enum ax_poll { AX_PENDING = 0, AX_READY = 1, AX_DONE = 2 } ax_poll_t;

/* The value combinators, join handles and streams carry: an integer or a
 * pointer (cast through intptr_t).  A child future's output is carried
 * when it is an integer of 1, 2, 4 or 8 bytes (sign-extended), a pointer,
 * an ax_res (its val and err), an ax_opt (its val; err -ENODATA when
 * none) or an ax_unit (0).  Any other output (a join's ax_vals, a struct,
 * a double) cannot be carried: AX_JOIN, AX_TRY_JOIN, AX_SELECT,
 * AX_TIMEOUT_MS, AX_SPAWN, AX_SPAWN_NAMED and AX_TASKSET_SPAWN refuse such
 * a child at compile time (AX_JOIN_INTO copies any output; the _DISCARD
 * and _DETACHED spawns drop it), and the function forms (a child boxed by
 * hand) report err -EOVERFLOW. */
typedef int64_t ax_val;

/* The output of a fallible future, Rust's Result<i64, Error>: err is 0 for
 * Ok, otherwise a negative errno-style code (or any nonzero code the
 * program chooses). */
typedef struct ax_res {
	ax_val val;
	int err;
} ax_res;

/* The output type of an async function that returns nothing (Rust's ()). */
typedef struct ax_unit {
	char unused;
} ax_unit;

/* An optional value: a stream item, a received message.  some is false
 * when the stream has ended or the channel is closed and empty. */
typedef struct ax_opt {
	ax_val val;
	bool some;
} ax_opt;

/* A source location, recorded by the macros so that the checker can name
 * the learner's line.  Stored in static storage, never freed. */
typedef struct ax_site {
	const char *file;
	int line;
	const char *func;
} ax_site;

#define AX_HERE                                                             \
	({                                                                  \
		static const ax_site ax__site = { __FILE__, __LINE__,       \
						  __func__ };               \
		&ax__site;                                                  \
	})

typedef struct ax_rt ax_rt;
typedef struct ax_task ax_task;	  /* a task; an ax_task * you hold is a JoinHandle */
typedef struct ax_waker ax_waker; /* a counted reference that can wake a task */
typedef struct ax_future ax_future;
typedef struct ax_stream ax_stream;

/* The context a poll receives: the waker of the task being polled. */
typedef struct ax_cx {
	ax_waker *waker; /* borrowed: clone it to keep it past the poll */
	ax_task *task;	 /* the task being polled */
} ax_cx;

/* ------------------------------------------------------------------------
 * Futures
 * ------------------------------------------------------------------------ */

typedef ax_poll_t (*ax_poll_fn)(ax_future *self, ax_cx *cx);
typedef void (*ax_drop_fn)(ax_future *self);

enum {
	AX_VT_FRAME = 1u << 0,	/* the future is an async-function frame (ax_frame) */
	AX_VT_RES = 1u << 1,	/* its output is an ax_res */
	AX_VT_OPT = 1u << 2,	/* its output is an ax_opt */
	AX_VT_OPAQUE = 1u << 3	/* its output cannot be carried as an ax_val
				   (not an integer or pointer of <= 8 bytes,
				   ax_res, ax_opt or ax_unit) */
};

/* Whether an output of type T can be carried by the combinators (see
 * ax_val), and the AX_VT_* flags that describe it; integer constants. */
#define AX__CARRIED_T(T)                                                    \
	(__builtin_types_compatible_p(T, ax_res) ||                         \
	 __builtin_types_compatible_p(T, ax_opt) ||                         \
	 __builtin_types_compatible_p(T, ax_unit) ||                        \
	 (sizeof(T) <= 8 && __builtin_classify_type(*(T *)0) >= 1 &&        \
	  __builtin_classify_type(*(T *)0) <= 5))
#define AX__OUT_FLAGS(T)                                                    \
	((__builtin_types_compatible_p(T, ax_res) ? AX_VT_RES : 0u) |      \
	 (__builtin_types_compatible_p(T, ax_opt) ? AX_VT_OPT : 0u) |      \
	 (AX__CARRIED_T(T) ? 0u : AX_VT_OPAQUE))

/* The vtable every future points to. */
typedef struct ax_future_vt {
	const char *name;    /* shown by the checker and in task tables */
	ax_poll_fn poll;     /* READY once the output is stored; PENDING after
				arranging for cx->waker to be woken */
	ax_drop_fn drop;     /* cancel: release timers, waker registrations and
				children; NULL when there is nothing to release.
				Called exactly once, ready or not. */
	uint32_t size;	     /* sizeof the whole future */
	uint16_t out_offset; /* offsetof its output field */
	uint16_t out_size;   /* sizeof its output field; 0 for none */
	uint32_t flags;	     /* AX_VT_* */
} ax_future_vt;

/* Every future begins with this header. */
struct ax_future {
	const ax_future_vt *vt;
	void *pinned_at; /* its address at the first poll; NULL before */
	uint32_t id;	 /* nonzero when the checker tracks it */
	uint32_t state;	 /* free for the future's own use; zero at creation */
};

/* The hook table (asynclab/instrument.h).  Declared here because the
 * macros that create futures test it. */
typedef struct ax_hooks ax_hooks;
extern const ax_hooks *ax__hooks;
/* The installed table, read with a relaxed atomic load: a plain load on
 * every target, and a table installed while other threads run (the
 * checker arms a detector mid-run) is not a data race. */
#define AX__HOOKS() __atomic_load_n(&ax__hooks, __ATOMIC_RELAXED)

void ax__first_poll(ax_future *f);
void ax__future_created(ax_future *f, const ax_site *site);

/* Poll a future.  Records the address of its first poll and reports a
 * future polled at another address afterwards (a moved future).  Always
 * inlined, also without optimisation, so that the checker's report of a
 * moved future names the caller's line rather than this header. */
static inline __attribute__((always_inline)) ax_poll_t ax_poll(ax_future *f, ax_cx *cx)
{
	if (__builtin_expect(f->pinned_at != (void *)f, 0))
		ax__first_poll(f);
	return f->vt->poll(f, cx);
}

/* Copy a future (by value, not yet polled) to the heap.  The result is
 * owned by the caller: hand it to a combinator or release it with
 * ax_future_free.  Returns NULL on allocation failure. */
ax_future *ax__box(const ax_future *f, size_t size);
/* Each expansion names its temporary uniquely, so that boxes nest without
 * shadowing (ax_timeout_ms(ms, AX_BOX(AX_JOIN(...))) boxes inside a box). */
#define AX_BOX(expr) AX__BOX1(expr, __COUNTER__, AX__NOCHECK, , )
#define AX__BOX1(expr, n, chk, who, fix)                                    \
	AX__BOX(expr, AX__CAT(ax__bv, n), chk, who, fix)
#define AX__NOCHECK(bv, who, fix)
/* The boxes of AX_JOIN, AX_TRY_JOIN, AX_SELECT and AX_TIMEOUT_MS: the
 * child's output must be one the combinator can carry (see ax_val). */
#define AX__BOX_CARRIED(expr, who, fix)                                     \
	AX__BOX1(expr, __COUNTER__, AX__CARRY_CHECK, who, fix)
#define AX__CARRY_CHECK(bv, who, fix)                                       \
	_Static_assert(AX__CARRIED_T(__typeof__((bv).out)),                  \
		       who ": the output of this child cannot be carried (only an " \
		       "integer or pointer of at most 8 bytes, ax_res, ax_opt " \
		       "or ax_unit); " fix)
#define AX__BOX(expr, bv, chk, who, fix)                                    \
	({                                                                  \
		__auto_type bv = (expr);                                    \
		chk(bv, who, fix);                                          \
		ax_future *ax__bp = ax__box((ax_future *)(void *)&bv,       \
					    sizeof bv);                     \
		if (__builtin_expect(AX__HOOKS() != NULL, 0) && ax__bp &&   \
		    !ax__bp->id)                                            \
			ax__future_created(ax__bp, AX_HERE);                \
		ax__bp;                                                     \
	})

/* Drop (cancel) a boxed future and free it.  NULL is ignored. */
void ax_future_free(ax_future *f);

/* ------------------------------------------------------------------------
 * Async functions: a frame plus a poll function
 *
 *   AX_ASYNC(fetch, int,              // name, output type
 *       int id;                       // arguments and locals that live
 *       int tries;)                   // across awaits are frame fields
 *   {
 *       AX_BEGIN;
 *       AX_AWAIT(ax_sleep_ms(100));
 *       AX_RETURN(self->id * 2);
 *       AX_END;
 *   }
 *
 *   AX_AWAIT_TO(self->n, AX_CALL(fetch, .id = 7));   // n = fetch(7).await
 *
 * Inside the body, `self` is the frame and `cx` the context.  Awaits may
 * sit inside loops, branches and switch statements; plain C locals do not
 * survive an await (that is the lesson of "async fn").  The awaited child
 * is owned by the frame: dropping the frame drops it.
 * ------------------------------------------------------------------------ */

typedef struct ax__owned ax__owned;

typedef struct ax_frame {
	ax_future base;
	void *resume;		   /* where to continue; NULL before the first poll */
	ax_future *child;	   /* the future being awaited (owned) or NULL */
	const ax_site *await_site; /* the await the frame is suspended at;
				      once it returned, the return */
	ax__owned *owned;	   /* resources dropped with the frame */
} ax_frame;

void ax_frame_drop(ax_future *f);
/* Tie a resource to a frame: fn(obj) runs when the frame is dropped, ready
 * or cancelled (a Rust Drop impl on a local).  Returns 0 or -ENOMEM. */
int ax_frame_own(ax_frame *fr, void *obj, void (*fn)(void *obj));
/* Run and forget the drop function registered for obj now (the local
 * goes out of scope early).  Returns 0 or -ENOENT. */
int ax_frame_release(ax_frame *fr, void *obj);
void ax__frame_done(ax_frame *fr);
void ax__frame_return(ax_frame *fr, const ax_site *ret);

/* The member after the frame header, where a positional AX_CALL argument
 * would land: an empty struct, which clang rejects any value for; gcc
 * rejects positional values in a designated_init struct (an error inside
 * AX_CALL). */
typedef struct ax_call_arguments_are_named {
} ax__named_args;
#if defined(__clang__)
#define AX__DESIGNATED
#else
#define AX__DESIGNATED __attribute__((designated_init))
#endif

#define AX_ASYNC(fn_, T, ...)                                                 \
	typedef struct AX__DESIGNATED fn_ {                                   \
		ax_frame ax_fr;                                               \
		ax__named_args ax__args;                                      \
		T out;                                                        \
		__VA_ARGS__                                                   \
	} fn_##_t;                                                            \
	static ax_poll_t fn_##__body(fn_##_t *self, ax_cx *cx);               \
	static ax_poll_t fn_##__poll(ax_future *ax__f, ax_cx *ax__cx)         \
	{                                                                     \
		return fn_##__body((fn_##_t *)(void *)ax__f, ax__cx);         \
	}                                                                     \
	static const ax_future_vt fn_##__vt __attribute__((unused)) = {      \
		#fn_, fn_##__poll, ax_frame_drop, sizeof(fn_##_t),            \
		offsetof(fn_##_t, out), sizeof(T),                            \
		AX_VT_FRAME | AX__OUT_FLAGS(T),                               \
	};                                                                    \
	static ax_poll_t fn_##__body(fn_##_t *self, ax_cx *cx)

#if defined(__clang__)
#define AX__PRAGMA_NAMED_ARGS
#else
#define AX__PRAGMA_NAMED_ARGS                                               \
	_Pragma("GCC diagnostic error \"-Wdesignated-init\"")
#endif
/* Make a call of an async function: a future, not yet polled, with the
 * named arguments set and every other field zero.  Arguments are named
 * (AX_CALL(fetch, .id = 7)): a positional one is a compile error, since it
 * would land in the future's header. */
#define AX_CALL(fn_, ...)                                                   \
	({                                                                  \
		_Pragma("GCC diagnostic push")                              \
		AX__PRAGMA_NAMED_ARGS                                       \
		fn_##_t ax__call = { .ax_fr = { .base.vt = &fn_##__vt },    \
			__VA_ARGS__ }; /* AX_CALL(fn, .name = value) */     \
		_Pragma("GCC diagnostic pop")                               \
		if (__builtin_expect(AX__HOOKS() != NULL, 0))               \
			ax__future_created(&ax__call.ax_fr.base, AX_HERE);  \
		ax__call;                                                   \
	})

/* clang rejects an indirect goto in a function that takes no label's
 * address, which is the case of an async function without an await:
 * AX__BEGIN_MARK takes one. */
#if defined(__clang__)
#define AX__BEGIN_MARK                                                      \
	(void)&&ax__begin;                                                  \
	ax__begin:;
#else
#define AX__BEGIN_MARK
#endif

/* AX_BEGIN declares the marker that AX_AWAIT, AX_RETURN and AX_EXIT use: a
 * body without AX_BEGIN (which would restart on every poll) does not
 * compile ("ax_async_body_needs_AX_BEGIN" undeclared). */
#define AX__BEGUN ((void)ax_async_body_needs_AX_BEGIN)
#define AX_BEGIN                                                            \
	enum { ax_async_body_needs_AX_BEGIN = 1 };                          \
	do {                                                                \
		(void)cx;                                                   \
		if (self->ax_fr.resume)                                     \
			goto *self->ax_fr.resume;                           \
		AX__BEGIN_MARK                                              \
	} while (0)

#define AX_RETURN(v)                                                        \
	do {                                                                \
		AX__BEGUN;                                                  \
		self->out = (v);                                            \
		ax__frame_return(&self->ax_fr, AX_HERE);                    \
		return AX_READY;                                            \
	} while (0)

/* Finish an async function without a value (also the end of the body). */
#define AX_EXIT                                                             \
	do {                                                                \
		AX__BEGUN;                                                  \
		ax__frame_return(&self->ax_fr, AX_HERE);                    \
		return AX_READY;                                            \
	} while (0)

#define AX_END AX_EXIT

#if defined(__clang__)
#define AX__SET_RESUME(l) (self->ax_fr.resume = &&l)
#else
/* gcc 12 wrongly reports a label address stored in the frame as a
 * dangling pointer. */
#define AX__SET_RESUME(l)                                                   \
	_Pragma("GCC diagnostic push")                                      \
	_Pragma("GCC diagnostic ignored \"-Wdangling-pointer\"")            \
	(self->ax_fr.resume = &&l);                                         \
	_Pragma("GCC diagnostic pop")
#endif

#define AX__CAT(a, b) a##b
#define AX__LBL(n) AX__CAT(ax__resume_, n)

/* The awaited expression is a future by value (a struct that begins with
 * an ax_future): AX_CALL(...), ax_sleep_ms(...), AX_JOIN(...).  A boxed
 * future (an ax_future *, e.g. from AX_BOX) is awaited with AX_AWAIT_BOX.
 * The label sits inside the block of the copy so that the expression is
 * expanded once (one error message for one mistake); jumping into that
 * block skips only the copy's initialisation, which is not read again. */
#define AX__IS_PTR(x) (__builtin_classify_type(x) == 5)
#define AX__IS_STRUCT(x) (__builtin_classify_type(x) == 12)
#define AX__AWAIT(expr, take, n)                                            \
	do {                                                                \
		AX__BEGUN;                                                  \
		__auto_type ax__cv = (expr);                                \
		_Static_assert(!AX__IS_PTR(ax__cv),                         \
			       "AX_AWAIT needs a future by value; for a "   \
			       "boxed future (ax_future *) use AX_AWAIT_BOX"); \
		_Static_assert(AX__IS_STRUCT(ax__cv) || AX__IS_PTR(ax__cv),  \
			       "AX_AWAIT needs a future by value "          \
			       "(AX_CALL(...), ax_sleep_ms(...), ...)");    \
		self->ax_fr.child = ax__box(                                \
			(ax_future *)(void *)&ax__cv, sizeof ax__cv);       \
		AX__AWAIT_POLL(n);                                          \
		take;                                                       \
		AX__AWAIT_DONE;                                             \
	} while (0)
#define AX__AWAIT_POLL(n)                                                   \
	self->ax_fr.await_site = AX_HERE;                                   \
	AX__SET_RESUME(AX__LBL(n));                                         \
	AX__LBL(n) :                                                        \
	if (ax_poll(self->ax_fr.child, cx) == AX_PENDING)                   \
		return AX_PENDING
#define AX__AWAIT_DONE                                                      \
	ax_future_free(self->ax_fr.child);                                  \
	self->ax_fr.child = NULL;                                           \
	self->ax_fr.await_site = NULL

/* expr.await, discarding the output. */
#define AX_AWAIT(expr) AX__AWAIT(expr, (void)0, __COUNTER__)
/* dst = expr.await */
#define AX_AWAIT_TO(dst, expr)                                              \
	AX__AWAIT(expr,                                                     \
		  (dst) = ((__typeof__(ax__cv) *)(void *)self->ax_fr.child)->out, \
		  __COUNTER__)

/* boxed.await for a boxed future (an ax_future * from AX_BOX or a
 * function that returns one), which the await takes over (frees).  A NULL
 * box (allocation failure) aborts with a message. */
void ax_future_take(const ax_future *f, void *dst);
void ax__await_box_check(const ax_future *f, size_t out_size,
			 const ax_site *site);
#define AX__AWAIT_BOX(p, take, size, n)                                     \
	do {                                                                \
		AX__BEGUN;                                                  \
		ax_future *ax__bx = (p);                                    \
		_Static_assert(__builtin_types_compatible_p(                \
				       __typeof__(p), ax_future *),         \
			       "AX_AWAIT_BOX needs an ax_future * "         \
			       "(a future by value takes AX_AWAIT)");       \
		ax__await_box_check(ax__bx, (size), AX_HERE);               \
		self->ax_fr.child = ax__bx;                                 \
		AX__AWAIT_POLL(n);                                          \
		take;                                                       \
		AX__AWAIT_DONE;                                             \
	} while (0)
#define AX_AWAIT_BOX(p) AX__AWAIT_BOX(p, (void)0, 0, __COUNTER__)
/* dst = boxed.await: the future's output must be dst's size (checked when
 * the await starts; a mismatch aborts naming the line). */
#define AX_AWAIT_BOX_TO(dst, p)                                             \
	AX__AWAIT_BOX(p, ax_future_take(self->ax_fr.child, &(dst)),         \
		      sizeof(dst), __COUNTER__)

/* ------------------------------------------------------------------------
 * Runtime and executor
 * ------------------------------------------------------------------------ */

typedef enum ax_clock { AX_CLOCK_REAL = 0, AX_CLOCK_VIRTUAL = 1 } ax_clock;

typedef struct ax_rt_opts {
	ax_clock clock;		/* default: ASYNCLAB_CLOCK=real|virtual, else real */
	uint64_t seed;		/* 0: FIFO order; else ready tasks are reordered
				   pseudo-randomly from this seed (ASYNCLAB_SEED) */
	int blocking_threads;	/* spawn_blocking pool size (ASYNCLAB_BLOCKING_THREADS, default 4) */
	int blocking_queue;	/* pending jobs before spawn_blocking waits (default 1024) */
	int workers;		/* worker threads that run tasks: 0 or 1, the
				   calling thread (in block_on); N > 1, N threads
				   of the runtime's own that steal work from each
				   other, while block_on's caller only waits
				   (ASYNCLAB_WORKERS when opts is NULL; at most
				   AX_MAX_WORKERS).  See docs/runtime.md. */
} ax_rt_opts;

#define AX_MAX_WORKERS 64

/* Create a runtime on the calling thread.  opts may be NULL: defaults and
 * the environment.  Returns NULL on failure (errno set). */
ax_rt *ax_rt_new(const ax_rt_opts *opts);
/* The options ax_rt_new(NULL) takes from the environment (ASYNCLAB_CLOCK,
 * ASYNCLAB_SEED, ASYNCLAB_BLOCKING_THREADS, ASYNCLAB_WORKERS), for a
 * program that changes one of them and passes the rest on. */
ax_rt_opts ax_rt_opts_env(void);
/* Shut down: every task still alive is dropped (its future cancelled),
 * then the runtime is freed.  Returns the number of tasks that were still
 * alive, or a negative errno. */
int ax_rt_free(ax_rt *rt);
/* The runtime of the calling thread, or NULL. */
ax_rt *ax_rt_current(void);

typedef struct ax_rt_stats {
	uint64_t live_tasks;	  /* spawned and not yet freed */
	uint64_t spawned;	  /* tasks ever spawned */
	uint64_t polls;		  /* task polls */
	uint64_t timers;	  /* timers registered */
	uint64_t io_waiters;	  /* descriptors waited on */
	uint64_t blocking_jobs;	  /* spawn_blocking jobs queued or running */
	uint64_t boxed_futures;	  /* ax__box allocations not yet freed (all runtimes) */
	uint64_t now_ns;	  /* the runtime's clock */
	int deadlocked;		  /* block_on found every task asleep with nothing to wake one */
	uint32_t workers;	  /* worker threads (1: the calling thread) */
	uint64_t steals;	  /* with N workers: times a worker stole from another */
	uint64_t stolen;	  /* tasks moved by those steals */
} ax_rt_stats;
void ax_rt_stats_get(ax_rt *rt, ax_rt_stats *st);

/* Run fut (a future by value) as the root task until it completes and
 * return its output.  If the runtime deadlocks (virtual clock: every task
 * waits and no timer, descriptor or blocking job can wake one) it returns
 * with the output zeroed and ax_rt_stats.deadlocked set; AX_BLOCK_ON_TO
 * below also says why a run ended without an output. */
int ax__block_on(ax_rt *rt, ax_future *fut, size_t size, const ax_site *site);
#define AX_BLOCK_ON(rt, expr)                                                 \
	({                                                                    \
		__auto_type ax__root = (expr);                                \
		ax__block_on((rt), (ax_future *)(void *)&ax__root,            \
			     sizeof ax__root, AX_HERE);                       \
		ax__root.out;                                                 \
	})

/* The same, without losing how it ended: stores fut's output in dst and
 * evaluates to 0 when it completed; else to -EDEADLK (nothing can ever
 * wake a task; ax_rt_stats.deadlocked is set too), -EOVERFLOW (its
 * futures nest deeper than the stack allows) or -ENOMEM (the root task
 * could not be made), with dst zeroed.
 *   int n;
 *   int err = AX_BLOCK_ON_TO(rt, n, AX_CALL(count_all));
 *   if (err) fprintf(stderr, "count_all: %s\n", strerror(-err)); */
#define AX_BLOCK_ON_TO(rt, dst, expr)                                         \
	({                                                                    \
		__auto_type ax__root = (expr);                                \
		int ax__err = ax__block_on((rt), (ax_future *)(void *)&ax__root, \
					   sizeof ax__root, AX_HERE);         \
		(dst) = ax__root.out;                                         \
		ax__err;                                                      \
	})

/* Create a runtime from the environment, run expr on it, free it. */
#define AX_RUN(expr)                                                          \
	({                                                                    \
		ax_rt *ax__rt = ax_rt_new(NULL);                              \
		__auto_type ax__out = AX_BLOCK_ON(ax__rt, expr);              \
		ax_rt_free(ax__rt);                                           \
		ax__out;                                                      \
	})

/* Spawn a future (by value) as a task on the current runtime.  Returns
 * its JoinHandle, owned by the caller: await it with ax_join, or give it
 * up with ax_task_detach.  NULL on allocation failure.  The handle hands
 * on the output as combinators carry it (see ax_val), so a future whose
 * output cannot be carried (a struct, a double, a join's ax_vals) is a
 * compile error here; a task whose output nobody needs is spawned with
 * AX_SPAWN_DISCARD (a handle that says how it ended) or AX_SPAWN_DETACHED
 * (no handle), which take any output. */
ax_task *ax__spawn(ax_future *fut, size_t size, const char *name,
		   const ax_site *site);
#define AX__SPAWN(name, expr, chk)                                          \
	({                                                                  \
		__typeof__(expr) ax__sv = (expr);                           \
		chk(ax__sv);                                                \
		ax__spawn((ax_future *)(void *)&ax__sv, sizeof ax__sv,      \
			  (name), AX_HERE);                                 \
	})
#define AX__SPAWN_CHECK(sv)                                                 \
	_Static_assert(AX__CARRIED_T(__typeof__((sv).out)),                  \
		       "AX_SPAWN: the output of this future cannot be carried " \
		       "by its JoinHandle (only an integer or pointer of at " \
		       "most 8 bytes, ax_res, ax_opt or ax_unit); return "  \
		       "one (a pointer to the struct, an ax_res), or spawn " \
		       "it with AX_SPAWN_DISCARD or AX_SPAWN_DETACHED if " \
		       "its output is not needed")
#define AX__SPAWN_NOCHECK(sv)
#define AX_SPAWN_NAMED(name, expr) AX__SPAWN(name, expr, AX__SPAWN_CHECK)
#define AX_SPAWN(expr) AX_SPAWN_NAMED(NULL, expr)
/* Spawn a future of any output and keep a handle that says only how the
 * task ended: awaiting it gives val 0 and err 0 once it completed (its
 * output discarded), -ECANCELED when it was aborted.  For a task kept to
 * be aborted or waited for, whose output is not needed (a spawned join
 * or select). */
void ax__task_discard_output(ax_task *h);
#define AX_SPAWN_DISCARD(expr)                                              \
	({                                                                  \
		ax_task *ax__dh = AX__SPAWN(NULL, expr, AX__SPAWN_NOCHECK); \
		ax__task_discard_output(ax__dh);                            \
		ax__dh;                                                     \
	})
/* Spawn and give up the handle at once (tokio::spawn with the JoinHandle
 * dropped): the task runs on, its output (of any type) is discarded.
 * Evaluates to true, or false when the task could not be made (out of
 * memory). */
int ax__spawn_detached(ax_future *fut, size_t size, const char *name,
		       const ax_site *site);
#define AX_SPAWN_DETACHED(expr)                                             \
	({                                                                  \
		__typeof__(expr) ax__sv = (expr);                           \
		ax__spawn_detached((ax_future *)(void *)&ax__sv,            \
				   sizeof ax__sv, NULL, AX_HERE) != 0;      \
	})

/* Spawn a daemon: a detached task (as AX_SPAWN_DETACHED) meant to run in
 * the background until its runtime shuts down, such as a metrics loop.
 * Evaluates to true, or false when the task could not be made. */
#define AX_SPAWN_DAEMON(expr)                                               \
	({                                                                  \
		ax_task *ax__dh = AX__SPAWN(NULL, expr, AX__SPAWN_NOCHECK); \
		if (ax__dh)                                                 \
			ax_task_daemon(ax__dh);                             \
		ax__dh != NULL;                                             \
	})

/* Give up a JoinHandle: the task runs on, its output is discarded. */
void ax_task_detach(ax_task *h);
/* Give up a JoinHandle as ax_task_detach does, and mark the task as a
 * daemon: an intentional background task.  One still pending when its
 * runtime shuts down is dropped like any pending task, and the checker
 * reports its leaked-task finding as suppressed ("daemon"). */
void ax_task_daemon(ax_task *h);
/* Ask the task to stop: its future is dropped (not polled again) the next
 * time the executor reaches it, and awaiting the handle gives -ECANCELED.
 * Aborting a finished task does nothing. */
void ax_task_abort(ax_task *h);
bool ax_task_is_finished(const ax_task *h);
const char *ax_task_name(const ax_task *t);
/* A number unique within the runtime, in spawn order from 1. */
uint64_t ax_task_id(const ax_task *t);
/* Where the task is suspended: the await site of its innermost frame, or
 * NULL. */
const ax_site *ax_task_await_site(const ax_task *t);
/* The task being polled on this thread, or NULL outside a poll. */
ax_task *ax_task_current(void);

/* await handle: out is the task's output as combinators carry it (see
 * ax_val: its val, and its ax_res's err, -ENODATA for an ax_opt that is
 * none, -EOVERFLOW for an output that cannot be carried), or out.err is
 * -ECANCELED when the task was aborted.  The join future owns the handle;
 * dropping it detaches the task. */
typedef struct ax_join_t {
	ax_future base;
	ax_res out;
	ax_task *task;
} ax_join_t;
ax_join_t ax_join(ax_task *h) __attribute__((warn_unused_result));
/* A handle is awaited once: a second ax_join of it aborts with a message
 * naming the line (JoinHandle awaited twice). */
ax_join_t ax__join(ax_task *h, const ax_site *site)
	__attribute__((warn_unused_result));
#define ax_join(h) ax__join((h), AX_HERE)

/* Give up the CPU once: the task goes to the back of the run queue. */
typedef struct ax_yield_t {
	ax_future base;
	ax_unit out;
} ax_yield_t;
ax_yield_t ax_yield(void) __attribute__((warn_unused_result));

/* A set of tasks that ends with its owner: ax_taskset_free (or dropping
 * the frame that owns it, see AX_TASKSET_OWN) aborts every child still
 * running.  AX_TASKSET_SPAWN returns the child (the set holds its
 * handle: not one to join or detach), NULL on allocation failure.
 * ax_taskset_join_next hands on a child's output as the ax_val of an
 * ax_opt (see ax_val; an ax_res gives its val), so a future whose output
 * cannot be carried (a struct, a double, a join's ax_vals) is a compile
 * error here; a child whose output nobody needs is spawned with
 * AX_TASKSET_SPAWN_DISCARD, which takes any output and yields val 0. */
typedef struct ax_taskset ax_taskset;
ax_taskset *ax_taskset_new(void);
void ax_taskset_free(ax_taskset *ts);
ax_task *ax__taskset_spawn(ax_taskset *ts, ax_future *fut, size_t size,
			   const char *name, const ax_site *site);
#define AX__TASKSET_SPAWN(ts, expr, chk)                                    \
	({                                                                  \
		__typeof__(expr) ax__tv = (expr);                           \
		chk(ax__tv);                                                \
		ax__taskset_spawn((ts), (ax_future *)(void *)&ax__tv,       \
				  sizeof ax__tv, NULL, AX_HERE);            \
	})
#define AX__TASKSET_SPAWN_CHECK(tv)                                         \
	_Static_assert(AX__CARRIED_T(__typeof__((tv).out)),                  \
		       "AX_TASKSET_SPAWN: the output of this future cannot " \
		       "be carried by ax_taskset_join_next (an ax_opt: only " \
		       "an integer or pointer of at most 8 bytes, ax_res, " \
		       "ax_opt or ax_unit); return one (a pointer to the " \
		       "struct, an int), or spawn it with "                 \
		       "AX_TASKSET_SPAWN_DISCARD if its output is not needed")
#define AX_TASKSET_SPAWN(ts, expr)                                          \
	AX__TASKSET_SPAWN(ts, expr, AX__TASKSET_SPAWN_CHECK)
/* A child of any output, discarded: ax_taskset_join_next yields it as
 * some with val 0 once it finished.  For a child kept only to be waited
 * for or aborted with the set (a spawned join or select). */
#define AX_TASKSET_SPAWN_DISCARD(ts, expr)                                  \
	({                                                                  \
		ax_task *ax__tdh = AX__TASKSET_SPAWN(ts, expr,              \
						     AX__SPAWN_NOCHECK);    \
		ax__task_discard_output(ax__tdh);                           \
		ax__tdh;                                                    \
	})
size_t ax_taskset_len(const ax_taskset *ts); /* children not yet joined */
/* The next child to finish: some with its output as an ax_val (an
 * ax_res child's val; its err is not carried), or !some when the set is
 * empty.  An aborted child yields val 0. */
typedef struct ax_taskset_next_t {
	ax_future base;
	ax_opt out;
	ax_taskset *ts;
} ax_taskset_next_t;
ax_taskset_next_t ax_taskset_join_next(ax_taskset *ts)
	__attribute__((warn_unused_result));
void ax__taskset_free_cb(void *ts);
#define AX_TASKSET_OWN(ts) ax_frame_own(&self->ax_fr, (ts), ax__taskset_free_cb)

/* A guard that aborts its task when the frame that holds it is dropped or
 * finishes (Rust's TaskGuard with Drop calling abort). */
void ax__abort_cb(void *task);
#define AX_ABORT_ON_DROP(h) ax_frame_own(&self->ax_fr, (h), ax__abort_cb)

/* ------------------------------------------------------------------------
 * Time
 * ------------------------------------------------------------------------ */

/* The current runtime's clock in ns: on the real clock, monotonic time
 * since the program started; on the virtual clock, virtual time since the
 * runtime was made (both begin near 0). */
uint64_t ax_now(void);

/* A timer entry embedded in the futures that wait (private fields; a
 * future written by hand waits by embedding an ax_sleep_t and polling it). */
typedef struct ax__timer {
	uint64_t deadline; /* ns on the runtime clock */
	uint64_t seq;	   /* insertion order, breaks ties */
	ax_waker *waker;   /* owned while registered */
	uint32_t heap_idx; /* position in the runtime's heap; UINT32_MAX if none */
} ax__timer;

typedef struct ax_sleep_t {
	ax_future base;
	ax_unit out;
	uint64_t deadline; /* absolute, or relative until the first poll */
	ax__timer timer;
} ax_sleep_t;
ax_sleep_t ax_sleep(uint64_t ns) __attribute__((warn_unused_result));
ax_sleep_t ax_sleep_ms(uint64_t ms) __attribute__((warn_unused_result));
ax_sleep_t ax_sleep_until(uint64_t deadline_ns)
	__attribute__((warn_unused_result));

/* Run child (boxed, owned) with a deadline: out.err is -ETIMEDOUT when the
 * time ran out first (the child is dropped), else the child's output as
 * combinators carry it (see ax_val): its val, and its ax_res's err,
 * -ENODATA for an ax_opt that is none, -EOVERFLOW for an output that
 * cannot be carried. */
typedef struct ax_timeout_t {
	ax_future base;
	ax_res out;
	ax_future *child;
	ax_sleep_t sleep;
} ax_timeout_t;
ax_timeout_t ax_timeout_ms(uint64_t ms, ax_future *child)
	__attribute__((warn_unused_result));
/* AX_TIMEOUT_MS(ms, future-expression) boxes the child; its output must
 * be carried (see ax_val).  To time out a future whose output cannot be
 * carried (a join, a collect, a struct), box it yourself:
 * ax_timeout_ms(ms, AX_BOX(...)) gives err -ETIMEDOUT, or -EOVERFLOW when
 * the child completed in time (its output is lost with it). */
#define AX_TIMEOUT_MS(ms, expr)                                             \
	ax_timeout_ms((ms), AX__BOX_CARRIED(expr, "AX_TIMEOUT_MS",         \
		"to time out a join, a collect or a struct-valued future, " \
		"box it yourself: ax_timeout_ms(ms, AX_BOX(...)) (err "      \
		"-ETIMEDOUT, or -EOVERFLOW once it completed) or await it "  \
		"in an async fn that returns what you need"))

/* A periodic timer; also a stream of tick numbers 1, 2, ... */
typedef struct ax_interval ax_interval;
ax_interval *ax_interval_new(uint64_t period_ms);
void ax_interval_free(ax_interval *iv);
typedef struct ax_tick_t {
	ax_future base;
	uint64_t out; /* the tick number */
	ax_interval *iv;
} ax_tick_t;
ax_tick_t ax_interval_tick(ax_interval *iv) __attribute__((warn_unused_result));
/* A stream view of the interval (owned by the caller; does not own iv). */
ax_stream *ax_interval_stream(ax_interval *iv);

/* ------------------------------------------------------------------------
 * I/O on non-blocking descriptors
 * ------------------------------------------------------------------------ */

/* Set O_NONBLOCK on fd.  Returns 0 or -errno. */
int ax_fd_set_nonblocking(int fd);

/* A descriptor readiness wait embedded in a future (its fields are
 * private; <asynclab/future.h> has the calls). */
typedef struct ax_io_wait {
	int fd;
	uint32_t events;   /* EPOLLIN / EPOLLOUT */
	ax_waker *waker;   /* owned while registered */
	struct ax_io_wait *next;
} ax_io_wait;

typedef struct ax_io_t {
	ax_future base;
	ssize_t out; /* bytes, 0 at end of file, or -errno */
	int fd;
	void *buf;
	size_t len;
	size_t done;
	ax_io_wait wait;
} ax_io_t;
/* Read at most len bytes (one read). */
ax_io_t ax_read(int fd, void *buf, size_t len) __attribute__((warn_unused_result));
/* Write at most len bytes (one write). */
ax_io_t ax_write(int fd, const void *buf, size_t len)
	__attribute__((warn_unused_result));
/* Write all len bytes, or fail. */
ax_io_t ax_write_all(int fd, const void *buf, size_t len)
	__attribute__((warn_unused_result));
/* Read exactly len bytes (out < len only at end of file). */
ax_io_t ax_read_exact(int fd, void *buf, size_t len)
	__attribute__((warn_unused_result));

typedef struct ax_accept_t {
	ax_future base;
	int out; /* the accepted descriptor (non-blocking) or -errno */
	int fd;
	ax_io_wait wait;
} ax_accept_t;
ax_accept_t ax_accept(int listen_fd) __attribute__((warn_unused_result));

typedef struct ax_connect_t {
	ax_future base;
	int out; /* 0 or -errno */
	int fd;
	struct sockaddr_storage addr;
	socklen_t addrlen;
	int started;
	ax_io_wait wait;
} ax_connect_t;
/* Connect fd (non-blocking socket) to addr. */
ax_connect_t ax_connect(int fd, const struct sockaddr *addr, socklen_t len)
	__attribute__((warn_unused_result));

/* ------------------------------------------------------------------------
 * Blocking work
 * ------------------------------------------------------------------------ */

typedef ax_val (*ax_blocking_fn)(void *arg);
typedef struct ax__job ax__job;
/* Start up to n workers of rt's blocking pool now (never more than its
 * blocking_threads), instead of one at a time as spawn_blocking needs
 * them: the poll that first hands a job to an idle pool then does not pay
 * for starting a thread.  Call it outside any task.  Returns the number
 * of workers running, or a negative errno. */
int ax_blocking_prestart(ax_rt *rt, int n);
/* Run fn(arg) on the runtime's blocking thread pool; the future's output
 * is fn's result.  Dropping the future before the job ran cancels it; a
 * job already running finishes and its result is discarded. */
typedef struct ax_blocking_t {
	ax_future base;
	ax_val out;
	ax_blocking_fn fn;
	void *arg;
	ax__job *job;
} ax_blocking_t;
ax_blocking_t ax_spawn_blocking(ax_blocking_fn fn, void *arg)
	__attribute__((warn_unused_result));

/* ------------------------------------------------------------------------
 * Synchronisation
 * ------------------------------------------------------------------------ */

/* A list node by which a future waits on a primitive (private fields).
 * What the primitive
 * granted (a lock, a permit, a notification) is recorded in the waiting
 * future's base.state, which keeps the node at three words: a task parked
 * on a notify costs the task header plus a 64-byte ax_notified_t. */
typedef struct ax__waiter {
	struct ax__waiter *prev, *next;
	ax_waker *waker; /* owned while queued */
} ax__waiter;

/* Async mutex: FIFO-fair; the lock may be held across awaits. */
typedef struct ax_mutex ax_mutex;
ax_mutex *ax_mutex_new(void);
void ax_mutex_free(ax_mutex *m);
typedef struct ax_lock_t {
	ax_future base;
	ax_unit out;
	ax_mutex *m;
	const ax_site *site; /* the lock call, reported to the lock hook */
	ax__waiter w;
} ax_lock_t;
ax_lock_t ax__mutex_lock(ax_mutex *m, const ax_site *site);
#define ax_mutex_lock(m) ax__mutex_lock((m), AX_HERE)
bool ax_mutex_try_lock(ax_mutex *m);
void ax_mutex_unlock(ax_mutex *m);
void ax__mutex_unlock_cb(void *m);
/* A guard for a lock the frame holds (Rust's MutexGuard): after
 * AX_AWAIT(ax_mutex_lock(m)), AX_MUTEX_GUARD(m) makes the frame unlock m
 * when it finishes or is dropped (an aborted task does not keep the lock).
 * Release it early with AX_MUTEX_UNLOCK(m), never with ax_mutex_unlock. */
#define AX_MUTEX_GUARD(m) ax_frame_own(&self->ax_fr, (m), ax__mutex_unlock_cb)
#define AX_MUTEX_UNLOCK(m) ax_frame_release(&self->ax_fr, (m))

/* Counting semaphore, FIFO. */
typedef struct ax_sem ax_sem;
ax_sem *ax_sem_new(size_t permits);
void ax_sem_free(ax_sem *s);
typedef struct ax_acquire_t {
	ax_future base;
	ax_unit out;
	ax_sem *s;
	ax__waiter w;
} ax_acquire_t;
ax_acquire_t ax_sem_acquire(ax_sem *s) __attribute__((warn_unused_result));
bool ax_sem_try_acquire(ax_sem *s);
void ax_sem_release(ax_sem *s);
size_t ax_sem_available(const ax_sem *s);

/* Notify: notify_one wakes one waiter or stores one permit;
 * notify_waiters wakes every current waiter and stores nothing. */
typedef struct ax_notify ax_notify;
ax_notify *ax_notify_new(void);
void ax_notify_free(ax_notify *n);
void ax_notify_one(ax_notify *n);
void ax_notify_waiters(ax_notify *n);
typedef struct ax_notified_t {
	ax_future base;
	ax_unit out;
	ax_notify *n;
	ax__waiter w;
} ax_notified_t;
ax_notified_t ax_notified(ax_notify *n) __attribute__((warn_unused_result));

/* Oneshot channel: one value from a sender to a receiver. */
typedef struct ax_oneshot ax_oneshot;
ax_oneshot *ax_oneshot_new(void);
void ax_oneshot_free(ax_oneshot *o);
/* 0, or -EPIPE if a value was already sent or the channel is closed. */
int ax_oneshot_send(ax_oneshot *o, ax_val v);
/* The sender gives up without sending: the receiver gets -EPIPE. */
void ax_oneshot_close(ax_oneshot *o);
typedef struct ax_oneshot_recv_t {
	ax_future base;
	ax_res out; /* the value, or err -EPIPE */
	ax_oneshot *o;
	ax_waker *waker;
} ax_oneshot_recv_t;
ax_oneshot_recv_t ax_oneshot_recv(ax_oneshot *o)
	__attribute__((warn_unused_result));

/* Bounded multi-producer channel with backpressure: a send waits while
 * the channel holds cap values.  The receiver is also a stream. */
typedef struct ax_mpsc ax_mpsc;
ax_mpsc *ax_mpsc_new(size_t cap);
void ax_mpsc_free(ax_mpsc *ch);
/* No more sends: the receiver drains what is queued, then sees the end;
 * waiting senders get -EPIPE. */
void ax_mpsc_close(ax_mpsc *ch);
size_t ax_mpsc_len(const ax_mpsc *ch);
typedef struct ax_send_t {
	ax_future base;
	int out; /* 0, or -EPIPE when closed */
	ax_mpsc *ch;
	ax_val v;
	ax__waiter w;
} ax_send_t;
ax_send_t ax_mpsc_send(ax_mpsc *ch, ax_val v) __attribute__((warn_unused_result));
/* 0, -EAGAIN when full, -EPIPE when closed. */
int ax_mpsc_try_send(ax_mpsc *ch, ax_val v);
typedef struct ax_recv_t {
	ax_future base;
	ax_opt out;
	ax_mpsc *ch;
} ax_recv_t;
ax_recv_t ax_mpsc_recv(ax_mpsc *ch) __attribute__((warn_unused_result));
/* A stream view of the receiver (owned by the caller; does not own ch). */
ax_stream *ax_mpsc_stream(ax_mpsc *ch);

/* Cancellation token: cancel() cancels it and every child token. */
typedef struct ax_token ax_token;
ax_token *ax_token_new(void);
/* A child token: cancelled with its parent, or on its own. */
ax_token *ax_token_child(ax_token *parent);
/* Free a token (children stay valid and keep their own state). */
void ax_token_free(ax_token *t);
void ax_token_cancel(ax_token *t);
bool ax_token_is_cancelled(const ax_token *t);
typedef struct ax_cancelled_t {
	ax_future base;
	ax_unit out;
	ax_token *t;
	ax__waiter w;
} ax_cancelled_t;
/* A future that completes once t is cancelled. */
ax_cancelled_t ax_token_cancelled(ax_token *t)
	__attribute__((warn_unused_result));

/* A plain blocking mutex (a pthread mutex that reports to the checker),
 * std::sync::Mutex.  Holding it across an await is the lock-across-await
 * anti-pattern.  ax_bmutex_trylock takes it only when that needs no wait
 * and says whether it did (Mutex::try_lock). */
typedef struct ax_bmutex ax_bmutex;
ax_bmutex *ax_bmutex_new(void);
void ax_bmutex_free(ax_bmutex *m);
void ax__bmutex_lock(ax_bmutex *m, const ax_site *site);
bool ax__bmutex_trylock(ax_bmutex *m, const ax_site *site);
void ax__bmutex_unlock(ax_bmutex *m, const ax_site *site);
#define ax_bmutex_lock(m) ax__bmutex_lock((m), AX_HERE)
#define ax_bmutex_trylock(m) ax__bmutex_trylock((m), AX_HERE)
#define ax_bmutex_unlock(m) ax__bmutex_unlock((m), AX_HERE)

/* A blocking reader-writer lock (a pthread rwlock that reports to the
 * checker), std::sync::RwLock: many readers or one writer.  Like the
 * blocking mutex it must not be held across an await.  The try forms
 * take it only when that needs no wait and say whether they did;
 * ax_brwlock_unlock releases either kind. */
typedef struct ax_brwlock ax_brwlock;
ax_brwlock *ax_brwlock_new(void);
void ax_brwlock_free(ax_brwlock *l);
void ax__brwlock_read(ax_brwlock *l, const ax_site *site);
void ax__brwlock_write(ax_brwlock *l, const ax_site *site);
bool ax__brwlock_try_read(ax_brwlock *l, const ax_site *site);
bool ax__brwlock_try_write(ax_brwlock *l, const ax_site *site);
void ax__brwlock_unlock(ax_brwlock *l, const ax_site *site);
#define ax_brwlock_read(l) ax__brwlock_read((l), AX_HERE)
#define ax_brwlock_write(l) ax__brwlock_write((l), AX_HERE)
#define ax_brwlock_try_read(l) ax__brwlock_try_read((l), AX_HERE)
#define ax_brwlock_try_write(l) ax__brwlock_try_write((l), AX_HERE)
#define ax_brwlock_unlock(l) ax__brwlock_unlock((l), AX_HERE)

/* ------------------------------------------------------------------------
 * Combinators.  Children are boxed futures (AX_BOX) owned by the
 * combinator; at most AX_JOIN_MAX of them, except for the join into
 * destinations (ax_join_into), which has no limit.
 * ------------------------------------------------------------------------ */

#define AX_JOIN_MAX 16

/* All complete: out.val[i] is child i's output (see ax_val: an ax_opt
 * that is none gives 0).  err is 0, or -EINVAL (n out of range) or
 * -ENOMEM (a NULL child) when the join could not run (then every child
 * has been dropped), or -EOVERFLOW once all are done when a child's output
 * could not be carried (its val is 0). */
typedef struct ax_vals {
	ax_val val[AX_JOIN_MAX];
	int n;
	int err;
} ax_vals;
typedef struct ax_join_all_t {
	ax_future base;
	ax_vals out;
	ax_future *child[AX_JOIN_MAX];
	uint32_t done_mask;
	uint32_t lost_mask; /* children whose output could not be carried */
	int n;
} ax_join_all_t;
ax_join_all_t ax_join_all(int n, ax_future *const *children)
	__attribute__((warn_unused_result));

/* First error wins: err is that child's error, failed its index (-1 when
 * all succeeded); the other children are dropped at once.  A child's
 * error is its ax_res's err, -ENODATA for an ax_opt that is none (like
 * Rust's ? on an Option) and -EOVERFLOW for an output that cannot be
 * carried.  n out of range gives err -EINVAL (failed -1), a NULL child err
 * -ENOMEM (failed its index). */
typedef struct ax_try_vals {
	ax_val val[AX_JOIN_MAX];
	int n;
	int err;
	int failed;
} ax_try_vals;
typedef struct ax_try_join_t {
	ax_future base;
	ax_try_vals out;
	ax_future *child[AX_JOIN_MAX];
	uint32_t done_mask;
	int n;
} ax_try_join_t;
ax_try_join_t ax_try_join(int n, ax_future *const *children)
	__attribute__((warn_unused_result));

/* First to complete wins; the others are dropped at once, before the
 * select is READY.  Ties go to the lowest index.  n out of range (or 0)
 * gives err -EINVAL and index -1, a NULL child err -ENOMEM and index -1. */
typedef struct ax_selected {
	ax_val val;
	int err;   /* the winner's error: its ax_res's err, -ENODATA for an
		      ax_opt that is none, -EOVERFLOW for an output that
		      cannot be carried (see ax_val) */
	int index; /* which child won */
} ax_selected;
typedef struct ax_select_t {
	ax_future base;
	ax_selected out;
	ax_future *child[AX_JOIN_MAX];
	int n;
} ax_select_t;
ax_select_t ax_select(int n, ax_future *const *children)
	__attribute__((warn_unused_result));

/* Variadic forms: AX_JOIN(f1, f2, ...) boxes each future expression. */
/* The number of arguments, up to 64 (AX__NARG_MAX). */
#define AX__NARG_MAX 64
#define AX__NARG(...) AX__NARG_(__VA_ARGS__, 64, 63, 62, 61, 60, 59, 58, 57, 56, 55, 54, 53, 52, 51, 50, 49, 48, 47, 46, 45, 44, 43, 42, 41, 40, 39, 38, 37, 36, 35, 34, 33, 32, 31, 30, 29, 28, 27, 26, 25, 24, 23, 22, 21, 20, 19, 18, 17, 16, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1)
#define AX__NARG_(_1, _2, _3, _4, _5, _6, _7, _8, _9, _10, _11, _12, _13, _14, _15, _16, _17, _18, _19, _20, _21, _22, _23, _24, _25, _26, _27, _28, _29, _30, _31, _32, _33, _34, _35, _36, _37, _38, _39, _40, _41, _42, _43, _44, _45, _46, _47, _48, _49, _50, _51, _52, _53, _54, _55, _56, _57, _58, _59, _60, _61, _62, _63, _64, N, ...) N
#define AX__B1(w, f, a) AX__BOX_CARRIED(a, w, f)
#define AX__B2(w, f, a, ...) AX__BOX_CARRIED(a, w, f), AX__B1(w, f, __VA_ARGS__)
#define AX__B3(w, f, a, ...) AX__BOX_CARRIED(a, w, f), AX__B2(w, f, __VA_ARGS__)
#define AX__B4(w, f, a, ...) AX__BOX_CARRIED(a, w, f), AX__B3(w, f, __VA_ARGS__)
#define AX__B5(w, f, a, ...) AX__BOX_CARRIED(a, w, f), AX__B4(w, f, __VA_ARGS__)
#define AX__B6(w, f, a, ...) AX__BOX_CARRIED(a, w, f), AX__B5(w, f, __VA_ARGS__)
#define AX__B7(w, f, a, ...) AX__BOX_CARRIED(a, w, f), AX__B6(w, f, __VA_ARGS__)
#define AX__B8(w, f, a, ...) AX__BOX_CARRIED(a, w, f), AX__B7(w, f, __VA_ARGS__)
#define AX__B9(w, f, a, ...) AX__BOX_CARRIED(a, w, f), AX__B8(w, f, __VA_ARGS__)
#define AX__B10(w, f, a, ...) AX__BOX_CARRIED(a, w, f), AX__B9(w, f, __VA_ARGS__)
#define AX__B11(w, f, a, ...) AX__BOX_CARRIED(a, w, f), AX__B10(w, f, __VA_ARGS__)
#define AX__B12(w, f, a, ...) AX__BOX_CARRIED(a, w, f), AX__B11(w, f, __VA_ARGS__)
#define AX__B13(w, f, a, ...) AX__BOX_CARRIED(a, w, f), AX__B12(w, f, __VA_ARGS__)
#define AX__B14(w, f, a, ...) AX__BOX_CARRIED(a, w, f), AX__B13(w, f, __VA_ARGS__)
#define AX__B15(w, f, a, ...) AX__BOX_CARRIED(a, w, f), AX__B14(w, f, __VA_ARGS__)
#define AX__B16(w, f, a, ...) AX__BOX_CARRIED(a, w, f), AX__B15(w, f, __VA_ARGS__)
/* Beyond AX_JOIN_MAX children the list is left empty: AX__LIST's static
 * assertion is the one error. */
#define AX__B17(w, f, ...)
#define AX__B18(w, f, ...)
#define AX__B19(w, f, ...)
#define AX__B20(w, f, ...)
#define AX__B21(w, f, ...)
#define AX__B22(w, f, ...)
#define AX__B23(w, f, ...)
#define AX__B24(w, f, ...)
#define AX__B25(w, f, ...)
#define AX__B26(w, f, ...)
#define AX__B27(w, f, ...)
#define AX__B28(w, f, ...)
#define AX__B29(w, f, ...)
#define AX__B30(w, f, ...)
#define AX__B31(w, f, ...)
#define AX__B32(w, f, ...)
#define AX__B33(w, f, ...)
#define AX__B34(w, f, ...)
#define AX__B35(w, f, ...)
#define AX__B36(w, f, ...)
#define AX__B37(w, f, ...)
#define AX__B38(w, f, ...)
#define AX__B39(w, f, ...)
#define AX__B40(w, f, ...)
#define AX__B41(w, f, ...)
#define AX__B42(w, f, ...)
#define AX__B43(w, f, ...)
#define AX__B44(w, f, ...)
#define AX__B45(w, f, ...)
#define AX__B46(w, f, ...)
#define AX__B47(w, f, ...)
#define AX__B48(w, f, ...)
#define AX__B49(w, f, ...)
#define AX__B50(w, f, ...)
#define AX__B51(w, f, ...)
#define AX__B52(w, f, ...)
#define AX__B53(w, f, ...)
#define AX__B54(w, f, ...)
#define AX__B55(w, f, ...)
#define AX__B56(w, f, ...)
#define AX__B57(w, f, ...)
#define AX__B58(w, f, ...)
#define AX__B59(w, f, ...)
#define AX__B60(w, f, ...)
#define AX__B61(w, f, ...)
#define AX__B62(w, f, ...)
#define AX__B63(w, f, ...)
#define AX__B64(w, f, ...)
#define AX__BOXALL(n, w, f, ...) AX__CAT(AX__B, n)(w, f, __VA_ARGS__)
#define AX__LIST(w, f, ...)                                                 \
	({                                                                  \
		_Static_assert(AX__NARG(__VA_ARGS__) <= AX_JOIN_MAX,        \
			       w ": at most AX_JOIN_MAX (16) children; for " \
			       "more, join into destinations with "         \
			       "AX_JOIN_INTO or ax_join_into (no limit)");  \
		AX__NARG(__VA_ARGS__);                                      \
	}),                                                                 \
		(ax_future *const[]){ AX__BOXALL(AX__NARG(__VA_ARGS__), w, f, \
						 __VA_ARGS__) }
#define AX__LIST_FIX                                                        \
	"await it in an async fn that returns an integer, a pointer or an " \
	"ax_res made from it, and pass that"
#define AX_JOIN(...) ax_join_all(AX__LIST("AX_JOIN", AX__LIST_FIX, __VA_ARGS__))
#define AX_TRY_JOIN(...)                                                    \
	ax_try_join(AX__LIST("AX_TRY_JOIN", AX__LIST_FIX, __VA_ARGS__))
#define AX_SELECT(...) ax_select(AX__LIST("AX_SELECT", AX__LIST_FIX, __VA_ARGS__))

/* Join into destinations: every child runs to completion and its output
 * (vt->out_size bytes) is copied to its destination the moment it
 * finishes, so outputs keep their own types (structs included) and there
 * is no limit on the number of children.  out is 0, or -ENOMEM when a
 * child is NULL or the join's own arrays could not be allocated (every
 * child has then been dropped and no destination written), -EINVAL for
 * n < 0.  A NULL destination discards that child's output.  Destinations
 * must stay valid while the join runs (fields of the awaiting frame do:
 * the frame is pinned); when the join is dropped before it completes, the
 * children that finished have written theirs and the others are dropped. */
typedef struct ax_into {
	ax_future *child; /* boxed, owned by the join */
	void *dst;	  /* child->vt->out_size bytes, or NULL */
} ax_into;
typedef struct ax_join_into_t {
	ax_future base;
	int out;
	int n;
	int left;     /* children not yet finished */
	ax_into *ent; /* n entries, owned (a child is NULL once finished) */
} ax_join_into_t;
ax_join_into_t ax_join_into(int n, const ax_into *pairs)
	__attribute__((warn_unused_result));
/* AX_JOIN_INTO(&dst1, fut1, &dst2, fut2, ...): each future expression is
 * boxed, and each destination must point to the type of that future's
 * output (a compile error otherwise).  Up to AX_JOIN_INTO_MAX pairs; for
 * more, build the ax_into array and call ax_join_into.
 *   AX_AWAIT(AX_JOIN_INTO(&self->a, AX_CALL(fetch, .id = 1),
 *                         &self->b, AX_CALL(fetch, .id = 2)));          */
#define AX_JOIN_INTO_MAX (AX__NARG_MAX / 2)
#define AX__INTO_CHECK(bv, d, fix)                                          \
	_Static_assert(__builtin_types_compatible_p(__typeof__(d),           \
						    __typeof__((bv).out) *), \
		       "AX_JOIN_INTO: this destination does not point to the " \
		       "type of the future after it; pass &x where x has " \
		       "the output type of that future (T of "            \
		       "AX_ASYNC(f, T, ...))")
#define AX__INTO1(d, f) { AX__BOX1(f, __COUNTER__, AX__INTO_CHECK, d, ), (d) }
#define AX__IP2(d, f) AX__INTO1(d, f)
#define AX__IP4(d, f, ...) AX__INTO1(d, f), AX__IP2(__VA_ARGS__)
#define AX__IP6(d, f, ...) AX__INTO1(d, f), AX__IP4(__VA_ARGS__)
#define AX__IP8(d, f, ...) AX__INTO1(d, f), AX__IP6(__VA_ARGS__)
#define AX__IP10(d, f, ...) AX__INTO1(d, f), AX__IP8(__VA_ARGS__)
#define AX__IP12(d, f, ...) AX__INTO1(d, f), AX__IP10(__VA_ARGS__)
#define AX__IP14(d, f, ...) AX__INTO1(d, f), AX__IP12(__VA_ARGS__)
#define AX__IP16(d, f, ...) AX__INTO1(d, f), AX__IP14(__VA_ARGS__)
#define AX__IP18(d, f, ...) AX__INTO1(d, f), AX__IP16(__VA_ARGS__)
#define AX__IP20(d, f, ...) AX__INTO1(d, f), AX__IP18(__VA_ARGS__)
#define AX__IP22(d, f, ...) AX__INTO1(d, f), AX__IP20(__VA_ARGS__)
#define AX__IP24(d, f, ...) AX__INTO1(d, f), AX__IP22(__VA_ARGS__)
#define AX__IP26(d, f, ...) AX__INTO1(d, f), AX__IP24(__VA_ARGS__)
#define AX__IP28(d, f, ...) AX__INTO1(d, f), AX__IP26(__VA_ARGS__)
#define AX__IP30(d, f, ...) AX__INTO1(d, f), AX__IP28(__VA_ARGS__)
#define AX__IP32(d, f, ...) AX__INTO1(d, f), AX__IP30(__VA_ARGS__)
#define AX__IP34(d, f, ...) AX__INTO1(d, f), AX__IP32(__VA_ARGS__)
#define AX__IP36(d, f, ...) AX__INTO1(d, f), AX__IP34(__VA_ARGS__)
#define AX__IP38(d, f, ...) AX__INTO1(d, f), AX__IP36(__VA_ARGS__)
#define AX__IP40(d, f, ...) AX__INTO1(d, f), AX__IP38(__VA_ARGS__)
#define AX__IP42(d, f, ...) AX__INTO1(d, f), AX__IP40(__VA_ARGS__)
#define AX__IP44(d, f, ...) AX__INTO1(d, f), AX__IP42(__VA_ARGS__)
#define AX__IP46(d, f, ...) AX__INTO1(d, f), AX__IP44(__VA_ARGS__)
#define AX__IP48(d, f, ...) AX__INTO1(d, f), AX__IP46(__VA_ARGS__)
#define AX__IP50(d, f, ...) AX__INTO1(d, f), AX__IP48(__VA_ARGS__)
#define AX__IP52(d, f, ...) AX__INTO1(d, f), AX__IP50(__VA_ARGS__)
#define AX__IP54(d, f, ...) AX__INTO1(d, f), AX__IP52(__VA_ARGS__)
#define AX__IP56(d, f, ...) AX__INTO1(d, f), AX__IP54(__VA_ARGS__)
#define AX__IP58(d, f, ...) AX__INTO1(d, f), AX__IP56(__VA_ARGS__)
#define AX__IP60(d, f, ...) AX__INTO1(d, f), AX__IP58(__VA_ARGS__)
#define AX__IP62(d, f, ...) AX__INTO1(d, f), AX__IP60(__VA_ARGS__)
#define AX__IP64(d, f, ...) AX__INTO1(d, f), AX__IP62(__VA_ARGS__)
/* An odd count has no pairing: its list is left empty and the static
 * assertion below is the one error. */
#define AX__IP1(...)
#define AX__IP3(...)
#define AX__IP5(...)
#define AX__IP7(...)
#define AX__IP9(...)
#define AX__IP11(...)
#define AX__IP13(...)
#define AX__IP15(...)
#define AX__IP17(...)
#define AX__IP19(...)
#define AX__IP21(...)
#define AX__IP23(...)
#define AX__IP25(...)
#define AX__IP27(...)
#define AX__IP29(...)
#define AX__IP31(...)
#define AX__IP33(...)
#define AX__IP35(...)
#define AX__IP37(...)
#define AX__IP39(...)
#define AX__IP41(...)
#define AX__IP43(...)
#define AX__IP45(...)
#define AX__IP47(...)
#define AX__IP49(...)
#define AX__IP51(...)
#define AX__IP53(...)
#define AX__IP55(...)
#define AX__IP57(...)
#define AX__IP59(...)
#define AX__IP61(...)
#define AX__IP63(...)
#define AX_JOIN_INTO(...)                                                   \
	ax_join_into(                                                       \
		({                                                          \
			_Static_assert(AX__NARG(__VA_ARGS__) % 2 == 0,      \
				       "AX_JOIN_INTO takes pairs: &dst, " \
				       "future, &dst, future, ...");        \
			AX__NARG(__VA_ARGS__) / 2;                          \
		}),                                                         \
		(const ax_into[]){ AX__INTO_ALL(AX__NARG(__VA_ARGS__),     \
						__VA_ARGS__) })
#define AX__INTO_ALL(n, ...) AX__CAT(AX__IP, n)(__VA_ARGS__)

/* Retry: make(attempt, ud) returns a fresh boxed future whose output is an
 * ax_res, for attempt = 1, 2, ...  After a failure it sleeps
 * min(max_ms, base_ms * 2^(attempt-1)), with jitter from the runtime's
 * seed when jitter is set (a random delay in [d/2, d]), and stops after
 * max_attempts or when the next attempt would start after deadline_ms
 * (0: none) from the first attempt.  out is the last attempt's result;
 * out.err is -ETIMEDOUT when the deadline stopped it, -ENOMEM when make
 * returned NULL.  max_attempts <= 0 means no limit and max_ms 0 no cap.
 * Each retry future draws its own jitter seed from the runtime's seed, so
 * a run with the same seed repeats the same delays. */
typedef ax_future *(*ax_make_fn)(int attempt, void *ud);
typedef struct ax_retry_opts {
	int max_attempts;
	uint64_t base_ms;
	uint64_t max_ms;
	uint64_t deadline_ms;
	bool jitter;
} ax_retry_opts;
typedef struct ax_retry_t {
	ax_future base;
	ax_res out;
	ax_make_fn make;
	void *ud;
	ax_retry_opts opts;
	int attempt;
	uint64_t start;
	ax_future *child;
	ax_sleep_t sleep;
	uint64_t rng;
} ax_retry_t;
ax_retry_t ax_retry(ax_make_fn make, void *ud, ax_retry_opts opts)
	__attribute__((warn_unused_result));
/* The delay before attempt+1 after attempt failed, as ax_retry computes
 * it; rng is the jitter state (advanced when jitter is set). */
uint64_t ax_retry_delay_ms(const ax_retry_opts *o, int attempt, uint64_t *rng);

/* ------------------------------------------------------------------------
 * Streams: async iterators.  Streams are heap objects owned by whoever
 * holds them; adapters own the stream they wrap.
 * ------------------------------------------------------------------------ */

void ax_stream_free(ax_stream *s);

/* The items of an array (copied). */
ax_stream *ax_stream_from_array(const ax_val *items, size_t n);
/* Items from next(ud, &item) until it returns false. */
ax_stream *ax_stream_from_iter(bool (*next)(void *ud, ax_val *item), void *ud);
/* 0, 1, ..., n-1 */
ax_stream *ax_stream_range(ax_val from, ax_val to);
ax_stream *ax_stream_map(ax_stream *s, ax_val (*fn)(ax_val v, void *ud), void *ud);
ax_stream *ax_stream_filter(ax_stream *s, bool (*fn)(ax_val v, void *ud), void *ud);
ax_stream *ax_stream_take(ax_stream *s, size_t n);
/* Items of s are boxed futures (ax_future * as ax_val), e.g. made by
 * ax_stream_map_call or ax_stream_map_future; run up to n at a time and
 * yield their outputs in the order of s (buffered) or as they complete
 * (buffer_unordered), each as combinators carry it (see ax_val).  A
 * future whose output cannot be carried ends the stream there: the
 * futures still running are dropped, and ax_stream_error (and the err of
 * a collect) says -EOVERFLOW. */
ax_stream *ax_stream_buffered(ax_stream *s, size_t n);
ax_stream *ax_stream_buffer_unordered(ax_stream *s, size_t n);
/* Turn each item into a future: make(item, ud) returns a boxed future. */
ax_stream *ax_stream_map_future(ax_stream *s,
				ax_future *(*make)(ax_val v, void *ud), void *ud);
/* Turn each item into a call of the async function fn_ with the item as
 * its argument `field` (Rust's .map(fetch)):
 *   ax_stream_buffer_unordered(ax_stream_map_call(ids, fetch, id), 2)
 * runs fetch(.id = item) for each item.  The frame is allocated zeroed
 * (every other field 0, as AX_CALL leaves it), the item stored into
 * field converted to its type, and the boxed call is the new item.  The
 * field must be an integer, bool, enum or pointer of at most 8 bytes and
 * fn_'s output one a stream carries (see ax_val): compile errors
 * otherwise.  A call that cannot be allocated is a NULL item
 * (buffered/buffer_unordered yield -ENOMEM for it). */
ax_stream *ax__stream_map_call(ax_stream *s, const ax_future_vt *vt,
			       size_t size, size_t off, size_t fsize,
			       bool is_bool, const ax_site *site);
#define AX__SCALAR_T(T)                                                     \
	(sizeof(T) <= 8 && __builtin_classify_type(*(T *)0) >= 1 &&         \
	 __builtin_classify_type(*(T *)0) <= 5)
#define ax_stream_map_call(s, fn_, field)                                   \
	({                                                                  \
		_Static_assert(AX__SCALAR_T(__typeof__(((fn_##_t *)0)->field)), \
			       "ax_stream_map_call: the item goes into a "  \
			       "field that is not an integer or pointer of " \
			       "at most 8 bytes; name an integer or pointer " \
			       "argument of the async function");           \
		_Static_assert(AX__CARRIED_T(__typeof__(((fn_##_t *)0)->out)), \
			       "ax_stream_map_call: the output of this async " \
			       "function cannot be carried as a stream item " \
			       "(only an integer or pointer of at most 8 "  \
			       "bytes, ax_res, ax_opt or ax_unit); return " \
			       "one (a pointer to the struct, an ax_res)"); \
		ax__stream_map_call(                                        \
			(s), &fn_##__vt, sizeof(fn_##_t),                   \
			offsetof(fn_##_t, field),                           \
			sizeof(((fn_##_t *)0)->field),                      \
			__builtin_types_compatible_p(                       \
				__typeof__(((fn_##_t *)0)->field), bool),   \
			AX_HERE);                                           \
	})

/* Why a stream ended: 0 when it ran out of items, -EOVERFLOW when a
 * buffered / buffer_unordered in it (s itself or an adapter s wraps) met
 * a future whose output cannot be carried as an item.  A stream of
 * ax_next is the caller's: ask it once next gives none. */
int ax_stream_error(const ax_stream *s);

/* stream.next().await */
typedef struct ax_stream_next_t {
	ax_future base;
	ax_opt out;
	ax_stream *s;
} ax_stream_next_t;
ax_stream_next_t ax_next(ax_stream *s) __attribute__((warn_unused_result));

/* Drive a stream to its end (owning it): for each item fn(item, ud) is
 * called; if it returns a boxed future, that future is awaited before the
 * next item.  out is the number of items. */
typedef struct ax_for_each_t {
	ax_future base;
	size_t out;
	ax_stream *s;
	ax_future *(*fn)(ax_val v, void *ud);
	void *ud;
	ax_future *cur;
} ax_for_each_t;
ax_for_each_t ax_stream_for_each(ax_stream *s,
				 ax_future *(*fn)(ax_val v, void *ud), void *ud)
	__attribute__((warn_unused_result));

/* Collect every item (owning the stream).  out.v is malloc'd and owned by
 * the caller (free it); out.n items.  out.err is 0, or the stream's
 * ax_stream_error (-EOVERFLOW: it ended at a future whose output could
 * not be carried; v holds the items before it), or -ENOMEM (v NULL, n 0). */
typedef struct ax_collected {
	ax_val *v;
	size_t n;
	int err;
} ax_collected;
typedef struct ax_collect_t {
	ax_future base;
	ax_collected out;
	ax_stream *s;
	size_t cap;
} ax_collect_t;
ax_collect_t ax_stream_collect(ax_stream *s) __attribute__((warn_unused_result));

#ifdef __cplusplus
}
#endif
#endif /* ASYNCLAB_H */
