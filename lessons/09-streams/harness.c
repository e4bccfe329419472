/* harness.c - lesson 9's side: the sensors (streams written by hand, a
 * reading every 50 ms), handle, and main(), which has the learner's
 * watch() read two sensors (the second's readings are not in the lesson
 * text) and judges from the sensor's and handle's records whether each
 * reading was handled before the next one was asked for, whether every
 * reading was handled once and the stream read to its end, whether the
 * summary is right and whether the stream was freed. */
#include "harness_kit.h"
#include "lesson.h"

#include <asynclab/future.h>
#include <stdio.h>

#define NSENSORS 2
#define MAXREAD 8
static const ax_val readings[NSENSORS][MAXREAD] = {
	{ 21, 24, 31, 26, 22 },
	{ 29, 35, 18, 33, 30, 27 },
};
static const int nreadings[NSENSORS] = { 5, 6 };

/* What each sensor saw: when each reading was given out, when the stream
 * was next asked for an item after it (and from which of the learner's
 * awaits), whether it was read to its end and freed. */
static struct sensor_log {
	int given;			/* readings given out */
	unsigned given_at[MAXREAD];	/* sequence number of each */
	unsigned asked_after[MAXREAD];	/* first poll_next after it (0: none) */
	const ax_site *asked_site[MAXREAD];
	bool ended, closed;
	unsigned closed_at;
} logs[NSENSORS];

typedef struct sensor {
	ax_stream s;	/* every stream starts with this header */
	int id;		/* which sensor: its readings and its log */
	int next;	/* index of the next reading */
	bool waiting;	/* tick holds the timer for the next reading */
	ax_sleep_t tick;
} sensor;

static ax_poll_t sensor_next(ax_stream *st, ax_cx *cx, ax_val *item)
{
	sensor *s = (sensor *)(void *)st;
	struct sensor_log *lg = &logs[s->id];
	axh__tick();
	if (s->next > 0 && !lg->asked_after[s->next - 1]) {
		lg->asked_after[s->next - 1] = axh_seq();
		lg->asked_site[s->next - 1] = axh_caller();
	}
	if (s->next == nreadings[s->id]) {
		lg->ended = true;
		return AX_DONE;
	}
	if (!s->waiting) {
		s->tick = ax_sleep_ms(50);
		s->waiting = true;
	}
	if (ax_poll(&s->tick.base, cx) == AX_PENDING)
		return AX_PENDING;
	s->waiting = false;
	lg->given_at[s->next] = axh_seq();
	lg->given = s->next + 1;
	*item = readings[s->id][s->next++];
	return AX_READY;
}

static void sensor_drop(ax_stream *st)
{
	sensor *s = (sensor *)(void *)st;
	logs[s->id].closed = true;
	logs[s->id].closed_at = axh_seq();
	if (s->waiting)
		ax_future_drop(&s->tick.base);
	free(s);
}

static const ax_stream_vt sensor_vt = { "sensor", sensor_next, sensor_drop };

static ax_stream *sensor_new(int id)
{
	sensor *s = calloc(1, sizeof *s);
	if (!s)
		return NULL;
	s->s.vt = &sensor_vt;
	s->id = id;
	return &s->s;
}

AXH_SERVICE(handle, int)
{
	int rec = AXH_REC_BEGIN("handle");
	if (rec >= 0)
		axh_recs[rec].arg = self->t;
	AX_BEGIN;
	printf("[%lld ms] reading %lld\n", (long long)axh_ms(), (long long)self->t);
	if (self->t > 30)
		printf("[%lld ms] ALERT: %lld is over 30\n", (long long)axh_ms(),
		       (long long)self->t);
	axh_rec_end(self, 0, 0);
	AX_RETURN(0);
	AX_END;
}

static summary sums[NSENSORS];
static unsigned returned_at[NSENSORS];
static const ax_site *watch_site;	/* a learner's line, for checks without one */

/* The handle calls of sensor p, in order. */
static int handled(int p, const axh_rec **out, int cap)
{
	int n = 0;
	for (int i = 0; i < axh_nrecs; i++)
		if (axh_recs[i].step == p && !strcmp(axh_recs[i].svc, "handle")) {
			if (n < cap)
				out[n] = &axh_recs[i];
			n++;
		}
	return n;
}

static void judge(void)
{
	char why[512] = "";
	const ax_site *at = NULL;
	const axh_rec *h[64];
	bool ok = true;

	/* every-item: each reading handled once, in order, and the stream
	 * read to its end (asked once more after the last reading). */
	for (int p = 0; p < NSENSORS && ok; p++) {
		int n = handled(p, h, 64);
		const struct sensor_log *lg = &logs[p];
		for (int k = 0; k < n && k < 64 && ok; k++)
			if (k >= nreadings[p] || h[k]->arg != readings[p][k]) {
				at = h[k]->site;
				if (k >= nreadings[p])
					snprintf(why, sizeof why, "sensor %d gave %d readings, but "
						 "handle was called %d times", p + 1, nreadings[p], n);
				else
					snprintf(why, sizeof why, "handle call %d for sensor %d was "
						 "given %lld, but the sensor's reading %d was %lld", k + 1,
						 p + 1, (long long)h[k]->arg, k + 1,
						 (long long)readings[p][k]);
				ok = false;
			}
		if (!ok)
			break;
		if (n > lg->given) {
			snprintf(why, sizeof why, "handle was called for %d readings, but sensor %d "
				 "gave %d: the others did not come from the sensor", n, p + 1,
				 lg->given);
			ok = false;
		} else if (n < lg->given) {
			snprintf(why, sizeof why, "sensor %d gave %d readings, but only %d were "
				 "handled", p + 1, lg->given, n);
			ok = false;
		} else if (!lg->ended) {
			snprintf(why, sizeof why, "sensor %d was not read to its end: watch stopped "
				 "asking after %d of its readings", p + 1, lg->given);
			ok = false;
		}
	}
	axh_check("every-item", ok, ok ? NULL : (at ? at : watch_site), "%s", why);

	/* as-they-arrive: each reading was handled before the sensor was asked
	 * for the next one. */
	ok = true;
	at = NULL;
	for (int p = 0; p < NSENSORS && ok; p++) {
		int n = handled(p, h, 64);
		const struct sensor_log *lg = &logs[p];
		if (n == 0 && lg->given > 0) {
			snprintf(why, sizeof why, "no reading of sensor %d was handled (handle was "
				 "never called)", p + 1);
			ok = false;
			break;
		}
		if (n == 0) {
			snprintf(why, sizeof why, "sensor %d was never read", p + 1);
			ok = false;
			break;
		}
		for (int k = 0; k < n && k < lg->given && ok; k++) {
			if (h[k]->s0 < lg->given_at[k])
				continue; /* reported by every-item: not a reading yet */
			if (lg->asked_after[k] && lg->asked_after[k] < h[k]->s0) {
				int ahead = 0;
				for (int j = k; j < lg->given; j++)
					ahead += lg->given_at[j] < h[k]->s0;
				at = lg->asked_site[k] ? lg->asked_site[k] : h[k]->site;
				snprintf(why, sizeof why, "reading %d of sensor %d (%lld) was handled "
					 "only after %s", k + 1, p + 1, (long long)readings[p][k],
					 ahead == lg->given - k && lg->given > k + 1
						 ? "the sensor had given all its readings"
						 : "the sensor had been asked for the next one");
				ok = false;
			}
		}
	}
	axh_check("as-they-arrive", ok, at, "%s", why);

	/* summary: the count and the highest reading. */
	ok = true;
	for (int p = 0; p < NSENSORS && ok; p++) {
		ax_val max = readings[p][0];
		for (int k = 1; k < nreadings[p]; k++)
			if (readings[p][k] > max)
				max = readings[p][k];
		if (sums[p].n != nreadings[p] || sums[p].max != max) {
			snprintf(why, sizeof why, "for sensor %d watch reported %d readings, max "
				 "%lld; the sensor gave %d readings, max %lld", p + 1, sums[p].n,
				 (long long)sums[p].max, nreadings[p], (long long)max);
			ok = false;
		}
	}
	axh_check("summary", ok, ok ? NULL : watch_site, "%s", why);

	/* closed: the stream freed by the time watch returned. */
	ok = true;
	for (int p = 0; p < NSENSORS && ok; p++)
		if (!logs[p].closed || logs[p].closed_at > returned_at[p]) {
			snprintf(why, sizeof why, "watch returned without freeing sensor %d's stream",
				 p + 1);
			ok = false;
		}
	axh_check("closed", ok, ok ? NULL : watch_site, "%s", why);
}

AX_ASYNC(lesson_main, int, int p; axh_ret r; ax_stream *s;)
{
	AX_BEGIN;
	for (self->p = 0; self->p < NSENSORS; self->p++) {
		axh_step = self->p;
		self->s = sensor_new(self->p);
		if (!self->s) {
			axh_end("error", "out of memory in the lesson's harness");
			AX_RETURN(0);
		}
		AX_AWAIT_TO(self->r, axh_call("watch", axl_entry_watch(self->s, &sums[self->p])));
		returned_at[self->p] = axh_seq();
		if (!watch_site)
			for (int i = 0; i < axh_nrecs && !watch_site; i++)
				watch_site = axh_recs[i].site;
		if (!logs[self->p].closed)
			ax_stream_free(self->s); /* the learner's leak, not the lesson's */
		printf("[%lld ms] sensor %d: %d readings, max %lld\n", (long long)axh_ms(),
		       self->p + 1, sums[self->p].n, (long long)sums[self->p].max);
	}
	judge();
	axh_end("done", "%s", "");
	AX_RETURN(0);
	AX_END;
}

int main(void)
{
	axh_init();
	return AXH_RUN(AX_CALL(lesson_main));
}
