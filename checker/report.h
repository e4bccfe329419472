/* report.h - the checker's run report, typed: how a checked run ended, its
 * findings, tasks, timeline spans, stats and output, and (in trace mode) the
 * scheduler trace.  axc_run produces it; the text, JSON and SARIF renderers
 * and the lesson engine and the lab read it.  No JSON library is needed to
 * use it: the JSON form (docs/report-schema.json) is one renderer, and
 * axc_report_read turns it back into this struct.
 *
 * Everything a report points to is owned by it and freed by
 * axc_report_free.  Times are nanoseconds from the start of the run, on the
 * clock the program's runtime used (virtual or real). */
#ifndef ASYNCLAB_REPORT_H
#define ASYNCLAB_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define AXC_REPORT_VERSION 2

/* ------------------------------------------------------------------------
 * How the run ended
 * ------------------------------------------------------------------------ */

typedef enum axc_end {
	AXC_END_NOT_BUILT = 0, /* the compiler failed: nothing ran */
	AXC_END_EXITED = 1,    /* the program exited (outcome.status) */
	AXC_END_SIGNAL = 2,    /* killed by a signal nobody sent it on purpose: a crash */
	AXC_END_LIMIT = 3,     /* the sandbox stopped it at a limit (outcome.limit) */
	AXC_END_STOPPED = 4    /* the checker stopped it: a certain deadlock (outcome.message) */
} axc_end;

typedef enum axc_limit {
	AXC_LIMIT_NONE = 0,
	AXC_LIMIT_TIME = 1,	 /* the wall-time limit */
	AXC_LIMIT_MEMORY = 2,	 /* the address-space limit */
	AXC_LIMIT_PROCESSES = 3, /* the process and thread limit */
	AXC_LIMIT_OUTPUT = 4	 /* the output flood limit */
} axc_limit;

typedef struct axc_outcome {
	axc_end end;
	int status;		 /* EXITED: the exit status; else -1 */
	int signal;		 /* the signal that ended it (SIGNAL, or the one a limit sent); 0 */
	const char *signal_name; /* "SIGSEGV", or NULL */
	axc_limit limit;	 /* LIMIT: which one */
	const char *message;	 /* STOPPED: the checker's reason; else NULL */
	bool probe;		 /* the probe reported (the program is linked with libasynclab) */
	bool tasks_ran;		 /* at least one task was spawned: false for a run stopped
				    at the time limit before any task ran */
	bool main_started;	 /* a block_on root ("main") task was spawned ... */
	bool main_done;		 /* ... and every such root completed */
	bool deadlock;		 /* the runtime found every task asleep with nothing to wake one */
	bool stalled;		 /* the watchdog saw a poll stuck past the stall threshold */
} axc_outcome;

/* ------------------------------------------------------------------------
 * Findings
 * ------------------------------------------------------------------------ */

typedef struct axc_frame {
	const char *function, *file; /* NULL when unknown */
	int line;
	bool user; /* the program's own code, not the runtime or libc */
} axc_frame;

typedef struct axc_note {
	const char *message;
	const char *file; /* NULL: at the finding's own location */
	int line;
} axc_note;

typedef struct axc_finding {
	int id;		     /* enum axc_id, or -1 for an id this checker does not know */
	const char *name;    /* the id as printed: "blocking-call" */
	const char *message;
	const char *file;    /* the location; file is never NULL (the program when unknown) */
	int line, column;    /* 0 when unknown */
	const char *function;
	int64_t task;	     /* the task it is about (axc_report_task), 0 for none */
	const axc_note *notes;
	size_t nnotes;
	const axc_frame *stack; /* innermost first */
	size_t nstack;
	const char *fix;     /* how to fix it, or NULL */
	int count;	     /* identical findings merged into this one */
	bool synthesised;    /* made by the inspector for a run stopped at the time limit */
	const char *suppressed; /* why it is not reported, or NULL: "comment" (an
				   asynclab: allow(ID) comment on its line),
				   "daemon" (a leaked ax_task_daemon task) */
} axc_finding;

/* Something in the checked program's source the checker could not act
 * on, such as an unknown id in an "asynclab: allow(...)" comment. */
typedef struct axc_warning {
	const char *file; /* never NULL */
	int line;
	const char *message;
} axc_warning;

/* ------------------------------------------------------------------------
 * Tasks, timeline, stats
 * ------------------------------------------------------------------------ */

typedef enum axc_task_state {
	AXC_TASK_PENDING = 0, /* still alive at the end */
	AXC_TASK_DONE = 1,    /* its future completed */
	AXC_TASK_ABORTED = 2  /* ended by abort (or dropped at shutdown) */
} axc_task_state;

typedef struct axc_task {
	int64_t id;	      /* in spawn order, from 1, unique in the run */
	int64_t parent;	      /* the task that spawned it; 0 outside a task */
	const char *name;     /* its name (AX_SPAWN_NAMED, "main" for block_on), or NULL */
	const char *future;   /* its future's name (the async function), or NULL */
	const char *spawn_file; /* NULL when unknown */
	int spawn_line;
	const char *spawn_func; /* the function that spawned it, as written, or NULL */
	axc_task_state state;
	uint64_t spawn_ns;
	int64_t exit_ns;      /* -1 while pending */
	bool root;	      /* a block_on root */
	bool daemon;	      /* marked as meant to run until the shutdown (ax_task_daemon) */
} axc_task;

typedef enum axc_span_kind {
	AXC_SPAN_POLL = 0,  /* polls (consecutive short ones merged) */
	AXC_SPAN_STALL = 1, /* the task stalled the executor (a blocking call, a long poll) */
	AXC_SPAN_LOCK = 2   /* the task held a blocking lock */
} axc_span_kind;

typedef struct axc_span {
	int64_t task;
	axc_span_kind kind;
	uint64_t t0, t1;
} axc_span;

typedef struct axc_stats {
	uint64_t end_ns;	  /* the runtime clock at the end, from the start */
	uint64_t wall_ns;	  /* real time the program ran */
	uint64_t peak_live_tasks;
	uint64_t tasks_spawned;
	uint64_t polls;
	bool virtual_clock;	  /* the program's runtime ran on the virtual clock */
	uint64_t spans_dropped;	  /* timeline spans over the cap */
	uint64_t tasks_dropped;	  /* task events over the probe's cap */
	uint64_t bad_event_lines; /* probe lines that were not events */
} axc_stats;

typedef struct axc_crash {
	const char *signal_name;
	const axc_frame *stack;
	size_t nstack;
	const char *note; /* why there is no stack, or NULL */
} axc_crash;

/* ------------------------------------------------------------------------
 * The scheduler trace (trace mode only: ASYNCLAB_TRACE=1, `check --trace`)
 *
 * One event per scheduler step, in the order they happened.  Ids: tasks as
 * in axc_task; futures, timers, locks and streams numbered from 1 in the
 * order the trace first saw them.  Which fields an event sets depends on
 * its kind (below); the others are 0 or NULL.
 * ------------------------------------------------------------------------ */

typedef enum axc_ev_kind {
	AXC_EV_SPAWN,	     /* task spawned: task, by (its parent), future, name, site */
	AXC_EV_READY,	     /* task appended to the ready queue */
	AXC_EV_POLL,	     /* the executor took task from the ready queue and polls it;
				site: where it resumes (its await), NULL at its first poll */
	AXC_EV_POLL_END,     /* task's poll returned result; PENDING: future is the leaf future
				it waits on (name), site the await it is suspended at */
	AXC_EV_EXIT,	     /* task finished; flag: aborted */
	AXC_EV_WAKE,	     /* task woken; by: the task that woke it (0: none); source */
	AXC_EV_WAKER_CLONE,  /* a waker of task stored; by: the task polling; future: the leaf
				future being polled when it was stored (the holder), name */
	AXC_EV_WAKER_DROP,   /* a waker of task released */
	AXC_EV_TIMER_ARM,    /* timer obj armed for task, deadline */
	AXC_EV_TIMER_CANCEL, /* timer obj cancelled */
	AXC_EV_TIMER_FIRE,   /* timer obj fired; task: the task it wakes */
	AXC_EV_LOCK_WAIT,    /* task waits for lock obj (lock_kind) held by another, site */
	AXC_EV_LOCK_ACQUIRE, /* task acquired lock obj, site */
	AXC_EV_LOCK_RELEASE, /* task released lock obj, site */
	AXC_EV_FUTURE_CREATE,/* future made (name, site) by task; parent: the future whose
				poll made it, 0 outside one */
	AXC_EV_FUTURE_POLL,  /* future polled (its poll returned result) in task; parent: the
				enclosing tracked future; flag: its first poll */
	AXC_EV_FUTURE_DROP,  /* future dropped in task; flag: it had completed */
	AXC_EV_STREAM_NEXT,  /* stream obj's poll_next (name) returned result in task */
	AXC_EV_CLOCK,	     /* the virtual clock jumped to deadline */
	AXC_EV_STALL,	     /* task stalled the executor (a blocking call) until deadline */
	AXC_EV_CANCEL,	     /* a cancellation: abort of task requested, by; or token obj cancelled */
	AXC_EV_DEADLOCK,     /* the runtime found every task asleep with nothing to wake one */
	AXC_EV_RT_START,     /* a runtime started; flag: on the virtual clock */
	AXC_EV_RT_STOP,	     /* a runtime is being freed */
	AXC_EV_KIND_COUNT
} axc_ev_kind;

typedef enum axc_poll_result {
	AXC_POLL_PENDING = 0,
	AXC_POLL_READY = 1,
	AXC_POLL_DONE = 2 /* a stream ended */
} axc_poll_result;

/* Who woke a task: itself during its poll, another task, another thread,
 * a timer, or the runtime outside any poll (I/O readiness, a JoinHandle's
 * task finishing, a remote wake). */
typedef enum axc_wake_source {
	AXC_WAKE_SELF = 0,
	AXC_WAKE_TASK = 1,
	AXC_WAKE_THREAD = 2,
	AXC_WAKE_TIMER = 3,
	AXC_WAKE_RUNTIME = 4
} axc_wake_source;

typedef struct axc_event {
	axc_ev_kind kind;
	uint64_t t;	      /* runtime clock, ns from the start of the run */
	uint64_t out_len;     /* bytes of stdout the program had written by then */
	int64_t task;	      /* the task the event is about; 0 for none */
	int64_t by;	      /* the task that caused it (wake, clone, spawn, cancel); 0 */
	uint64_t future;      /* a future id */
	uint64_t parent;      /* the enclosing future id */
	uint64_t obj;	      /* a timer, lock, stream or token id */
	uint64_t deadline;    /* timers: the deadline; CLOCK: the new time; STALL: its end */
	axc_poll_result result;
	axc_wake_source source;
	int lock_kind;	      /* 0 async mutex, 1 blocking lock */
	bool flag;	      /* per kind: aborted, first poll, completed, virtual clock */
	const char *name;     /* a future's or stream's name as written, or NULL */
	const char *file;     /* a source site, or NULL */
	int line;
	const char *func;     /* the site's function, as written (no __body suffix) */
} axc_event;

typedef struct axc_trace {
	bool on;	       /* the run was traced */
	const axc_event *events;
	size_t nevents;
	uint64_t dropped;      /* events over the cap (ASYNCLAB_TRACE_MAX) */
} axc_trace;

/* ------------------------------------------------------------------------
 * The report
 * ------------------------------------------------------------------------ */

typedef struct axc_report_priv axc_report_priv;

typedef struct axc_report {
	int version;		 /* AXC_REPORT_VERSION */
	const char *program;	 /* the first source file, or the program, as named */
	const char *const *args; /* the program's arguments */
	size_t nargs;
	bool built;		 /* false when the compiler failed */
	const char *build_command; /* NULL for a prebuilt program */
	const char *build_output;  /* "" when none */
	axc_outcome outcome;
	const char *out, *err;	 /* the program's stdout and stderr (NUL-terminated;
				    may hold NULs, see the lengths) */
	size_t out_len, err_len;
	bool output_truncated;
	axc_stats stats;
	const char *probe_path;	 /* NULL when run without the probe */
	bool probe_found;
	const axc_finding *findings; /* suppressed ones too: see axc_finding.suppressed */
	size_t nfindings;
	const axc_warning *warnings; /* about the source (suppression comments) */
	size_t nwarnings;
	const axc_task *tasks;	 /* in spawn order */
	size_t ntasks;
	const axc_span *spans;
	size_t nspans;
	const axc_crash *crash;	 /* NULL unless it crashed */
	axc_trace trace;
	axc_report_priv *priv;
} axc_report;

void axc_report_free(axc_report *r);

/* Replace the program's stdout and stderr as the report keeps them (copied):
 * for a reader that takes its own records out of what the learner sees
 * (the lesson harness).  Returns 0 or -ENOMEM. */
int axc_report_set_output(axc_report *r, const char *out, size_t out_len, const char *err,
			  size_t err_len);

/* The exit status a report deserves: 0 no findings, 1 findings (or the
 * checker stopped a deadlock, or the time limit stopped tasks that ran),
 * 2 the program could not be built or did not run to an end the checker
 * understands (a crash, the memory, process or output limit, the time
 * limit before any task ran).  Suppressed findings do not count. */
int axc_verdict(const axc_report *r);

/* Findings that count (not suppressed). */
size_t axc_report_nreported(const axc_report *r);

/* The task with id, or NULL. */
const axc_task *axc_report_task(const axc_report *r, int64_t id);

/* Names for enums, as the JSON form spells them. */
const char *axc_end_name(axc_end e);	     /* "exited" */
const char *axc_limit_name(axc_limit l);     /* "time"; NULL for NONE */
const char *axc_task_state_name(axc_task_state s);
const char *axc_span_kind_name(axc_span_kind k);
const char *axc_ev_kind_name(axc_ev_kind k); /* "poll_end" */
const char *axc_wake_source_name(axc_wake_source s);

/* ------------------------------------------------------------------------
 * Renderers.  They return 0 or -errno (a write error).
 * ------------------------------------------------------------------------ */

/* Which lesson teaches the fix of finding `name`, for the text renderer's
 * "fix: ... (lesson: X)"; the lessons layer knows (lesson.ini's teaches).
 * May return NULL. */
typedef const char *(*axc_lesson_fn)(void *ud, const char *name);

typedef struct axc_render_opts {
	axc_lesson_fn lesson_of; /* NULL: no lesson named */
	void *ud;
} axc_render_opts;

/* GCC-style lines and a summary; opts may be NULL. */
int axc_render_text(const axc_report *r, const axc_render_opts *opts, FILE *out);
/* One JSON object per reported finding per line. */
int axc_render_json(const axc_report *r, FILE *out);
/* SARIF 2.1.0. */
int axc_render_sarif(const axc_report *r, FILE *out);
/* The whole report as JSON (docs/report-schema.json), to a stream or a
 * file ("-": stdout). */
int axc_report_write(const axc_report *r, FILE *out);
int axc_report_save(const axc_report *r, const char *path);

/* Read a report written by axc_report_write (any version-2 report).
 * Returns 0 and a new report in *out, or -EINVAL with a one-line reason
 * in err (may be NULL), or -ENOMEM. */
int axc_report_read(const char *json, size_t len, axc_report **out, char *err, size_t errlen);

/* ------------------------------------------------------------------------
 * Questions over the trace (report_trace.c).  Names are matched exactly
 * against what the program wrote (an AX_ASYNC name, a future's vtable
 * name, a stream's name); NULL matches every name.  Order, not time,
 * decides what "at once" means, so answers are the same on either clock.
 * All return 0 (or false) for a run without a trace.
 * ------------------------------------------------------------------------ */

/* One future the trace saw, from its first event to its drop. */
typedef struct axc_future_life {
	uint64_t id;
	const char *name;
	const char *file;  /* where it was made, if known */
	int line;
	int64_t task;	   /* the task that made or first polled it */
	uint64_t parent;   /* the future whose poll made or first polled it; 0 */
	size_t first, last; /* event indexes: its first event, its drop (or the
			       last event of the trace when never dropped) */
	uint64_t t0, t1;    /* the times of those events */
	uint32_t polls;
	bool completed;	    /* a poll returned READY */
	bool dropped;	    /* it was dropped (completed or not) */
} axc_future_life;

/* Every future of the trace, in order of first appearance; *n is set.
 * The array belongs to the report. */
const axc_future_life *axc_trace_futures(const axc_report *r, size_t *n);
/* Polls of futures called name. */
uint64_t axc_trace_polls(const axc_report *r, const char *name);
/* poll_next calls of streams called name. */
uint64_t axc_trace_stream_nexts(const axc_report *r, const char *name);
/* Tasks spawned from inside the function func (as written). */
uint64_t axc_trace_spawns_from(const axc_report *r, const char *func);
/* Whether a future called a was alive while one called b was (a != b as
 * futures; a and b may be the same name). */
bool axc_trace_overlapped(const axc_report *r, const char *a, const char *b);
/* The most futures called name alive at once. */
uint64_t axc_trace_peak_alive(const axc_report *r, const char *name);
/* Futures called name dropped before they completed. */
uint64_t axc_trace_dropped_early(const axc_report *r, const char *name);
/* Tasks whose future is called name (or named name) that ended by abort. */
uint64_t axc_trace_aborted(const axc_report *r, const char *name);
/* Wakes of a task whose waker had been stored (cloned), done from
 * somewhere else than the task itself (another task, thread, a timer or
 * the runtime); name is the task's future or task name. */
uint64_t axc_trace_woken_elsewhere(const axc_report *r, const char *name);
/* Whether a task held a lock (kind: 0 async, 1 blocking, -1 either) while
 * it suspended at an await (a PENDING poll end between acquire and
 * release). */
bool axc_trace_lock_over_await(const axc_report *r, int kind);

#endif /* ASYNCLAB_REPORT_H */
