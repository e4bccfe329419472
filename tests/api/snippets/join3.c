#include <asynclab.h>

AX_ASYNC(fetch, int, int id;)
{
	AX_BEGIN;
	AX_AWAIT(ax_sleep_ms(10 * self->id));
	AX_RETURN(self->id * 100);
	AX_END;
}

AX_ASYNC(fetch3, int, int a, b, c;)
{
	AX_BEGIN;
	AX_AWAIT(AX_JOIN_INTO(&self->a, AX_CALL(fetch, .id = 1), &self->b, AX_CALL(fetch, .id = 2),
			      &self->c, AX_CALL(fetch, .id = 3)));
	AX_RETURN(self->a + self->b + self->c);
	AX_END;
}

int main(void)
{
	return AX_RUN(AX_CALL(fetch3)) == 600 ? 0 : 1;
}
