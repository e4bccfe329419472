/* Lesson 0: what the lesson provides, and what it calls in your file.
 * Your exercise includes this file; the lesson's harness defines greet,
 * runs main() and calls your welcome(). */
#ifndef LESSON_WELCOME_H
#define LESSON_WELCOME_H

#include "lesson_kit.h"

/* async fn greet(name: &str) -> i32: waits 100 ms, then says hello. */
AXL_SERVICE(greet, int, const char *name;);

/* Yours: async fn welcome(name) */
ax_future *axl_entry_welcome(const char *name);

#endif /* LESSON_WELCOME_H */

#ifdef AXL_LEARNER_ENTRIES
AXL_ENTRY_ASYNC(welcome, (const char *name), .name = name)
#endif
