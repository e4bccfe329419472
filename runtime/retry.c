/* retry.c - run a fallible operation again after a failure, waiting an
 * exponentially growing, optionally jittered delay between attempts, up to
 * an attempt limit or a deadline.  Jitter comes from a splitmix generator
 * seeded from the runtime's seed, so a seeded run repeats its delays. */
#include "internal.h"

enum { R_START = 0, R_RUNNING = 1, R_SLEEPING = 2 };

uint64_t ax_retry_delay_ms(const ax_retry_opts *o, int attempt, uint64_t *rng)
{
	uint64_t cap = o->max_ms ? o->max_ms : UINT64_MAX;
	uint64_t d;
	if (attempt < 1)
		attempt = 1;
	/* base * 2^(attempt-1), saturating at the cap instead of overflowing. */
	if (o->base_ms == 0)
		d = 0;
	else if (attempt - 1 >= 63 || o->base_ms > (cap >> (attempt - 1)))
		d = cap;
	else
		d = o->base_ms << (attempt - 1);
	if (d > cap)
		d = cap;
	if (o->jitter && rng && d > 0) {
		/* Uniform in [d/2, d]: "equal jitter", which keeps at least half
		 * the backoff while spreading retries of many clients apart. */
		uint64_t lo = d / 2, span = d - lo + 1;
		d = lo + ax__rand(rng) % span;
	}
	return d;
}

/* A seed of its own for each retry future: the runtime seed mixed with
 * the order in which retries started, identical from run to run. */
static uint64_t jitter_seed(void)
{
	AX_MT_SCOPE(); /* jitter_seq is the runtime's, shared by every task */
	ax_rt *rt = ax__cur_rt;
	if (!rt)
		return 0;
	uint64_t s = rt->seed ^ (++rt->jitter_seq * 0xD1B54A32D192ED03ull);
	return ax__rand(&s);
}

static int start_attempt(ax_retry_t *r)
{
	r->child = r->make(r->attempt, r->ud);
	if (!r->child) {
		r->out.err = -ENOMEM;
		return -ENOMEM;
	}
	r->base.state = R_RUNNING;
	return 0;
}

static ax_poll_t retry_poll(ax_future *f, ax_cx *cx)
{
	ax_retry_t *r = (ax_retry_t *)(void *)f;
	if (r->base.state == R_START) {
		r->start = ax_now();
		r->rng = jitter_seed();
		r->attempt = 1;
		if (start_attempt(r) < 0)
			return AX_READY;
	}
	for (;;) {
		if (r->base.state == R_SLEEPING) {
			if (ax_poll(&r->sleep.base, cx) == AX_PENDING)
				return AX_PENDING;
			r->attempt++;
			if (start_attempt(r) < 0)
				return AX_READY;
		}
		if (ax_poll(r->child, cx) == AX_PENDING)
			return AX_PENDING;
		r->out = ax_future_res(r->child);
		ax_future_free(r->child);
		r->child = NULL;
		if (r->out.err == 0)
			return AX_READY;
		if (r->opts.max_attempts > 0 && r->attempt >= r->opts.max_attempts)
			return AX_READY;
		uint64_t d = ax_retry_delay_ms(&r->opts, r->attempt, &r->rng);
		uint64_t next = ax_now() + d * 1000000ull;
		if (r->opts.deadline_ms &&
		    next > r->start + r->opts.deadline_ms * 1000000ull) {
			r->out.err = -ETIMEDOUT;
			return AX_READY;
		}
		r->sleep = ax_sleep_until(next);
		r->base.state = R_SLEEPING;
	}
}

static void retry_drop(ax_future *f)
{
	ax_retry_t *r = (ax_retry_t *)(void *)f;
	ax_future_free(r->child);
	r->child = NULL;
	ax_future_drop(&r->sleep.base);
}

static const ax_future_vt retry_vt =
	AX_VT_OF(ax_retry_t, "retry", retry_poll, retry_drop, AX_VT_RES);

ax_retry_t ax_retry(ax_make_fn make, void *ud, ax_retry_opts opts)
{
	return (ax_retry_t){ .base.vt = &retry_vt,
			     .make = make,
			     .ud = ud,
			     .opts = opts,
			     .sleep = ax_sleep_until(0) };
}
