/* Lesson 11: what the lesson provides, and what it calls in your file.
 * Your exercise includes this file; the lesson's harness defines load,
 * runs main() and calls your load_config() for a few applications. */
#ifndef LESSON_TRY_JOIN_H
#define LESSON_TRY_JOIN_H

#include "lesson_kit.h"

/* async fn load(source, app) -> Result<i64, Error>: loads app's part of
 * the configuration from one source: "defaults" (100 ms), "file" (50 ms)
 * or "remote" (300 ms).  It fails with the source's error (err < 0) when
 * the source cannot be read. */
AXL_SERVICE(load, ax_res, const char *source; const char *app;);

/* Yours: async fn load_config(app) -> Result<i64, Error>: loads app's
 * three parts at the same time and gives their sum; as soon as one load
 * fails, gives that error and cancels the loads still running. */
ax_future *axl_entry_load_config(const char *app);

#endif /* LESSON_TRY_JOIN_H */

#ifdef AXL_LEARNER_ENTRIES
AXL_ENTRY_ASYNC(load_config, (const char *app), .app = app)
#endif
