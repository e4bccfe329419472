/* axcheck.h - the checker's out-of-process half (the inspector): builds a C
 * program against libasynclab, runs it under the probe in a sandboxed
 * child and turns the probe's event stream into a typed run report
 * (report.h), which renders as GCC-style text, JSON lines, SARIF 2.1.0 or
 * the whole report as JSON (docs/checker.md, docs/report-schema.json). */
#ifndef ASYNCLAB_AXCHECK_H
#define ASYNCLAB_AXCHECK_H

#include "finding_ids.h"
#include "report.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* The finding ids, in the order of finding_ids.h (bit i of a mask is id
 * i). */
#define AXC__ID_ENUM(e, name, summary, fix) AXC_##e,
enum axc_id { AXC_FINDINGS(AXC__ID_ENUM) AXC_ID_COUNT };
#undef AXC__ID_ENUM

/* The stable kebab-case name of id i ("blocking-call"), a one-sentence
 * fix, and what it catches (for --help and SARIF).  NULL when i is out of
 * range.  Which lesson teaches the fix is the lessons' to say (lesson.ini's
 * teaches key; axc_render_opts.lesson_of). */
const char *axc_id_name(int i);
const char *axc_id_fix(int i);
const char *axc_id_summary(int i);
/* The index of a name, or -1. */
int axc_id_lookup(const char *name);
/* Parse a comma-separated list of ids into a mask.  Returns 0, or -EINVAL
 * and points *bad at the first unknown name (a static copy, valid until
 * the next call). */
int axc_ids_parse(const char *list, unsigned *mask, const char **bad);

/* Detector thresholds.  Each is passed to the probe as the environment
 * variable ASYNCLAB_CHECK_<NAME> and set on the command line as
 * --<flag> N.  A value below 0 leaves the probe's default. */
enum axc_threshold {
	AXC_TH_STALL_MS,     /* stalled-poll: a poll longer than this many ms */
	AXC_TH_SPAWN_LIMIT,  /* unbounded-spawn: live tasks from one spawn site */
	AXC_TH_SPAWN_BURST,  /* unbounded-spawn: spawns within one poll */
	AXC_TH_BUSY_WAKE,    /* busy-wake: self-wakes in a row without progress */
	AXC_TH_CANCEL_POLLS, /* ignored-cancel: polls after cancellation */
	AXC_TH_COUNT
};

typedef struct axc_threshold_info {
	const char *flag; /* "stall-ms" */
	const char *env;  /* "ASYNCLAB_CHECK_STALL_MS" */
	const char *help; /* one line for --help */
} axc_threshold_info;

/* NULL when i is out of range. */
const axc_threshold_info *axc_threshold(int i);

typedef enum axc_clock {
	AXC_CLOCK_REAL = 0,	/* the program's real monotonic clock (check's default) */
	AXC_CLOCK_VIRTUAL = 1	/* virtual time (lessons) */
} axc_clock;

/* What to check and how.  Fill with axc_opts_init, then set fields.  All
 * strings and arrays are borrowed for the duration of axc_run. */
typedef struct axc_opts {
	const char *const *files; /* C sources to compile and link (.c), or NULL */
	size_t nfiles;
	const char *program;	  /* a prebuilt program, used when nfiles == 0 */
	const char *const *args;  /* the program's arguments (not argv[0]) */
	size_t nargs;
	const char *const *cflags; /* extra compiler arguments (-I, -D, ...) */
	size_t ncflags;
	const char *const *env;	  /* extra NAME=value entries for the child */
	size_t nenv;
	const char *stdin_path;	  /* the child's stdin; NULL: /dev/null */
	const char *workdir;	  /* the child's working directory; NULL: ours */

	uint64_t time_ms;	  /* wall-time limit (default 10000) */
	uint64_t mem_mb;	  /* address-space limit, RLIMIT_AS (default 1024) */
	int nproc;		  /* processes + threads the program may add (default 64) */
	size_t output_bytes;	  /* stdout and stderr kept, each (default 1 MiB);
				     a program writing 16 times that is killed */

	unsigned only;		  /* mask of ids to report; 0: every id */
	unsigned allow;		  /* mask of ids never reported */
	long thresholds[AXC_TH_COUNT]; /* < 0: the probe's default */
	uint64_t seed;		  /* ASYNCLAB_SEED when seed_set */
	bool seed_set;
	axc_clock clock;	  /* ASYNCLAB_CLOCK for the child */
	bool no_probe;		  /* run without LD_PRELOAD of the probe */
	bool trace;		  /* record the scheduler trace (ASYNCLAB_TRACE=1) */
	uint64_t trace_max;	  /* trace events kept; 0: the default (200000) */
} axc_opts;

void axc_opts_init(axc_opts *o);

/* Build (when o->files) and run the program under the probe, and make the
 * run report.  On return 0, *report is a new report the caller frees with
 * axc_report_free; it is produced for failed builds (built false),
 * crashes and limits too.  Returns -errno only when nothing could be run
 * at all (no fork, no temporary directory, bad options: -EINVAL). */
int axc_run(const axc_opts *o, axc_report **report);

/* `asynclab check ...`: parses argv (argv[0] is "check"), runs, renders,
 * and returns the exit status (0, 1 or 2).  Prints to stdout/stderr.
 * ro (may be NULL) names the lesson that teaches each fix. */
int axc_main(int argc, char **argv, const axc_render_opts *ro);

#endif /* ASYNCLAB_AXCHECK_H */
