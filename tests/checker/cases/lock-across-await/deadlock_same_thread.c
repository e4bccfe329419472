/* Task 'writer' holds a blocking mutex across an await; task 'reader',
 * on the same executor thread, then blocks on that mutex.  The writer can
 * never run again to release it: a certain deadlock, reported once (the
 * lock, both tasks, both lines) and ended at once.
 * expect: lock-across-await 17
 * expect-first-note: lock-across-await 17 19
 * expect-note: lock-across-await 17 29
 * expect-end: deadlock */
#include "asynclab.h"

static ax_bmutex *mu;
static int balance = 100;

AX_ASYNC(writer, int, int unused;)
{
	AX_BEGIN;
	ax_bmutex_lock(mu); /* <- lock-across-await */
	balance -= 10;
	AX_AWAIT(ax_sleep_ms(50)); /* */
	ax_bmutex_unlock(mu);
	AX_RETURN(0);
	AX_END;
}

AX_ASYNC(reader, int, int seen;)
{
	AX_BEGIN;
	AX_AWAIT(ax_sleep_ms(10));
	ax_bmutex_lock(mu); /* */
	self->seen = balance;
	ax_bmutex_unlock(mu);
	AX_RETURN(self->seen);
	AX_END;
}

AX_ASYNC(main_async, int, ax_task *w; ax_task *r;)
{
	AX_BEGIN;
	self->w = AX_SPAWN_NAMED("writer", AX_CALL(writer));
	self->r = AX_SPAWN_NAMED("reader", AX_CALL(reader));
	AX_AWAIT(ax_join(self->w));
	AX_AWAIT(ax_join(self->r));
	AX_RETURN(balance);
	AX_END;
}

int main(void)
{
	mu = ax_bmutex_new();
	int r = AX_RUN(AX_CALL(main_async));
	ax_bmutex_free(mu);
	return r == 90 ? 0 : 1;
}

/* timing: yes (real-clock sleeps of different tasks race each other) */
