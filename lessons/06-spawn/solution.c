/* Lesson 6: spawning background tasks.  The reference solution: the
 * thumbnails run as tasks whose JoinHandles main keeps and awaits; the
 * audit record is fire-and-forget. */
#include <asynclab.h>
#include <stdio.h>

static int now_ms(void)
{
	return (int)(ax_now() / 1000000);
}

/* async fn thumbnail(id, ms) -> i32: the size in bytes. */
AX_ASYNC(thumbnail, int, int id; int ms;)
{
	AX_BEGIN;
	AX_AWAIT(ax_sleep_ms(self->ms));
	printf("[%d ms] thumbnail %d ready\n", now_ms(), self->id);
	AX_RETURN(self->id * 1000);
	AX_END;
}

/* async fn audit(): 50 ms; its result is not needed by anyone. */
AX_ASYNC(audit, int, int unused;)
{
	AX_BEGIN;
	AX_AWAIT(ax_sleep_ms(50));
	printf("[%d ms] audit record written\n", now_ms());
	AX_RETURN(0);
	AX_END;
}

AX_ASYNC(main_async, int, ax_task *h[3]; int i; ax_res r; int total;)
{
	AX_BEGIN;
	/* Fire and forget: nobody needs the audit task's output, so its
	 * handle is given up at once.  It still has to finish before main
	 * does: when main returns, the runtime drops every task left. */
	ax_task_detach(AX_SPAWN(AX_CALL(audit)));

	for (self->i = 0; self->i < 3; self->i++) {
		self->h[self->i] = AX_SPAWN(AX_CALL(
			thumbnail, .id = self->i + 1, .ms = 100 * (self->i + 1)));
	}
	/* All three are running now, side by side.  Awaiting the handles
	 * one after another still takes only as long as the slowest: the
	 * tasks do not wait for us to await them.  (Spawning and awaiting
	 * inside the same loop turn would run them one at a time.) */
	for (self->i = 0; self->i < 3; self->i++) {
		AX_AWAIT_TO(self->r, ax_join(self->h[self->i]));
		if (self->r.err == 0)
			self->total += (int)self->r.val;
	}

	printf("[%d ms] thumbnails: %d bytes in total\n", now_ms(), self->total);
	AX_RETURN(0);
	AX_END;
}

int main(void)
{
	return AX_RUN(AX_CALL(main_async));
}
