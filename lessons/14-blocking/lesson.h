/* Lesson 14: what the lesson provides, and what it calls in your file.
 * Your exercise includes this file; the lesson's harness defines
 * legacy_price_lookup, runs a heartbeat task and main(), and calls your
 * handle_request() for a few requests at once. */
#ifndef LESSON_BLOCKING_H
#define LESSON_BLOCKING_H

#include "lesson_kit.h"

/* An old library function with no async version: it blocks the calling
 * thread for 100 ms (think of a synchronous database driver) and gives
 * the item's price.  It stands for code you cannot change. */
long legacy_price_lookup(int item);

/* Yours: async fn handle_request(id) -> i64: waits 20 ms for the rate
 * limiter, then gives the price legacy_price_lookup(id) finds. */
ax_future *axl_entry_handle_request(int id);

#endif /* LESSON_BLOCKING_H */

#ifdef AXL_LEARNER_ENTRIES
AXL_ENTRY_ASYNC(handle_request, (int id), .id = id)
#endif
