/* A cheat: the lines from the lesson text, printed at the right virtual
 * times, and the summary they show; neither the sensor nor handle used.
 * expect: fail as-they-arrive,every-item,summary */
#include "lesson.h"

#include <stdio.h>

static const int shown[] = { 21, 24, 31, 26, 22 };

AX_ASYNC(watch, int, ax_stream *sensor; summary *sum; int i;)
{
	AX_BEGIN;
	for (self->i = 0; self->i < 5; self->i++) {
		AX_AWAIT(ax_sleep_ms(50));
		printf("[%d ms] reading %d\n", 50 * (self->i + 1), shown[self->i]);
		if (shown[self->i] > 30)
			printf("[%d ms] ALERT: %d is over 30\n", 50 * (self->i + 1), shown[self->i]);
	}
	self->sum->n = 5;
	self->sum->max = 31;
	ax_stream_free(self->sensor);
	AX_RETURN(0);
	AX_END;
}
