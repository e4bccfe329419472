/* Lesson 13: a future must not move after its first poll.  The reference
 * solution: the greeters are boxed, so removing one from the list moves
 * only pointers, never a future. */
#include <asynclab/future.h>
#include <asynclab/future.h>
#include <stdio.h>
#include <string.h>

static int now_ms(void)
{
	return (int)(ax_now() / 1000000);
}

/* async fn greet(name, ms).  `shown` points into this very frame, like
 * a reference to a local that a Rust async block keeps across an await:
 * the frame refers to itself. */
AX_ASYNC(greet, int, char name[8]; int ms; const char *shown;)
{
	AX_BEGIN;
	self->shown = self->name;
	AX_AWAIT(ax_sleep_ms(self->ms));
	printf("[%d ms] hello, %s\n", now_ms(), self->shown);
	AX_RETURN(0);
	AX_END;
}

/* Rust: Vec<Pin<Box<dyn Future>>>.  Each greeter lives at one heap
 * address for its whole life (pinned); the array holds pointers, which
 * may be shuffled freely.  Sliding the futures themselves (the starter)
 * left `shown` pointing at the old slot, now owned by another greeter.
 * Keeping the futures in place in the frame and marking finished slots
 * instead of compacting would be just as correct (Rust's pin!). */
AX_ASYNC(main_async, int, ax_future *g[3]; int n; int i;)
{
	AX_BEGIN;
	self->g[0] = AX_BOX(AX_CALL(greet, .name = "ana", .ms = 100));
	self->g[1] = AX_BOX(AX_CALL(greet, .name = "bo", .ms = 200));
	self->g[2] = AX_BOX(AX_CALL(greet, .name = "cy", .ms = 300));
	self->n = 3;

	while (self->n > 0) {
		for (self->i = 0; self->i < self->n;) {
			ax_future *f = self->g[self->i];
			if (ax_poll(f, cx) == AX_PENDING) {
				self->i++;
				continue;
			}
			ax_future_free(f); /* drop and free the box */
			memmove(&self->g[self->i], &self->g[self->i + 1],
				(size_t)(self->n - self->i - 1) * sizeof self->g[0]);
			self->n--;
		}
		if (self->n > 0)
			AX_SUSPEND; /* each pending greeter holds our waker */
	}
	printf("[%d ms] everyone greeted\n", now_ms());
	AX_RETURN(0);
	AX_END;
}

int main(void)
{
	return AX_RUN(AX_CALL(main_async));
}
