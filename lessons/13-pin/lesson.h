/* Lesson 13: what the lesson provides, and what it calls in your file.
 * Your exercise includes this file; the lesson's harness defines greet,
 * runs main() and calls your greet_all(). */
#ifndef LESSON_PIN_H
#define LESSON_PIN_H

#include "lesson_kit.h"
#include <asynclab/future.h>

#define GREETERS 3

/* async fn greet(who, ms): waits ms, then says hello to who.  Create one
 * with AX_CALL(greet, .who = name, .ms = ms).  Its frame refers to itself
 * once polled (`shown` points at its own copy of the name, like a
 * reference to a local that a Rust async block keeps across an await),
 * so after its first poll it must stay where it is.  The fields after
 * `ms` are the greeter's own: leave them alone. */
AXL_SERVICE(greet, int, const char *who; int ms;
	    char name[8]; const char *shown; const void *home; int tag;);

/* Yours: async fn greet_all(who, ms): drives GREETERS greeters, for
 * who[i] after ms[i], side by side, by hand (polling each), and returns
 * when all have greeted. */
ax_future *axl_entry_greet_all(const char *const *who, const int *ms);

#endif /* LESSON_PIN_H */

#ifdef AXL_LEARNER_ENTRIES
AXL_ENTRY_ASYNC(greet_all, (const char *const *who, const int *ms), .who = who, .ms = ms)
#endif
