/* asynclab/future.h - what writing a future or a stream by hand needs
 * beyond <asynclab.h>: building a vtable, wakers, dropping and reading
 * futures embedded in your own, suspending a frame without a child, and
 * waiting for a descriptor to become ready.  Programs that only write async
 * functions and use the library's futures need <asynclab.h> alone.
 *
 * The contract a hand-written future keeps (Rust's Future::poll): poll
 * returns AX_READY once the output field is stored, or AX_PENDING after
 * arranging for cx->waker to be woken; the future does not move after its
 * first poll; drop runs exactly once, ready or not, and leaves the output
 * field intact (combinators and JoinHandles read it after the drop). */
#ifndef ASYNCLAB_FUTURE_H
#define ASYNCLAB_FUTURE_H

#include <asynclab.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------------
 * Vtables
 * ------------------------------------------------------------------------ */

/* Build a vtable for a future type T whose output field is named `out`.
 * The flags that describe the output (AX_VT_RES for an ax_res, AX_VT_OPT
 * for an ax_opt, AX_VT_OPAQUE for an output combinators cannot carry)
 * come from the type of `out` itself; flags_ adds others (0 if none). */
#define AX_VT_OF(T, name_, poll_, drop_, flags_)                               \
	{                                                                      \
		.name = (name_), .poll = (poll_), .drop = (drop_),             \
		.size = sizeof(T), .out_offset = offsetof(T, out),             \
		.out_size = sizeof(((T *)0)->out),                             \
		.flags = (flags_) | AX__OUT_FLAGS(__typeof__(((T *)0)->out))   \
	}
/* The same for a future without an output. */
#define AX_VT_NOOUT(T, name_, poll_, drop_)                                    \
	{                                                                      \
		.name = (name_), .poll = (poll_), .drop = (drop_),             \
		.size = sizeof(T), .out_offset = 0, .out_size = 0, .flags = 0  \
	}

/* ------------------------------------------------------------------------
 * Futures inside futures
 * ------------------------------------------------------------------------ */

/* Drop a future that lives elsewhere (a field of your future, the stack):
 * what ax_future_free does without the free. */
void ax_future_drop(ax_future *f);
/* The output of a ready future as an ax_val (see ax_val), and its error
 * when its output is an ax_res (0 otherwise). */
ax_val ax_future_val(const ax_future *f);
int ax_future_err(const ax_future *f);
/* The output of a ready future as the combinators carry it: an integer or
 * pointer as val (err 0), an ax_res as it is, an ax_opt as its val (err
 * -ENODATA when none), an ax_unit or no output as 0, and an output that
 * cannot be carried (AX_VT_OPAQUE, or a size other than 1, 2, 4 or 8
 * bytes) as err -EOVERFLOW with val 0. */
ax_res ax_future_res(const ax_future *f);
/* Copy the output of a ready future to dst (vt->out_size bytes). */
void ax_future_take(const ax_future *f, void *dst);

/* ------------------------------------------------------------------------
 * Wakers
 * ------------------------------------------------------------------------ */

ax_waker *ax_waker_clone(ax_waker *w);
/* Wake and release w.  Safe from any thread. */
void ax_waker_wake(ax_waker *w);
/* Wake without releasing w.  Safe from any thread. */
void ax_waker_wake_by_ref(ax_waker *w);
void ax_waker_drop(ax_waker *w);
static inline ax_waker *ax_cx_waker(ax_cx *cx)
{
	return cx->waker;
}
/* True when a and b wake the same task (Rust's Waker::will_wake).  A
 * clone is not always the same pointer as its original: compare wakers
 * with this, never with ==. */
static inline bool ax_waker_will_wake(const ax_waker *a, const ax_waker *b)
{
	return ((uintptr_t)a & ~(uintptr_t)1) == ((uintptr_t)b & ~(uintptr_t)1);
}

/* Inside an async function: suspend the frame until it is polled again,
 * without awaiting a child.  The body must have arranged the wake-up
 * itself (kept a clone of cx->waker somewhere that will wake it). */
#define AX_SUSPEND AX__SUSPEND(__COUNTER__)
#define AX__SUSPEND(n)                                                      \
	do {                                                                \
		AX__BEGUN;                                                  \
		self->ax_fr.await_site = AX_HERE;                           \
		AX__SET_RESUME(AX__LBL(n));                                 \
		return AX_PENDING;                                          \
	AX__LBL(n) :;                                                       \
		self->ax_fr.await_site = NULL;                              \
	} while (0)

/* ------------------------------------------------------------------------
 * Descriptor readiness (tokio's AsyncFd)
 * ------------------------------------------------------------------------ */

/* Wake w when fd is ready for events (EPOLLIN and/or EPOLLOUT).  The wait
 * takes w over (pass a clone of cx->waker) and releases it when it fires
 * or ends; on failure w stays yours.  wt is an ax_io_wait embedded in your
 * future: it must stay at one address until the wait fired or
 * ax_io_unwait ended it (call that from the future's drop).  A wait that
 * fired is over: start it again to wait again.  Returns 0 or -errno. */
int ax_io_wait_start(ax_io_wait *wt, int fd, uint32_t events, ax_waker *w);
/* End a wait (started or not, fired or not). */
void ax_io_unwait(ax_io_wait *wt);

/* ------------------------------------------------------------------------
 * Streams by hand
 * ------------------------------------------------------------------------ */

typedef struct ax_stream_vt {
	const char *name;
	/* AX_READY with *item set, AX_DONE at the end, or AX_PENDING after
	 * arranging a wake-up. */
	ax_poll_t (*poll_next)(ax_stream *s, ax_cx *cx, ax_val *item);
	void (*drop)(ax_stream *s); /* release everything, including s */
} ax_stream_vt;
/* A stream begins with this header. */
struct ax_stream {
	const ax_stream_vt *vt;
};
static inline ax_poll_t ax_stream_poll_next(ax_stream *s, ax_cx *cx,
					    ax_val *item)
{
	return s->vt->poll_next(s, cx, item);
}

#ifdef __cplusplus
}
#endif
#endif /* ASYNCLAB_FUTURE_H */
