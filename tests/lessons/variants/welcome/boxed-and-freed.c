/* Wrong: the future is boxed and freed without ever being polled.
 * expect: fail greeting,no-forgotten-await */
#include "lesson.h"
#include <stdio.h>

AX_ASYNC(welcome, int, const char *name;)
{
	AX_BEGIN;
	ax_future_free(AX_BOX(AX_CALL(greet, .name = self->name)));
	printf("Welcome to asynclab.\n");
	AX_RETURN(0);
	AX_END;
}
