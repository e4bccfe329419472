/* Lesson 9: streams, processing items as they arrive.  The reference
 * solution: `while let Some(t) = stream.next().await` with ax_next. */
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

AX_ASYNC(main_async, int, ax_stream *s; ax_opt item; int n; ax_val max;)
{
	AX_BEGIN;
	self->s = sensor_new();
	/* Async iteration: each ax_next is one poll_next until it yields an
	 * item (some) or the end (!some).  Between items this task sleeps,
	 * and each reading is handled the moment it arrives.  Collecting
	 * first would hold every reading (and the alert) until the stream
	 * ends, and needs memory for all of them. */
	for (;;) {
		AX_AWAIT_TO(self->item, ax_next(self->s));
		if (!self->item.some)
			break;
		handle(self->item.val);
		self->n++;
		if (self->item.val > self->max)
			self->max = self->item.val;
	}
	ax_stream_free(self->s); /* ax_next borrows the stream; we own it */

	printf("[%d ms] %d readings, max %lld\n", now_ms(), self->n,
	       (long long)self->max);
	AX_RETURN(0);
	AX_END;
}

int main(void)
{
	return AX_RUN(AX_CALL(main_async));
}
