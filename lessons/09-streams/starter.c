/* Lesson 9: streams, processing items as they arrive.
 *
 * A sensor stream yields a temperature every 50 ms, five in all.  A
 * reading over 30 must raise an alert at once.  Run it: every reading,
 * and the alert, is handled only at 250 ms, when the stream has ended. */
#include <asynclab/future.h>
#include <asynclab/future.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

static int now_ms(void)
{
	return (int)(ax_now() / 1000000);
}

/* ---- the sensor: a stream written by hand ------------------------------ */

static const ax_val temps[] = { 21, 24, 31, 26, 22 };
#define NTEMPS 5

typedef struct sensor {
	ax_stream s;	  /* every stream starts with this header */
	size_t next;	  /* index of the next reading */
	bool waiting;	  /* tick holds the timer for the next reading */
	ax_sleep_t tick;
} sensor;

/* poll_next: AX_READY with *item set, AX_DONE at the end, or AX_PENDING
 * (the timer holds our waker and will wake us). */
static ax_poll_t sensor_next(ax_stream *st, ax_cx *cx, ax_val *item)
{
	sensor *s = (sensor *)(void *)st;
	if (s->next == NTEMPS)
		return AX_DONE;
	if (!s->waiting) {
		s->tick = ax_sleep_ms(50);
		s->waiting = true;
	}
	if (ax_poll(&s->tick.base, cx) == AX_PENDING)
		return AX_PENDING;
	s->waiting = false;
	*item = temps[s->next++];
	return AX_READY;
}

static void sensor_drop(ax_stream *st)
{
	sensor *s = (sensor *)(void *)st;
	if (s->waiting)
		ax_future_drop(&s->tick.base);
	free(s);
}

static const ax_stream_vt sensor_vt = { "sensor", sensor_next, sensor_drop };

static ax_stream *sensor_new(void)
{
	sensor *s = calloc(1, sizeof *s);
	if (s)
		s->s.vt = &sensor_vt;
	return &s->s;
}

/* ---- the consumer ------------------------------------------------------ */

static void handle(ax_val t)
{
	printf("[%d ms] reading %lld\n", now_ms(), (long long)t);
	if (t > 30)
		printf("[%d ms] ALERT: %lld is over 30\n", now_ms(), (long long)t);
}

AX_ASYNC(main_async, int, ax_stream *s; ax_collected all; size_t i; int n;
	 ax_val max;)
{
	AX_BEGIN;
	self->s = sensor_new();
	/* TODO(you): this waits for the stream to END, then handles every
	 * reading at once.  Take the readings one at a time as they arrive
	 * (ax_next) and handle each right away. */
	AX_AWAIT_TO(self->all, ax_stream_collect(self->s));
	for (self->i = 0; self->i < self->all.n; self->i++) {
		handle(self->all.v[self->i]);
		self->n++;
		if (self->all.v[self->i] > self->max)
			self->max = self->all.v[self->i];
	}
	free(self->all.v);

	printf("[%d ms] %d readings, max %lld\n", now_ms(), self->n,
	       (long long)self->max);
	AX_RETURN(0);
	AX_END;
}

int main(void)
{
	return AX_RUN(AX_CALL(main_async));
}
