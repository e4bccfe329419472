/* A positional 0 (a null pointer constant) is as wrong as any other value.
 * expect-gcc: positional initialization of field
 * expect-clang: initializer for aggregate with no elements
 */
#include <asynclab.h>

AX_ASYNC(compute, int, int x;)
{
	AX_BEGIN;
	AX_RETURN(self->x * 2);
	AX_END;
}

int main(void)
{
	return AX_RUN(AX_CALL(compute, 0));
}
