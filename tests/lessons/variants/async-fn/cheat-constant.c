/* A cheat: the total from the lesson text, after the right waiting.
 * expect: fail running-total,every-chunk */
#include "lesson.h"
#include <stdio.h>

AX_ASYNC(download, int, int chunks; int i;)
{
	AX_BEGIN;
	for (self->i = 0; self->i < self->chunks; self->i++)
		AX_AWAIT(ax_sleep_ms(10));
	printf("downloaded 3968 bytes in 50 ms\n");
	AX_RETURN(3968);
	AX_END;
}
