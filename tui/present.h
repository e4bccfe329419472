/* present.h - presenter mode (`asynclab present`): one run's scheduler
 * trace replayed step by step, forward and back.  The model is free of
 * curses: the state of the executor after event k is rebuilt from events
 * 0..k of the run report (the clock, the ready queue in order, each
 * task's state and what it waits on, where, the wakers held and by whom,
 * the pending timers, the locks with their holders and waiters, the
 * source line being executed, the output so far), and each event is put
 * in words.  present_ui.c draws it; present_cli.c runs the program. */
#ifndef ASYNCLAB_TUI_PRESENT_H
#define ASYNCLAB_TUI_PRESENT_H

#include "../checker/report.h"
#include "md.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum pres_tstate {
	PRES_NEW = 0,	 /* spawned, not queued yet */
	PRES_READY,	 /* in the ready queue */
	PRES_RUNNING,	 /* being polled */
	PRES_WAITING,	 /* its last poll returned PENDING */
	PRES_BLOCKED,	 /* blocked on a lock (a blocking one stops the thread) */
	PRES_DONE,	 /* its future completed */
	PRES_ABORTED	 /* ended by abort */
} pres_tstate;

typedef struct pres_task {
	int64_t id, parent;
	const char *name, *future;	/* borrowed from the report; may be NULL */
	pres_tstate state;
	const char *wait_on;		/* WAITING: the leaf future it waits on */
	const char *wait_file;		/* WAITING: the await it is suspended at */
	int wait_line;
	uint64_t blocked_on;		/* BLOCKED: the lock */
	uint64_t polls;			/* polls so far */
	uint64_t ready_since;		/* READY: when it joined the queue */
	int wakers;			/* wakers of it held now */
} pres_task;

typedef struct pres_waker {
	int64_t task;			/* whose waker */
	const char *holder;		/* the future that stored it (a sleep, a join ...) */
	int64_t by;			/* the task that was polling when it was stored */
} pres_waker;

typedef struct pres_timer {
	uint64_t id;
	int64_t task;			/* the task it wakes */
	uint64_t deadline;
} pres_timer;

typedef struct pres_lock {
	uint64_t id;
	int kind;			/* 0 async mutex, 1 blocking */
	int64_t holder;			/* 0: free */
	const char *file;		/* where it was taken */
	int line;
	int64_t *waiters;		/* in the order they came */
	size_t nwaiters;
} pres_lock;

typedef struct pres_state {
	size_t step;			/* events 0..step applied */
	uint64_t now;			/* the runtime clock, ns */
	int64_t running;		/* the task being polled; 0: none */
	int64_t *ready;			/* the ready queue, front first */
	size_t nready;
	pres_task *tasks;		/* in spawn order */
	size_t ntasks;
	pres_waker *wakers;
	size_t nwakers;
	pres_timer *timers;		/* by deadline */
	size_t ntimers;
	pres_lock *locks;
	size_t nlocks;
	const char *file;		/* the source line last executed */
	int line;
	uint64_t out_len;		/* stdout bytes written so far */
	bool deadlock;			/* the runtime found every task asleep */
	uint64_t stalled_until;		/* a blocking call holds the thread until then; 0 */
	int64_t stall_task;
	bool stall_from_known;		/* the clock moved inside the poll: from when */
	uint64_t stall_from;
} pres_state;

/* The state after events 0..k of r's trace (k < r->trace.nevents).
 * 0 or -ENOMEM (s is then freed); free with pres_state_free. */
int pres_state_at(const axc_report *r, size_t k, pres_state *s);
void pres_state_free(pres_state *s);
const pres_task *pres_task_of(const pres_state *s, int64_t id);
const char *pres_tstate_name(pres_tstate st);

/* Event k in words, for the presenter's status line ("#2 fetch woke #1
 * main_async: the timer fired"). */
void pres_describe(const axc_report *r, size_t k, char *buf, size_t n);
/* A task as people read it: "#2 fetch" (the name, else its future's). */
void pres_task_label(const axc_report *r, int64_t id, char *buf, size_t n);

/* Searches from step from (exclusive) forward; the step found, or
 * (size_t)-1 when there is none. */
size_t pres_next_poll(const axc_report *r, size_t from, int64_t task);
/* The first event at or after time t (ns). */
size_t pres_at_time(const axc_report *r, uint64_t t);

/* Where the findings are in the trace: for each finding of r, the step
 * that shows it (the event at its file:line for its task, the stall or
 * the deadlock it is about; the end when none fits).  *steps is malloc'd,
 * r->nfindings long, sorted by step along with *order (finding indices). */
int pres_finding_steps(const axc_report *r, size_t **steps, size_t **order);
size_t pres_next_finding(const axc_report *r, const size_t *steps, const size_t *order,
			 size_t from, size_t *which);

/* ---- the screen, as lines (present_view.c) ------------------------------ */

/* Source files read once, for the line being executed. */
typedef struct pres_src {
	char **path;
	char ***lines;		/* per file: its lines */
	int *nlines;
	size_t n;
} pres_src;
void pres_src_free(pres_src *c);

typedef struct pres_view_opts {
	int cols, rows;		/* the space for the body */
	int64_t selected;	/* the task the keys act on (marked); 0: none */
	size_t finding;		/* the finding shown, or (size_t)-1 */
	const char *source;	/* the program's own file, shown when the step has no line */
} pres_view_opts;

/* The screen of step s->step as styled lines (out: md_free).  0 or
 * -ENOMEM. */
int pres_view(const axc_report *r, const pres_state *s, const pres_view_opts *o,
	      pres_src *cache, md_doc *out);
/* The program's output up to out_len bytes, without the lesson harness's
 * records: a malloc'd copy. */
char *pres_output(const axc_report *r, uint64_t out_len);

#endif /* ASYNCLAB_TUI_PRESENT_H */
