/* A misspelled argument name: one error, once.
 * expect-gcc: has no member named
 * expect-clang: field designator 'y' does not refer to any field
 * expect-errors-clang: 1
 * expect-errors-gcc: 2
 * (gcc goes on to take the value as a positional one)
 * expect-no: missing-braces
 */
#include <asynclab.h>

AX_ASYNC(child, int, int x;)
{
	AX_BEGIN;
	AX_RETURN(self->x);
	AX_END;
}

int main(void)
{
	return AX_RUN(AX_CALL(child, .y = 1));
}
