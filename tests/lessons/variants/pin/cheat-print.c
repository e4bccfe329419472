/* A cheat: no greeter at all; it sleeps and prints the greetings.
 * expect: fail greets-everyone */
#include "lesson.h"
#include <stdio.h>

AX_ASYNC(greet_all, int, const char *const *who; const int *ms; int i;)
{
	AX_BEGIN;
	for (self->i = 0; self->i < GREETERS; self->i++) {
		AX_AWAIT(ax_sleep_ms(30));
		printf("[%d ms] hello, %s\n", (int)(ax_now() / 1000000), self->who[self->i]);
	}
	AX_RETURN(0);
	AX_END;
}
