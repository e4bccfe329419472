/* Lesson 12: what the lesson provides, and what it calls in your file.
 * Your exercise includes this file; the lesson's harness defines request
 * and its services, runs main() and calls your call_with_retry() for a
 * few clients at once. */
#ifndef LESSON_RETRY_H
#define LESSON_RETRY_H

#include "lesson_kit.h"

/* One of the lesson's clients: who it is and which service it calls. */
typedef struct client client;

/* async fn request(c) -> Result<i64, Error>: one request of client c to
 * its service, 10 ms.  While the service is down it is refused (err
 * -ECONNREFUSED); once the service is up it gives c's session number. */
AXL_SERVICE(request, ax_res, client *c;);

/* Yours: async fn call_with_retry(c) -> Result<i64, Error>: calls
 * request(c) until it succeeds, waiting longer after each failure (with
 * jitter), and gives up with an error once the next attempt would start
 * more than 2000 ms after the first.  Gives the successful request's
 * output, or the error. */
ax_future *axl_entry_call_with_retry(client *c);

#endif /* LESSON_RETRY_H */

#ifdef AXL_LEARNER_ENTRIES
AXL_ENTRY_ASYNC(call_with_retry, (client *c), .c = c)
#endif
