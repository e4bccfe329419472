/* Lesson 8: cancellation by drop.
 *
 * A session spawns a keepalive task that pings every 50 ms for as long as
 * the session lives.  Session a finishes normally at 120 ms; session b is
 * cut off by a 130 ms timeout.  Run it: both keepalives go on pinging
 * long after their sessions are gone. */
#include <asynclab.h>
#include <errno.h>
#include <stdio.h>

static int now_ms(void)
{
	return (int)(ax_now() / 1000000);
}

static void keepalive_stopped(void *frame);

/* async fn keepalive(name): ping every 50 ms, forever. */
AX_ASYNC(keepalive, int, const char *name; int pings;)
{
	AX_BEGIN;
	/* Report when this future is dropped (Rust: impl Drop). */
	ax_frame_own(&self->ax_fr, self, keepalive_stopped);
	for (;;) {
		AX_AWAIT(ax_sleep_ms(50));
		self->pings++;
		printf("[%d ms] keepalive %s: ping\n", now_ms(), self->name);
	}
	AX_END;
}

static void keepalive_stopped(void *frame)
{
	keepalive_t *k = frame;
	printf("[%d ms] keepalive %s: stopped after %d pings\n", now_ms(),
	       k->name, k->pings);
}

/* async fn session(name, work_ms) */
AX_ASYNC(session, int, const char *name; int work_ms; ax_task *keepalive;)
{
	AX_BEGIN;
	self->keepalive = AX_SPAWN(AX_CALL(keepalive, .name = self->name));
	/* TODO(you): the keepalive must stop as soon as this session ends,
	 * whether it returns or is dropped half-way (cancelled).  Instead
	 * of throwing the handle away, tie it to this frame with a guard
	 * that aborts the task when the frame goes away. */
	ax_task_detach(self->keepalive);

	printf("[%d ms] session %s: started\n", now_ms(), self->name);
	AX_AWAIT(ax_sleep_ms(self->work_ms));
	printf("[%d ms] session %s: done\n", now_ms(), self->name);
	AX_RETURN(0);
	AX_END;
}

AX_ASYNC(main_async, int, ax_res r;)
{
	AX_BEGIN;
	AX_AWAIT(AX_CALL(session, .name = "a", .work_ms = 120));

	AX_AWAIT_TO(self->r, AX_TIMEOUT_MS(130, AX_CALL(session, .name = "b",
						       .work_ms = 1000)));
	if (self->r.err == -ETIMEDOUT)
		printf("[%d ms] session b: timed out and dropped\n", now_ms());

	AX_AWAIT(ax_sleep_ms(200)); /* main goes on with other work */
	printf("[%d ms] main: done\n", now_ms());
	AX_RETURN(0);
	AX_END;
}

int main(void)
{
	return AX_RUN(AX_CALL(main_async));
}
