/* Lesson 1: what the lesson provides, and what it calls in your file.
 * Your exercise includes this file; the lesson's harness defines
 * next_chunk, runs main() and calls your download(). */
#ifndef LESSON_ASYNC_FN_H
#define LESSON_ASYNC_FN_H

#include "lesson_kit.h"

/* async fn next_chunk(index) -> i32: waits for chunk `index` of the file
 * being downloaded (10 ms) and gives its size in bytes. */
AXL_SERVICE(next_chunk, int, int index;);

/* Yours: async fn download(chunks) -> i32, the file's size in bytes. */
ax_future *axl_entry_download(int chunks);

#endif /* LESSON_ASYNC_FN_H */

#ifdef AXL_LEARNER_ENTRIES
AXL_ENTRY_ASYNC(download, (int chunks), .chunks = chunks)
#endif
