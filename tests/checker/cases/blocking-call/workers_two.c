/* Two workers run the tasks side by side and hand messages across each
 * other, so the runtime's own lock is contended inside polls: that is
 * not the program's blocking call.  The one it makes is.
 * env: ASYNCLAB_WORKERS=2
 * expect: blocking-call 34 */
#include "asynclab.h"
#include <unistd.h>

AX_ASYNC(echo, int, ax_mpsc *rx; ax_mpsc *tx; ax_opt v; int r;)
{
	AX_BEGIN;
	for (;;) {
		AX_AWAIT_TO(self->v, ax_mpsc_recv(self->rx));
		if (!self->v.some)
			break;
		AX_AWAIT_TO(self->r, ax_mpsc_send(self->tx, self->v.val));
	}
	AX_RETURN(0);
	AX_END;
}

AX_ASYNC(main_async, int, ax_mpsc *a; ax_mpsc *b; ax_task *e; int i; ax_opt v; int r;)
{
	AX_BEGIN;
	self->a = ax_mpsc_new(1);
	self->b = ax_mpsc_new(1);
	self->e = AX_SPAWN(AX_CALL(echo, .rx = self->a, .tx = self->b));
	for (self->i = 0; self->i < 3000; self->i++) {
		AX_AWAIT_TO(self->r, ax_mpsc_send(self->a, self->i));
		AX_AWAIT_TO(self->v, ax_mpsc_recv(self->b));
	}
	ax_mpsc_close(self->a);
	AX_AWAIT(ax_join(self->e));
	usleep(20000); /* <- blocking-call */
	ax_mpsc_free(self->a);
	ax_mpsc_free(self->b);
	AX_RETURN(0);
	AX_END;
}

int main(void)
{
	return AX_RUN(AX_CALL(main_async));
}
