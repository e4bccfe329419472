/* Lesson 6: spawning background tasks.
 *
 * An upload makes three thumbnails in the background and writes an audit
 * record.  main needs the thumbnails' sizes; it does not need anything
 * from the audit record.  Run it: main reports 0 bytes at 0 ms, and the
 * thumbnails never finish. */
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
	/* Fire and forget: nobody needs the audit task's output. */
	ax_task_detach(AX_SPAWN(AX_CALL(audit)));

	for (self->i = 0; self->i < 3; self->i++) {
		self->h[self->i] = AX_SPAWN(AX_CALL(
			thumbnail, .id = self->i + 1, .ms = 100 * (self->i + 1)));
		/* TODO(you): main needs this task's output, so this handle
		 * must not be thrown away.  Keep it, and after the loop
		 * await every handle, adding its output to self->total. */
		ax_task_detach(self->h[self->i]);
	}

	printf("[%d ms] thumbnails: %d bytes in total\n", now_ms(), self->total);
	AX_RETURN(0);
	AX_END;
}

int main(void)
{
	return AX_RUN(AX_CALL(main_async));
}
