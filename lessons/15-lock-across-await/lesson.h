/* Lesson 15: what the lesson provides, and what it calls in your file.
 * Your exercise includes this file; the lesson's harness owns the page
 * view counter and its locks, defines audit, runs main() and runs your
 * count_view() for three requests at once. */
#ifndef LESSON_LOCK_ACROSS_AWAIT_H
#define LESSON_LOCK_ACROSS_AWAIT_H

#include "lesson_kit.h"

/* The page view counter, and two locks that guard it: take one of them
 * (the same one in every count_view) around each read-modify-write. */
extern int views;
extern ax_bmutex *views_lock;	/* a plain, blocking mutex (pthread) */
extern ax_mutex *views_mutex;	/* an async mutex: AX_AWAIT(ax_mutex_lock(m)) */

/* async fn audit(seen): writes the audit record for view number seen
 * (10 ms of I/O). */
AXL_SERVICE(audit, int, int seen;);

/* Yours: async fn count_view(who): counts one page view (adds one to
 * views) and writes its audit record. */
ax_future *axl_entry_count_view(const char *who);

#endif /* LESSON_LOCK_ACROSS_AWAIT_H */

#ifdef AXL_LEARNER_ENTRIES
AXL_ENTRY_ASYNC(count_view, (const char *who), .who = who)
#endif
