/* lesson_kit.h - what a lesson's lesson.h declares with: the services the
 * lesson provides (async functions defined in harness.c that the exercise
 * calls with AX_CALL, as if they were its own) and the entry points by
 * which the harness calls the functions the learner writes.  Included by
 * the exercise (through lesson.h) and by harness.c. */
#ifndef ASYNCLAB_LESSON_KIT_H
#define ASYNCLAB_LESSON_KIT_H

#include <asynclab.h>
#include <stddef.h>

/* Declare a service: the frame of an async function whose body lives in
 * harness.c (AXH_SERVICE there).  Its fields are its arguments and the
 * harness's own bookkeeping; the exercise calls it like any async
 * function: AX_AWAIT_TO(x, AX_CALL(login, .user = "ana")).  Unlike
 * AX_ASYNC, its vtable has external linkage, so the call and the body may
 * sit in different files. */
#define AXL_SERVICE(fn_, T, ...)                                            \
	typedef struct fn_ {                                                \
		ax_frame ax_fr;                                             \
		T out;                                                      \
		__VA_ARGS__                                                 \
	} fn_##_t;                                                          \
	extern const ax_future_vt fn_##__vt

/* Entry points: the harness calls the learner's functions through these,
 * appended by the lesson engine after the exercise (in its translation
 * unit, where the learner's frame types are visible).  lesson.h lists
 * them in a block guarded by AXL_LEARNER_ENTRIES and declares each one's
 * prototype, axl_entry_NAME, for the harness.
 *
 *   AXL_ENTRY_ASYNC(checkout, (const char *user), .user = user)
 *     makes ax_future *axl_entry_checkout(const char *user), a boxed
 *     AX_CALL(checkout, .user = user) of the learner's async function;
 *   AXL_ENTRY_FUTURE(wait_parcel, (mailbox *mb), wait_parcel(mb))
 *     boxes the future a learner's plain constructor returns. */
#define AXL_ENTRY_ASYNC(fn_, params, ...)                                   \
	ax_future *axl_entry_##fn_ params;                                  \
	ax_future *axl_entry_##fn_ params                                   \
	{                                                                   \
		return AX_BOX(AX_CALL(fn_, __VA_ARGS__));                   \
	}
#define AXL_ENTRY_FUTURE(name_, params, expr)                               \
	ax_future *axl_entry_##name_ params;                                \
	ax_future *axl_entry_##name_ params                                 \
	{                                                                   \
		return AX_BOX(expr);                                        \
	}

#endif /* ASYNCLAB_LESSON_KIT_H */
