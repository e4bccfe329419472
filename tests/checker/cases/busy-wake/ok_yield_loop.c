/* A long computation that yields after each step: every poll wakes the
 * task again, but each one makes progress (a new yield each time).
 * expect: none */
#include "asynclab.h"

AX_ASYNC(crunch, long, int i; long sum;)
{
	AX_BEGIN;
	for (self->i = 0; self->i < 2000; self->i++) {
		self->sum += self->i;
		AX_AWAIT(ax_yield());
	}
	AX_RETURN(self->sum);
	AX_END;
}

int main(void)
{
	return AX_RUN(AX_CALL(crunch)) == 1999000 ? 0 : 1;
}
