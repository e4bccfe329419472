/* Lesson 13: a future must not move after its first poll.
 *
 * main drives three greeters by hand, keeping them in an array in its
 * frame and removing each one as it finishes.  Run it: ana is greeted
 * correctly, then cy is greeted twice and bo never is. */
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

AX_ASYNC(main_async, int, greet_t g[3]; int n; int i;)
{
	AX_BEGIN;
	/* Moving a future before its first poll is fine: these copies are
	 * made before anything has polled them. */
	self->g[0] = AX_CALL(greet, .name = "ana", .ms = 100);
	self->g[1] = AX_CALL(greet, .name = "bo", .ms = 200);
	self->g[2] = AX_CALL(greet, .name = "cy", .ms = 300);
	self->n = 3;

	while (self->n > 0) {
		for (self->i = 0; self->i < self->n;) {
			ax_future *f = &self->g[self->i].ax_fr.base;
			if (ax_poll(f, cx) == AX_PENDING) {
				self->i++;
				continue;
			}
			ax_future_drop(f);
			/* TODO(you): this closes the gap by sliding the
			 * greeters that are still running one slot down:
			 * it moves futures that have already been polled. */
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
