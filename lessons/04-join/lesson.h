/* Lesson 4: what the lesson provides, and what it calls in your file.
 * Your exercise includes this file; the lesson's harness defines fetch,
 * runs main() and calls your load_page(). */
#ifndef LESSON_JOIN_H
#define LESSON_JOIN_H

#include "lesson_kit.h"

/* A profile page: load_page fills in the three counts. */
typedef struct page {
	int id;
	int users, posts, comments;
} page;

/* async fn fetch(what, page) -> i32: the number of records of one kind
 * ("user", "posts" or "comments") for a page.  The user takes 100 ms, the
 * posts 200 ms, the comments 300 ms. */
AXL_SERVICE(fetch, int, const char *what; int page;);

/* Yours: async fn load_page(p): fill in p's three counts. */
ax_future *axl_entry_load_page(page *p);

#endif /* LESSON_JOIN_H */

#ifdef AXL_LEARNER_ENTRIES
AXL_ENTRY_ASYNC(load_page, (page *p), .p = p)
#endif
