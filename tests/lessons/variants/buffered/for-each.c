/* A correct route: the same buffer_unordered stream driven by
 * ax_stream_for_each, whose callback adds each size to the total.
 * expect: pass */
#include "lesson.h"

static ax_future *make_resize(ax_val id, void *ud)
{
	(void)ud;
	return AX_BOX(AX_CALL(resize, .id = (int)id));
}

static ax_future *add_size(ax_val kb, void *ud)
{
	*(ax_val *)ud += kb;
	return NULL;
}

AX_ASYNC(resize_all, ax_val, int images; size_t n; ax_val total;)
{
	AX_BEGIN;
	AX_AWAIT_TO(self->n,
		    ax_stream_for_each(ax_stream_buffer_unordered(
					       ax_stream_map_future(ax_stream_range(1, self->images + 1),
								    make_resize, NULL),
					       LIMIT),
				       add_size, &self->total));
	AX_RETURN(self->total);
	AX_END;
}
