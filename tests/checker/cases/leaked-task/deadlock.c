/* Two tasks each wait for a message only the other sends after its own
 * wait: every task is asleep and nothing can wake one.
 * expect: leaked-task 22 */
#include "asynclab.h"

static ax_oneshot *to_a, *to_b;

AX_ASYNC(side, int, ax_oneshot *in; ax_oneshot *peer; ax_res r;)
{
	AX_BEGIN;
	AX_AWAIT_TO(self->r, ax_oneshot_recv(self->in));
	ax_oneshot_send(self->peer, 1);
	AX_RETURN(0);
	AX_END;
}

AX_ASYNC(main_async, int, ax_task *a; ax_task *b;)
{
	AX_BEGIN;
	self->a = AX_SPAWN_NAMED("a", AX_CALL(side, .in = to_a, .peer = to_b));
	self->b = AX_SPAWN_NAMED("b", AX_CALL(side, .in = to_b, .peer = to_a));
	AX_AWAIT(ax_join(self->a)); /* <- leaked-task */
	AX_AWAIT(ax_join(self->b));
	AX_RETURN(0);
	AX_END;
}

int main(void)
{
	to_a = ax_oneshot_new();
	to_b = ax_oneshot_new();
	AX_RUN(AX_CALL(main_async));
	return 0;
}
