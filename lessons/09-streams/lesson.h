/* Lesson 9: what the lesson provides, and what it calls in your file.
 * Your exercise includes this file; the lesson's harness makes the
 * sensor streams, defines handle, runs main() and calls your watch(). */
#ifndef LESSON_STREAMS_H
#define LESSON_STREAMS_H

#include "lesson_kit.h"

/* What watch reports once the stream has ended. */
typedef struct summary {
	int n;		/* readings seen */
	ax_val max;	/* the highest of them */
} summary;

/* async fn handle(t): log one reading, and raise the alert when it is
 * over 30.  Instant: it never waits. */
AXL_SERVICE(handle, int, ax_val t;);

/* Yours: async fn watch(sensor, sum): handle every reading of the sensor
 * (a stream: a new reading every 50 ms, then its end) as it arrives, and
 * fill in sum.  watch owns the stream: free it when you are done with it
 * (ax_stream_for_each and ax_stream_collect free it themselves). */
ax_future *axl_entry_watch(ax_stream *sensor, summary *sum);

#endif /* LESSON_STREAMS_H */

#ifdef AXL_LEARNER_ENTRIES
AXL_ENTRY_ASYNC(watch, (ax_stream *sensor, summary *sum), .sensor = sensor, .sum = sum)
#endif
