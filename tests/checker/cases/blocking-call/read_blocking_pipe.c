/* A task reads a pipe that is not in non-blocking mode: read() waits
 * for the writer while the whole executor waits too.
 * expect: blocking-call 13 */
#include "asynclab.h"
#include <unistd.h>

static int fds[2];

AX_ASYNC(reader, int, char buf[8];)
{
	AX_BEGIN;
	AX_AWAIT(ax_sleep_ms(5));
	if (read(fds[0], self->buf, 3) != 3) /* <- blocking-call */
		AX_RETURN(-1);
	AX_RETURN(self->buf[0]);
	AX_END;
}

int main(void)
{
	if (pipe(fds) != 0 || write(fds[1], "abc", 3) != 3)
		return 1;
	return AX_RUN(AX_CALL(reader)) == 'a' ? 0 : 1;
}
