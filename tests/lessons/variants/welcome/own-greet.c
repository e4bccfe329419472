/* Replaces what the lesson provides: a greet of its own.
 * expect: fail greeting */
#include "lesson.h"
#include <stdio.h>

AX_ASYNC(my_greet, int, const char *name;)
{
	AX_BEGIN;
	AX_AWAIT(ax_sleep_ms(100));
	printf("Hello, %s! The virtual clock says 100 ms.\n", self->name);
	AX_RETURN(0);
	AX_END;
}

AX_ASYNC(welcome, int, const char *name;)
{
	AX_BEGIN;
	AX_AWAIT(AX_CALL(my_greet, .name = self->name));
	printf("Welcome to asynclab.\n");
	AX_RETURN(0);
	AX_END;
}
