/* Lesson 0: welcome.  The reference solution: the greeting future is
 * awaited, so it runs. */
#include "lesson.h"
#include <stdio.h>

/* async fn welcome(name) */
AX_ASYNC(welcome, int, const char *name;)
{
	AX_BEGIN;
	/* A future does nothing until it is awaited: AX_AWAIT polls it until
	 * it is ready.  Calling AX_CALL alone would only build the future
	 * and throw it away (the never-polled finding). */
	AX_AWAIT(AX_CALL(greet, .name = self->name));
	printf("Welcome to asynclab.\n");
	AX_RETURN(0);
	AX_END;
}
