/* Lesson 7: what the lesson provides, and what it calls in your file.
 * Your exercise includes this file; the lesson's harness owns the batch
 * source and the processing, runs main() and runs your worker(). */
#ifndef LESSON_CANCEL_TOKEN_H
#define LESSON_CANCEL_TOKEN_H

#include "lesson_kit.h"

/* A source of batches: batch k (1, 2, ...) arrives k * 100 ms after the
 * source opens; there are at most 40. */
typedef struct batches batches;

/* async fn next_batch(src) -> i32: waits for the next batch and takes it:
 * its number, or 0 when the source has no more. */
AXL_SERVICE(next_batch, int, batches *src;);

/* The next batch if it has already arrived, else 0.  Never waits. */
int take_batch(batches *src);

/* async fn process(batch) -> i32: 20 ms of work on a batch. */
AXL_SERVICE(process, int, int batch;);

/* Yours: async fn worker(src, tok) -> i32: process batches from src until
 * there are no more or tok is cancelled; the number processed. */
ax_future *axl_entry_worker(batches *src, ax_token *tok);

#endif /* LESSON_CANCEL_TOKEN_H */

#ifdef AXL_LEARNER_ENTRIES
AXL_ENTRY_ASYNC(worker, (batches *src, ax_token *tok), .src = src, .tok = tok)
#endif
