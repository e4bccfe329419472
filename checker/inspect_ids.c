/* inspect_ids.c - the finding ids with their lesson and fix, the detector
 * thresholds, default options, and small helpers the other inspector files
 * share.  The id -> lesson table is the contract of docs/checker.md. */
#include "config.h"

#include "inspect.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct id_info {
	const char *name, *lesson, *fix, *summary;
};

static const struct id_info ids[AXC_ID_COUNT] = {
	[AXC_BLOCKING_CALL] = { "blocking-call", "blocking",
		"Use the async form of the call (ax_sleep_ms, ax_read, ...) or move it to ax_spawn_blocking.",
		"a blocking call made inside a poll, which stalls every task on the executor" },
	[AXC_STALLED_POLL] = { "stalled-poll", "blocking",
		"Return to the executor sooner: await instead of waiting, split long work with ax_yield, or use ax_spawn_blocking.",
		"a poll that ran longer than the stall threshold" },
	[AXC_LOCK_ACROSS_AWAIT] = { "lock-across-await", "lock-across-await",
		"Release the blocking lock before the await, or use the async mutex ax_mutex.",
		"a blocking lock still held when its poll returned pending" },
	[AXC_UNBOUNDED_SPAWN] = { "unbounded-spawn", "unbounded-spawn",
		"Bound the concurrency: a semaphore, a bounded channel or ax_stream_buffer_unordered(n).",
		"more live tasks from one spawn site than the limit, or a burst of spawns in one poll" },
	[AXC_LOST_WAKER] = { "lost-waker", "manual-future",
		"Before returning AX_PENDING, store a clone of the context's waker where the event that completes the future will wake it.",
		"a task returned pending with no waker left that could wake it" },
	[AXC_BUSY_WAKE] = { "busy-wake", "manual-future",
		"Wake the task only when its event happened, not on every poll; register the waker and return AX_PENDING.",
		"a task that keeps waking itself without making progress" },
	[AXC_NEVER_POLLED] = { "never-polled", "await",
		"Await the future (or spawn it); creating a future does nothing until it is polled.",
		"a future created and dropped without ever being polled" },
	[AXC_LEAKED_TASK] = { "leaked-task", "spawn",
		"Make sure every task can finish: await or abort its join handle, and check that something will wake it.",
		"tasks still pending when the runtime shut down, or every task asleep with nothing to wake one" },
	[AXC_IGNORED_CANCEL] = { "ignored-cancel", "cancel-token",
		"Check the cancellation token (or select on ax_token_cancelled) at each step and return when it fires.",
		"a cancelled task that kept running for many polls" },
	[AXC_MOVED_FUTURE] = { "moved-future", "pin",
		"Do not move a future after its first poll: keep it in its frame or box it.",
		"a future polled at a different address than its first poll" },
};

const char *axc_id_name(int i)
{
	return i >= 0 && i < AXC_ID_COUNT ? ids[i].name : NULL;
}

const char *axc_id_lesson(int i)
{
	return i >= 0 && i < AXC_ID_COUNT ? ids[i].lesson : NULL;
}

const char *axc_id_fix(int i)
{
	return i >= 0 && i < AXC_ID_COUNT ? ids[i].fix : NULL;
}

const char *axc_id_summary(int i)
{
	return i >= 0 && i < AXC_ID_COUNT ? ids[i].summary : NULL;
}

int axc_id_lookup(const char *name)
{
	for (int i = 0; name && i < AXC_ID_COUNT; i++)
		if (!strcmp(ids[i].name, name))
			return i;
	return -1;
}

int axc_ids_parse(const char *list, unsigned *mask, const char **bad)
{
	static char badbuf[64];
	unsigned m = 0;
	const char *p = list ? list : "";

	while (*p) {
		size_t n = strcspn(p, ",");
		char name[64];
		if (n > 0) {
			int i = -1;
			if (n < sizeof name) {
				memcpy(name, p, n);
				name[n] = '\0';
				i = axc_id_lookup(name);
			}
			if (i < 0) {
				snprintf(badbuf, sizeof badbuf, "%.*s", (int)(n < 63 ? n : 63), p);
				if (bad)
					*bad = badbuf;
				return -EINVAL;
			}
			m |= 1u << i;
		}
		p += n;
		if (*p == ',')
			p++;
	}
	*mask = m;
	return 0;
}

static const axc_threshold_info thresholds[AXC_TH_COUNT] = {
	[AXC_TH_STALL_MS] = { "stall-ms", "ASYNCLAB_CHECK_STALL_MS",
			      "stalled-poll: report a poll longer than N ms" },
	[AXC_TH_SPAWN_LIMIT] = { "spawn-limit", "ASYNCLAB_CHECK_SPAWN_LIMIT",
				 "unbounded-spawn: live tasks from one spawn site" },
	[AXC_TH_SPAWN_BURST] = { "spawn-burst", "ASYNCLAB_CHECK_SPAWN_BURST",
				 "unbounded-spawn: spawns within one poll" },
	[AXC_TH_BUSY_WAKE] = { "busy-wake", "ASYNCLAB_CHECK_BUSY_WAKE",
			       "busy-wake: self-wakes in a row without progress" },
	[AXC_TH_CANCEL_POLLS] = { "cancel-polls", "ASYNCLAB_CHECK_CANCEL_POLLS",
				  "ignored-cancel: polls after cancellation" },
};

const axc_threshold_info *axc_threshold(int i)
{
	return i >= 0 && i < AXC_TH_COUNT ? &thresholds[i] : NULL;
}

void axc_opts_init(axc_opts *o)
{
	memset(o, 0, sizeof *o);
	o->time_ms = 10000;
	o->mem_mb = 1024;
	o->nproc = 64;
	o->output_bytes = 1 << 20;
	for (int i = 0; i < AXC_TH_COUNT; i++)
		o->thresholds[i] = -1;
	o->clock = AXC_CLOCK_REAL;
}

const char *axc__signame(int sig, char *buf, size_t n)
{
	const char *abbrev = sigabbrev_np(sig);
	if (abbrev)
		snprintf(buf, n, "SIG%s", abbrev);
	else
		snprintf(buf, n, "SIG%d", sig);
	return buf;
}

const char *axc__jstr(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

json_int_t axc__jint(const json_t *o, const char *key, json_int_t dflt)
{
	const json_t *v = json_object_get(o, key);
	if (json_is_integer(v))
		return json_integer_value(v);
	if (json_is_real(v))
		return (json_int_t)json_real_value(v);
	if (json_is_string(v)) {
		char *end;
		long long x = strtoll(json_string_value(v), &end, 0);
		if (*end == '\0' && end != json_string_value(v))
			return x;
	}
	return dflt;
}
