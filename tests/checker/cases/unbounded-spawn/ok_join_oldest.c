/* A window of 16 handles: once 16 are in flight the loop joins the
 * oldest before it spawns again.  Whether that handler has finished by
 * then depends on the clock; either way the loop waited for it.
 * expect: none */
#include "asynclab.h"

#define WINDOW 16

AX_ASYNC(fetch, int, int i;)
{
	AX_BEGIN;
	AX_AWAIT(ax_sleep_ms(1 + (self->i * 7919) % 13));
	AX_RETURN(self->i);
	AX_END;
}

AX_ASYNC(main_async, int, ax_task *h[WINDOW]; int i; ax_res r; long sum;)
{
	AX_BEGIN;
	for (self->i = 0; self->i < 2500; self->i++) {
		if (self->i >= WINDOW) {
			AX_AWAIT_TO(self->r, ax_join(self->h[self->i % WINDOW]));
			self->sum += self->r.val;
		}
		self->h[self->i % WINDOW] = AX_SPAWN(AX_CALL(fetch, .i = self->i));
	}
	for (self->i = 2500; self->i < 2500 + WINDOW; self->i++) {
		AX_AWAIT_TO(self->r, ax_join(self->h[self->i % WINDOW]));
		self->sum += self->r.val;
	}
	AX_RETURN(self->sum == 2499L * 2500 / 2 ? 0 : 1);
	AX_END;
}

int main(void)
{
	return AX_RUN(AX_CALL(main_async));
}

/* timing: yes (whether a joined handler is still running is a race with
 * real-clock sleeps) */
