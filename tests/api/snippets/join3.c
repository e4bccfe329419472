#include <asynclab.h>

AX_ASYNC(fetch, int, int id;)
{
	AX_BEGIN;
	AX_AWAIT(ax_sleep_ms(10 * self->id));
	AX_RETURN(self->id * 100);
	AX_END;
}

AX_ASYNC(fetch3, int, ax_vals v;)
{
	AX_BEGIN;
	AX_AWAIT_TO(self->v, AX_JOIN(AX_CALL(fetch, .id = 1), AX_CALL(fetch, .id = 2),
				     AX_CALL(fetch, .id = 3)));
	AX_RETURN((int)(self->v.val[0] + self->v.val[1] + self->v.val[2]));
	AX_END;
}

int main(void)
{
	return AX_RUN(AX_CALL(fetch3)) == 600 ? 0 : 1;
}
