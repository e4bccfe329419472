/* Reading a pipe through the reactor (non-blocking descriptor, ax_read)
 * and a direct read on a non-blocking descriptor never block.
 * expect: none */
#include "asynclab.h"
#include <errno.h>
#include <unistd.h>

static int fds[2];

AX_ASYNC(writer, int, int unused;)
{
	AX_BEGIN;
	AX_AWAIT(ax_sleep_ms(10));
	AX_AWAIT(ax_write_all(fds[1], "hello", 5));
	AX_RETURN(0);
	AX_END;
}

AX_ASYNC(main_async, int, char buf[8]; ssize_t n; ax_task *w;)
{
	AX_BEGIN;
	{
		char c;
		if (read(fds[0], &c, 1) != -1 || errno != EAGAIN)
			AX_RETURN(-1);
	}
	self->w = AX_SPAWN(AX_CALL(writer));
	AX_AWAIT_TO(self->n, ax_read_exact(fds[0], self->buf, 5));
	AX_AWAIT(ax_join(self->w));
	AX_RETURN((int)self->n);
	AX_END;
}

int main(void)
{
	if (pipe(fds) != 0 || ax_fd_set_nonblocking(fds[0]) || ax_fd_set_nonblocking(fds[1]))
		return 1;
	return AX_RUN(AX_CALL(main_async)) == 5 ? 0 : 1;
}
