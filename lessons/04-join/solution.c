/* Lesson 4: join, run futures concurrently.  The reference solution: the
 * three independent fetches are awaited together with AX_JOIN. */
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

AX_ASYNC(main_async, int, ax_vals v;)
{
	AX_BEGIN;
	/* join!: one future that polls all three children, inside this
	 * task, and is ready when every one of them is.  While one child
	 * sleeps the others make progress, so the total is the longest
	 * (300 ms), not the sum (600 ms).  Results come back in argument
	 * order, whatever order the children finished in. */
	AX_AWAIT_TO(self->v,
		    AX_JOIN(AX_CALL(fetch, .what = "user", .ms = 100, .count = 1),
			    AX_CALL(fetch, .what = "posts", .ms = 200, .count = 12),
			    AX_CALL(fetch, .what = "comments", .ms = 300, .count = 40)));

	printf("[%d ms] page ready: %d user, %d posts, %d comments\n", now_ms(),
	       (int)self->v.val[0], (int)self->v.val[1], (int)self->v.val[2]);
	AX_RETURN(0);
	AX_END;
}

int main(void)
{
	return AX_RUN(AX_CALL(main_async));
}
