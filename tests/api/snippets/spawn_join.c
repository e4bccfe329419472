#include <asynclab.h>

AX_ASYNC(work, int, int n;)
{
	AX_BEGIN;
	AX_AWAIT(ax_sleep_ms(5));
	AX_RETURN(self->n + 1);
	AX_END;
}

AX_ASYNC(spawn_then_join, int, ax_task *h; ax_res r;)
{
	AX_BEGIN;
	self->h = AX_SPAWN(AX_CALL(work, .n = 41));
	AX_AWAIT_TO(self->r, ax_join(self->h));
	AX_RETURN(self->r.err ? self->r.err : (int)self->r.val);
	AX_END;
}

int main(void)
{
	return AX_RUN(AX_CALL(spawn_then_join)) == 42 ? 0 : 1;
}
