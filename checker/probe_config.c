/* probe_config.c - the probe's thresholds and detector switches, read
 * once from the environment when the probe starts. */
#define _GNU_SOURCE
#include "probe.h"

#include <dlfcn.h>

#include <stdlib.h>
#include <string.h>

pr_config pr_cfg;

/* A number from the environment, or def when unset, empty or not a
 * number. */
static uint64_t env_num(const char *name, uint64_t def)
{
	const char *s = getenv(name);
	if (!s || !*s)
		return def;
	char *end;
	unsigned long long v = strtoull(s, &end, 10);
	return *end ? def : v;
}

/* How many times slower than natively the program's own code runs: 10
 * under valgrind (its preload library is in LD_PRELOAD), 3 in an
 * AddressSanitizer build, 5 under ThreadSanitizer, else 1.  A poll's CPU
 * time is compared with the stall threshold times this, so that the
 * instrumentation's cost never makes a short poll look stalled. */
static uint64_t default_slowdown(void)
{
	const char *pre = getenv("LD_PRELOAD");
	if (pre && strstr(pre, "vgpreload"))
		return 10;
	if (dlsym(RTLD_DEFAULT, "__tsan_init"))
		return 5;
	if (dlsym(RTLD_DEFAULT, "__asan_init"))
		return 3;
	return 1;
}

/* Switch detectors on or off from a comma-separated list of ids. */
static void set_ids(const char *list, bool on)
{
	while (list && *list) {
		size_t n = strcspn(list, ", ");
		for (int i = 0; i < F_COUNT; i++)
			if (strlen(pr_finding_ids[i]) == n &&
			    !strncmp(list, pr_finding_ids[i], n))
				pr_cfg.on[i] = on;
		list += n;
		list += strspn(list, ", ");
	}
}

/* Read the thresholds and switches from the environment (ASYNCLAB_CHECK_*;
 * the defaults are documented in docs/checker.md). */
void pr_config_init(void)
{
	pr_cfg.stall_ms = env_num("ASYNCLAB_CHECK_STALL_MS", 100);
	pr_cfg.slowdown = env_num("ASYNCLAB_CHECK_SLOWDOWN", default_slowdown());
	if (pr_cfg.slowdown == 0)
		pr_cfg.slowdown = 1;
	pr_cfg.spawn_limit = (uint32_t)env_num("ASYNCLAB_CHECK_SPAWN_LIMIT", 1000);
	pr_cfg.spawn_burst = (uint32_t)env_num("ASYNCLAB_CHECK_SPAWN_BURST", 500);
	pr_cfg.busy_wakes = (uint32_t)env_num("ASYNCLAB_CHECK_BUSY_WAKE", env_num("ASYNCLAB_CHECK_BUSY_WAKES", 100));
	pr_cfg.cancel_polls = (uint32_t)env_num("ASYNCLAB_CHECK_CANCEL_POLLS", 50);
	pr_cfg.max_spans = (uint32_t)env_num("ASYNCLAB_CHECK_MAX_SPANS", 20000);
	pr_cfg.max_tasks = (uint32_t)env_num("ASYNCLAB_CHECK_MAX_TASKS", 20000);
	if (pr_cfg.stall_ms == 0)
		pr_cfg.stall_ms = 1;
	if (pr_cfg.busy_wakes == 0)
		pr_cfg.busy_wakes = 1;
	const char *only = getenv("ASYNCLAB_CHECK_ONLY");
	for (int i = 0; i < F_COUNT; i++)
		pr_cfg.on[i] = !(only && *only);
	set_ids(only, true);
	set_ids(getenv("ASYNCLAB_CHECK_ALLOW"), false);
}
