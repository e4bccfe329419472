/* A cheat: waits the 400 ms the lesson's first run used to take, prints
 * the line it used to end with and returns a made-up total; resize is
 * never called.
 * expect: fail all-done,kept-busy */
#include "lesson.h"

#include <stdio.h>

AX_ASYNC(resize_all, ax_val, int images;)
{
	AX_BEGIN;
	AX_AWAIT(ax_sleep_ms(400));
	printf("[400 ms] %d images resized, peak 3 in flight\n", self->images);
	AX_RETURN((ax_val)self->images * 60);
	AX_END;
}
