/* Lesson 6: what the lesson provides, and what it calls in your file.
 * Your exercise includes this file; the lesson's harness defines the
 * services, runs main() and calls your process_upload(). */
#ifndef LESSON_SPAWN_H
#define LESSON_SPAWN_H

#include "lesson_kit.h"

/* async fn thumbnail(upload, id) -> i32: makes thumbnail `id` (1, 2, ...)
 * of an upload and gives its size in bytes; thumbnail i takes i * 100 ms. */
AXL_SERVICE(thumbnail, int, int upload; int id;);

/* async fn audit(upload): writes the upload's audit record, 50 ms.  Its
 * result is not needed by anyone. */
AXL_SERVICE(audit, int, int upload;);

/* Yours: async fn process_upload(upload, n) -> i32: the total size of the
 * upload's n thumbnails; the audit record written on the side. */
ax_future *axl_entry_process_upload(int upload, int n);

#endif /* LESSON_SPAWN_H */

#ifdef AXL_LEARNER_ENTRIES
AXL_ENTRY_ASYNC(process_upload, (int upload, int n), .upload = upload, .n = n)
#endif
