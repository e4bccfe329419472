#include <asynclab.h>
#include <stdlib.h>

AX_ASYNC(fetch, int, int id;)
{
	AX_BEGIN;
	AX_AWAIT(ax_sleep_ms(10 * self->id));
	AX_RETURN(self->id * 100);
	AX_END;
}

AX_ASYNC(fetch_all, int, ax_collected c; ax_val sum;)
{
	AX_BEGIN;
	static const ax_val ids[] = { 3, 1, 2 };
	AX_AWAIT_TO(self->c, ax_stream_collect(ax_stream_buffer_unordered(
				     ax_stream_map_call(ax_stream_from_array(ids, 3), fetch, id), 2)));
	for (size_t i = 0; i < self->c.n; i++)
		self->sum += self->c.v[i];
	free(self->c.v);
	AX_RETURN((int)self->sum);
	AX_END;
}

int main(void)
{
	return AX_RUN(AX_CALL(fetch_all)) == 600 ? 0 : 1;
}
