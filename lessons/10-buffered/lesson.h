/* Lesson 10: what the lesson provides, and what it calls in your file.
 * Your exercise includes this file; the lesson's harness defines resize,
 * runs main() and calls your resize_all(). */
#ifndef LESSON_BUFFERED_H
#define LESSON_BUFFERED_H

#include "lesson_kit.h"

/* The resize service takes at most this many requests at once. */
#define LIMIT 3

/* async fn resize(id) -> i32: resizes image number id and gives its new
 * size in KB.  Each image takes its own time, 40 to 120 ms; the service
 * hands back one finished image at a time, every 20 ms at most.
 * (slot_ is the service's own bookkeeping: leave it out of AX_CALL.) */
AXL_SERVICE(resize, int, int id; int slot_;);

/* Yours: async fn resize_all(images) -> i64: resizes images 1 .. images,
 * at most LIMIT at a time and as many as that whenever images are left,
 * and gives the sum of their new sizes. */
ax_future *axl_entry_resize_all(int images);

#endif /* LESSON_BUFFERED_H */

#ifdef AXL_LEARNER_ENTRIES
AXL_ENTRY_ASYNC(resize_all, (int images), .images = images)
#endif
