/* Lesson 16: what the lesson provides, and what it calls in your file.
 * Your exercise includes this file; the lesson's harness defines upload,
 * runs main() and calls your upload_all(). */
#ifndef LESSON_UNBOUNDED_SPAWN_H
#define LESSON_UNBOUNDED_SPAWN_H

#include "lesson_kit.h"

/* At most this many uploads may be in flight at once. */
#define UPLOAD_LIMIT 16

/* async fn upload(id) -> i32: uploads file number id (10 ms) and gives
 * its size in KB.  Sizes differ from file to file. */
AXL_SERVICE(upload, int, int id;);

/* Yours: async fn upload_all(files) -> i64: uploads files 0 .. files-1,
 * at most UPLOAD_LIMIT at a time, and gives the sum of their sizes. */
ax_future *axl_entry_upload_all(int files);

#endif /* LESSON_UNBOUNDED_SPAWN_H */

#ifdef AXL_LEARNER_ENTRIES
AXL_ENTRY_ASYNC(upload_all, (int files), .files = files)
#endif
