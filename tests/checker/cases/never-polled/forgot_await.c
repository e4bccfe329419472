/* The call makes a future, but nothing awaits it: the work never runs
 * (Rust warns "futures do nothing unless you .await them").
 * expect: never-polled 19 */
#include "asynclab.h"
#include <stdio.h>

AX_ASYNC(save, int, int value;)
{
	AX_BEGIN;
	AX_AWAIT(ax_sleep_ms(5));
	printf("saved %d\n", self->value);
	AX_RETURN(0);
	AX_END;
}

AX_ASYNC(main_async, int, int unused;)
{
	AX_BEGIN;
	AX_CALL(save, .value = 42); /* <- never-polled */
	AX_AWAIT(ax_sleep_ms(10));
	AX_RETURN(0);
	AX_END;
}

int main(void)
{
	return AX_RUN(AX_CALL(main_async));
}
