#include <asynclab.h>

AX_ASYNC(double_later, int, int n;)
{
	AX_BEGIN;
	AX_AWAIT(ax_sleep_ms(100));
	AX_RETURN(self->n * 2);
	AX_END;
}

int main(void)
{
	int r = AX_RUN(AX_CALL(double_later, .n = 21));
	return r == 42 ? 0 : 1;
}
