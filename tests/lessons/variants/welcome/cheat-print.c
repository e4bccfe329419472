/* A cheat: wait the right time and print the greeting it should show.
 * expect: fail greeting */
#include "lesson.h"
#include <stdio.h>

AX_ASYNC(welcome, int, const char *name;)
{
	AX_BEGIN;
	AX_AWAIT(ax_sleep_ms(100));
	printf("Hello, learner! The virtual clock says 100 ms.\n");
	printf("Welcome to asynclab.\n");
	AX_RETURN(0);
	AX_END;
}
