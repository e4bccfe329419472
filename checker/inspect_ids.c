/* inspect_ids.c - the finding ids (from finding_ids.h) with their fix,
 * the detector thresholds, default options, and small helpers the other
 * inspector files share. */
#include "config.h"

#include "inspect.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct id_info {
	const char *name, *summary, *fix;
};

#define ID_INFO(e, name, summary, fix) [AXC_##e] = { name, summary, fix },
static const struct id_info ids[AXC_ID_COUNT] = { AXC_FINDINGS(ID_INFO) };
#undef ID_INFO

const char *axc_id_name(int i)
{
	return i >= 0 && i < AXC_ID_COUNT ? ids[i].name : NULL;
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
			      "stalled-poll: report a poll using N ms of CPU (or blocked N ms)" },
	[AXC_TH_SPAWN_LIMIT] = { "spawn-limit", "ASYNCLAB_CHECK_SPAWN_LIMIT",
				 "unbounded-spawn: spawns from one site, none waited for" },
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
