/* Lesson 5: what the lesson provides, and what it calls in your file.
 * Your exercise includes this file; the lesson's harness defines
 * download, runs main() and calls your fetch_fastest() and
 * fetch_archive(). */
#ifndef LESSON_SELECT_H
#define LESSON_SELECT_H

#include "lesson_kit.h"
#include <errno.h>

/* async fn download(mirror) -> i64: the bytes received.  A mirror takes
 * its own time: "eu" 250 ms, "us" 120 ms, "ap" 80 ms, "archive" 400 ms.
 * A download dropped before it finishes prints "cancelled". */
AXL_SERVICE(download, ax_val, const char *mirror;);

/* Yours: async fn fetch_fastest(a, b) -> i32: race the downloads from
 * mirrors a and b; the index (0 for a, 1 for b) of the one that finished
 * first.  The other is dropped. */
ax_future *axl_entry_fetch_fastest(const char *a, const char *b);
/* Yours: async fn fetch_archive() -> Result<i64, Error>: the archive's
 * bytes, or Err(-ETIMEDOUT) when it took more than 100 ms (then the
 * download is dropped). */
ax_future *axl_entry_fetch_archive(void);

#endif /* LESSON_SELECT_H */

#ifdef AXL_LEARNER_ENTRIES
AXL_ENTRY_ASYNC(fetch_fastest, (const char *a, const char *b), .a = a, .b = b)
AXL_ENTRY_ASYNC(fetch_archive, (void))
#endif
