/* Lesson 3: what the lesson provides, and what it calls in your file.
 * Your exercise includes this file; the lesson's harness runs the
 * courier, runs main() and awaits your wait_parcel(). */
#ifndef LESSON_MANUAL_FUTURE_H
#define LESSON_MANUAL_FUTURE_H

#include "lesson_kit.h"
#include <asynclab/future.h>
#include <stdbool.h>

/* A mailbox holds at most one parcel, and at most one waker: the task to
 * wake when a parcel arrives. */
typedef struct mailbox {
	bool has_parcel;
	int parcel;
	ax_waker *waker; /* owned: a clone, or NULL */
} mailbox;

/* What the courier does when it arrives (the lesson's code): put the
 * parcel in the mailbox, then, if a waker is there, take it out and wake
 * it (which also releases it). */
void mailbox_deliver(mailbox *mb, int parcel);

/* Yours: wait_parcel(mb), a future whose output (an int) is the parcel. */
ax_future *axl_entry_wait_parcel(mailbox *mb);

#endif /* LESSON_MANUAL_FUTURE_H */

#ifdef AXL_LEARNER_ENTRIES
AXL_ENTRY_FUTURE(wait_parcel, (mailbox *mb), wait_parcel(mb))
#endif
