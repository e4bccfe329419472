/* Lesson 2: what the lesson provides, and what it calls in your file.
 * Your exercise includes this file; the lesson's harness defines these
 * services, runs main() and calls your checkout(). */
#ifndef LESSON_AWAIT_H
#define LESSON_AWAIT_H

#include "lesson_kit.h"
#include <errno.h>

/* async fn login(user) -> Result<UserId, Error>: 20 ms.  A user who may
 * not log in gets Err(-EACCES). */
AXL_SERVICE(login, ax_res, const char *user;);

/* async fn load_cart(uid) -> Result<usize, Error>: 30 ms.  The number of
 * items in the user's cart; Err(-ENOENT) for an unknown user id. */
AXL_SERVICE(load_cart, ax_res, ax_val uid;);

/* Yours: async fn checkout(user) -> Result<usize, Error> */
ax_future *axl_entry_checkout(const char *user);

#endif /* LESSON_AWAIT_H */

#ifdef AXL_LEARNER_ENTRIES
AXL_ENTRY_ASYNC(checkout, (const char *user), .user = user)
#endif
