/* Lesson 8: what the lesson provides, and what it calls in your file.
 * Your exercise includes this file; the lesson's harness defines
 * keepalive, runs main() and calls your session(). */
#ifndef LESSON_CANCEL_DROP_H
#define LESSON_CANCEL_DROP_H

#include "lesson_kit.h"
#include <errno.h>

/* async fn keepalive(name): pings every 50 ms, for ever; it says when it
 * is stopped (dropped). */
AXL_SERVICE(keepalive, int, const char *name;);

/* Yours: async fn session(name, work_ms): keeps a keepalive running for
 * as long as the session lives, and works for work_ms. */
ax_future *axl_entry_session(const char *name, int work_ms);

#endif /* LESSON_CANCEL_DROP_H */

#ifdef AXL_LEARNER_ENTRIES
AXL_ENTRY_ASYNC(session, (const char *name, int work_ms), .name = name, .work_ms = work_ms)
#endif
