/* Lesson 4: join, run futures concurrently.
 *
 * A profile page needs the user (100 ms), their posts (200 ms) and the
 * comments (300 ms).  None of the three needs another's result.  Run it:
 * the page is ready only at 600 ms. */
#include <asynclab.h>
#include <stdio.h>

static int now_ms(void)
{
	return (int)(ax_now() / 1000000);
}

/* async fn fetch(what, ms, count) -> i32: the number of records. */
AX_ASYNC(fetch, int, const char *what; int ms; int count;)
{
	AX_BEGIN;
	AX_AWAIT(ax_sleep_ms(self->ms));
	printf("[%d ms] %s loaded\n", now_ms(), self->what);
	AX_RETURN(self->count);
	AX_END;
}

AX_ASYNC(main_async, int, int users; int posts; int comments;)
{
	AX_BEGIN;
	/* TODO(you): these three do not depend on each other, yet each
	 * await waits for the one before it.  Await all three together. */
	AX_AWAIT_TO(self->users, AX_CALL(fetch, .what = "user", .ms = 100, .count = 1));
	AX_AWAIT_TO(self->posts, AX_CALL(fetch, .what = "posts", .ms = 200, .count = 12));
	AX_AWAIT_TO(self->comments, AX_CALL(fetch, .what = "comments", .ms = 300, .count = 40));

	printf("[%d ms] page ready: %d user, %d posts, %d comments\n", now_ms(),
	       self->users, self->posts, self->comments);
	AX_RETURN(0);
	AX_END;
}

int main(void)
{
	return AX_RUN(AX_CALL(main_async));
}
