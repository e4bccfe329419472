/* finding_ids.h - the checker's finding ids, defined once.  The probe
 * (which names findings in its event stream), the inspector (which
 * renders them and explains the fix) and the lesson engine (which checks
 * that a lesson's manifest names real ids) all expand this one list, so
 * an id added here exists everywhere at once.  Header only, no
 * dependencies: the probe includes it too.
 *
 * AXC_FINDINGS(X) calls X(ENUM, name, summary, fix) once per id, in the
 * order of the table in docs/checker.md (bit i of an id mask is id i):
 *   ENUM     the suffix of the enum constant (AXC_BLOCKING_CALL)
 *   name     the stable kebab-case id printed in reports ("blocking-call")
 *   summary  what it catches, one phrase (--help, SARIF rule text)
 *   fix      how to fix it, one or two sentences
 * Which lesson teaches an id is not the checker's business: lessons declare
 * it (`teaches =` in lesson.ini). */
#ifndef ASYNCLAB_FINDING_IDS_H
#define ASYNCLAB_FINDING_IDS_H

#define AXC_FINDINGS(X)                                                                        \
	X(BLOCKING_CALL, "blocking-call",                                                      \
	  "a blocking call made inside a poll, which stalls every task on the executor",      \
	  "Use the async form of the call (ax_sleep_ms, ax_read, ...) or move it to "          \
	  "ax_spawn_blocking.")                                                                \
	X(STALLED_POLL, "stalled-poll", "a poll that ran longer than the stall threshold",      \
	  "Return to the executor sooner: await instead of waiting, split long work with "     \
	  "ax_yield, or use ax_spawn_blocking.")                                               \
	X(LOCK_ACROSS_AWAIT, "lock-across-await",                                              \
	  "a blocking lock still held when its poll returned pending",                         \
	  "Release the blocking lock before the await, or use the async mutex ax_mutex.")      \
	X(UNBOUNDED_SPAWN, "unbounded-spawn",                                                  \
	  "more live tasks from one spawn site than the limit, or a burst of spawns in one "   \
	  "poll",                                                                              \
	  "Bound the concurrency: a semaphore, a bounded channel or "                          \
	  "ax_stream_buffer_unordered(n).")                                                    \
	X(LOST_WAKER, "lost-waker", "a task returned pending with no waker left that could "   \
	  "wake it",                                                                           \
	  "Before returning AX_PENDING, store a clone of the context's waker where the event " \
	  "that completes the future will wake it.")                                           \
	X(BUSY_WAKE, "busy-wake", "a task that keeps waking itself without making progress",   \
	  "Wake the task only when its event happened, not on every poll; register the "       \
	  "waker and return AX_PENDING.")                                                      \
	X(NEVER_POLLED, "never-polled", "a future created and dropped without ever being "     \
	  "polled",                                                                            \
	  "Await the future (or spawn it); creating a future does nothing until it is "        \
	  "polled.")                                                                           \
	X(LEAKED_TASK, "leaked-task",                                                          \
	  "tasks still pending when the runtime shut down, or every task asleep with nothing " \
	  "to wake one",                                                                       \
	  "Make sure every task can finish: await or abort its join handle, and check that "   \
	  "something will wake it.")                                                           \
	X(IGNORED_CANCEL, "ignored-cancel", "a cancelled task that kept running for many "     \
	  "polls",                                                                             \
	  "Check the cancellation token (or select on ax_token_cancelled) at each step and "   \
	  "return when it fires.")                                                             \
	X(MOVED_FUTURE, "moved-future", "a future polled at a different address than its "     \
	  "first poll",                                                                        \
	  "Do not move a future after its first poll: keep it in its frame or box it.")

#endif /* ASYNCLAB_FINDING_IDS_H */
