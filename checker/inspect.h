/* inspect.h - the inspector's private interfaces: the build step, the
 * sandboxed run, the event-stream reader, symbolisation and the report
 * builder.  Shared by checker/inspect*.c and the inspector's tests. */
#ifndef ASYNCLAB_INSPECT_H
#define ASYNCLAB_INSPECT_H

#include "axcheck.h"
#include "report_priv.h"

#include <jansson.h>

#include <sys/types.h>

/* ---- event stream (inspect_events.c) ---------------------------------- */

/* The probe's event stream, parsed as it arrives.  Tasks, timeline spans
 * and trace events go straight into a typed report under construction,
 * with their times made relative to the start of the run; findings stay
 * raw until the report builder symbolises them.  Lines that are not JSON
 * objects are counted and skipped, so a program writing garbage on the
 * probe's descriptor cannot confuse the report. */
typedef struct axc__events {
	axc_report *rep;  /* tasks, spans, trace (owned until the builder takes it) */
	json_t *hello;	  /* the hello object, or NULL */
	json_t *findings; /* array of the raw finding events */
	json_t *stats;	  /* the last stats event, or NULL */
	json_t *crash;	  /* a {"ev":"crash"} event, or NULL */
	json_t *end;	  /* the checker's {"ev":"end"} (it stopped the program), or NULL */
	uint64_t spans_dropped;
	uint64_t tasks_dropped;
	uint64_t trace_dropped;
	uint64_t bad_lines;
	uint64_t t_base;	  /* subtracted from the probe's times (a real clock's start) */
	uint64_t last_t;	  /* the latest time seen, after t_base */
	bool seen_t;
	bool virt;		  /* the program's runtime clock is virtual */
	bool rt_seen;		  /* a runtime reported its clock */
	bool deadlock;		  /* the runtime's deadlock hook fired */
	bool stalled;		  /* the watchdog reported a stalled poll */
	bool bye;
	char *buf;	  /* an incomplete trailing line */
	size_t len, cap;
} axc__events;

void axc__ev_init(axc__events *ev);
/* Feed bytes as they are read; complete lines are parsed at once. */
void axc__ev_feed(axc__events *ev, const char *data, size_t n);
/* End of stream: a trailing line without a newline is parsed too. */
void axc__ev_finish(axc__events *ev);
void axc__ev_free(axc__events *ev);

/* ---- build (inspect_build.c) ------------------------------------------ */

/* Where the compiler finds asynclab.h and libasynclab, and the probe. */
typedef struct axc__paths {
	const char *cc, *include, *libdir, *probe;
	const char *sandbox_init; /* the sandbox's first process (sandbox.h) */
	bool build_tree; /* paths of the uninstalled build tree */
} axc__paths;

void axc__paths_get(axc__paths *p);
/* Whether libasynclab was built with sanitizers (then programs are built
 * with them too, and the memory limit is not applied). */
bool axc__sanitized(void);

typedef struct axc__build {
	bool ok;
	char *command; /* shell-quoted, for the report */
	char *output;  /* the compiler's stdout + stderr */
	char *exe;     /* the program, inside dir */
	char *dir;     /* a temporary directory, removed by axc__build_free */
} axc__build;

/* Compile o->files into a program.  Returns 0 (b->ok says whether the
 * compiler succeeded) or -errno when the compiler could not be started. */
int axc__build_run(const axc_opts *o, const axc__paths *p, axc__build *b);
void axc__build_free(axc__build *b);
/* Quote a command for a shell, for display.  malloc'd. */
char *axc__shell_join(const char *const *argv);

/* ---- sandboxed run (inspect_run.c) ------------------------------------ */

typedef struct axc__result {
	int status;	      /* exit status, or -1 when killed by a signal */
	int sig;	      /* the signal, or 0 */
	bool timed_out;
	bool killed;	      /* we sent the signal (time or output limit) */
	const char *limit;    /* NULL, "time", "memory", "processes", "output" */
	char *out, *err;      /* kept output, NUL-terminated */
	size_t out_len, err_len;
	bool truncated;
	uint64_t wall_ns;
	uint64_t peak_vm_kb;  /* largest address space seen while running */
	int peak_tasks;	      /* most processes + threads seen in the group */
	bool probe_missing;   /* the probe library was not found: not preloaded */
	char *stage;	      /* as root: copies of the program and libraries the
				 sandbox uid can read, removed with the result */
	axc__events ev;
} axc__result;

/* Run exe with args under the limits of o, the probe of p (unless
 * o->no_probe), and collect everything into r.  Returns 0 or -errno when
 * the child could not be started. */
int axc__run_child(const axc_opts *o, const axc__paths *p, const char *exe,
		   axc__result *r);
void axc__result_free(axc__result *r);
/* Removes staging folders left in /tmp by runs that were killed (the
 * first run of a process does it). */
void axc__stage_sweep(void);

/* ---- symbolisation (inspect_symbol.c) --------------------------------- */

typedef struct axc__sym axc__sym;

typedef struct axc__where {
	char *func, *file; /* malloc'd, or NULL when unknown */
	int line, column;
} axc__where;

axc__sym *axc__sym_new(void);
void axc__sym_free(axc__sym *s);
/* Look up offset off (address minus load base) in module file mod.
 * Returns 0 and fills *w (free with axc__where_free), or -ENOENT. */
int axc__sym_lookup(axc__sym *s, const char *mod, uint64_t off, axc__where *w);
void axc__where_free(axc__where *w);

/* ---- suppression comments (inspect_suppress.c) ------------------------ */

/* The source files read for "asynclab: allow(ID, ...)" comments, each
 * read once.  Reading a file adds a warning to the report for every
 * unknown id (or unreadable directive) in its comments. */
typedef struct axc__srcs axc__srcs;

axc__srcs *axc__srcs_new(void);
void axc__srcs_free(axc__srcs *s);
/* Read file now (for its warnings). */
void axc__srcs_scan(axc__srcs *s, axc_report *r, const char *file);
/* Whether line of file has an "asynclab: allow(...)" comment naming id. */
bool axc__allowed_by_comment(axc__srcs *s, axc_report *r, const char *file, int line,
			     const char *id);

/* ---- the report (inspect_report.c) ------------------------------------ */

/* What the report builder needs besides the events. */
typedef struct axc__inputs {
	const char *program;	  /* as the user named it */
	const axc__build *build;  /* NULL for a prebuilt program */
	axc__result *res;	  /* the run, or NULL when the build failed; its
				     events' report is taken over */
	const char *probe;	  /* the probe's path */
} axc__inputs;

/* Build the run report.  Never fails except for memory (NULL). */
axc_report *axc__report_make(const axc_opts *o, axc__inputs *in);

/* The report's warnings (about the source) as GCC-style lines
 * (inspect_text.c; axc_render_text begins with them). */
void axc__render_warnings(const axc_report *r, FILE *out);

/* A finding as the JSON form writes it (report_json.c). */
json_t *axc__finding_json(const axc_report *r, const axc_finding *f);

/* The name of a signal ("SIGSEGV"), or "SIG<n>". */
const char *axc__signame(int sig, char *buf, size_t n);

/* json helpers */
const char *axc__jstr(const json_t *o, const char *key);	/* NULL if absent */
json_int_t axc__jint(const json_t *o, const char *key, json_int_t dflt);

#endif /* ASYNCLAB_INSPECT_H */
