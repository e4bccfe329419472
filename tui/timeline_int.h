/* timeline_int.h - shared by timeline.c (the grid) and timeline_trace.c
 * (what the scheduler trace says): the state of one build of a grid. */
#ifndef ASYNCLAB_TUI_TIMELINE_INT_H
#define ASYNCLAB_TUI_TIMELINE_INT_H

#include "timeline.h"

#include <stddef.h>

typedef struct fut {
	uint64_t parent;
	int64_t task;
	const char *name;
	int c0, c1; /* columns: first seen, dropped (-1: never) */
	int row;    /* its row, -1 none */
	bool seen;
	bool root; /* a task's own future (its spawn's): the task's row */
} fut;

typedef struct lock {
	bool seen;
	int kind;	   /* 0 async mutex, 1 blocking lock */
	int64_t holder;	   /* 0 free */
	int since;	   /* the column it was taken in */
	const char *file;  /* where the holder took it */
	int line;
	int64_t waiters[4];
	int nwaiters;
} lock;

typedef struct task_st {
	int row;	/* -1: no row */
	int poll;	/* the column its poll started in, -1 none */
	int blocked;	/* the column it blocked on a blocking lock in, -1 */
	uint64_t lock;	/* the lock it waits for (blocked or async), 0 */
	int start, end; /* alive, in columns (end -1: to the end) */
	bool spawned, exited;
} task_st;

/* --- building ------------------------------------------------------------ */

typedef struct build {
	const axc_report *r;
	tl_grid *g;
	task_st *ts; /* by task id */
	size_t nts;
	fut *fs; /* by future id - 1 */
	size_t nfs, capfs;
	lock *ls; /* by lock id - 1 */
	size_t nls, capls;
	size_t rt0; /* the trace's first rt_start: events before it have no run time */
	bool oom;
} build;

/* A child future, for sorting by task, then by first appearance. */
typedef struct kid {
	int64_t task;
	size_t idx;
} kid;

void tl__mark_cols(const tl_grid *g, tl_row *r, int a, int b, unsigned char k);
task_st *tl__tst(build *b, int64_t id);
tl_row *tl__trow(build *b, int64_t id);
/* First pass over the trace: futures, spawns, exits.  0 or -ENOMEM. */
int tl__scan_trace(build *b);
/* The index of the trace's first rt_start (0 when none), and an event's
 * time: events before it (futures made before block_on) are at its time. */
size_t tl__trace_start(const axc_report *r);
uint64_t tl__ev_t(const axc_report *r, size_t rt0, size_t i);
/* Second pass: polls, locks, blocked tasks, stalls, child futures. */
int tl__walk_trace(build *b);
/* A future's depth under its task (1 directly in it), at most 4. */
int tl__fut_depth(const build *b, const fut *f);
int tl__cmp_kid(const void *x, const void *y);
/* A note per lock, in g->notes. */
void tl__lock_notes(tl_grid *g, const axc_report *r, const build *b);
/* The most tasks alive at once by the trace's spawns and exits. */
uint64_t tl__trace_peak(const axc_report *r);
const char *tl__task_name(const axc_task *t);

#endif
