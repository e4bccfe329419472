/* Blocking calls in start-up code, before the executor runs, and after
 * it finished, are ordinary C.
 * expect: none */
#include "asynclab.h"
#include <unistd.h>

AX_ASYNC(main_async, int, int unused;)
{
	AX_BEGIN;
	AX_AWAIT(ax_sleep_ms(100));
	AX_RETURN(3);
	AX_END;
}

int main(void)
{
	usleep(10000);
	int fds[2];
	if (pipe(fds) != 0 || write(fds[1], "x", 1) != 1)
		return 1;
	char c;
	if (read(fds[0], &c, 1) != 1)
		return 1;
	int r = AX_RUN(AX_CALL(main_async));
	usleep(1000);
	return r == 3 ? 0 : 1;
}
