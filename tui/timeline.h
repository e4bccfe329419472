/* timeline.h - the timeline of a run laid out as a grid: one row per task
 * (and, under it, one per future it ran inside a join or select), one
 * column per slice of the run from its start to its end, each cell what
 * the row did in that slice.  Built from a run report; free of curses.
 *
 * With the scheduler trace (report->trace) the grid is laid out from its
 * events: polls, waits (an async mutex's too), locks held, a task blocked
 * on a blocking lock, stalls, the deadlock, child futures.  When the run's
 * events all fell at one time (a run in which no virtual time passed, or
 * within one tick of the real clock) the columns follow the events' order
 * instead of time, and the grid says so.  Without a trace it is drawn from
 * the report's timeline spans, on time. */
#ifndef ASYNCLAB_TUI_TIMELINE_H
#define ASYNCLAB_TUI_TIMELINE_H

#include "../checker/report.h"

#include <stdbool.h>
#include <stdint.h>

/* Cell kinds, in increasing precedence when several fall in one cell. */
enum {
	TL_NONE = 0,	/* not alive */
	TL_ALIVE = 1,	/* alive, waiting (an async mutex's wait too) */
	TL_POLL = 2,	/* polled */
	TL_LOCK = 3,	/* holding a lock */
	TL_BLOCKED = 4, /* blocking the executor's thread on a blocking lock */
	TL_STALL = 5	/* stalled the executor (blocking call or long poll) */
};

typedef struct tl_row {
	int64_t task;
	uint64_t future; /* a child future's row: its trace id; 0 for a task */
	int depth;	 /* 0 a task, 1.. a future nested in it */
	char label[24];	 /* "#3 worker", "  join_all" */
	unsigned char *cells;
	bool pending;	 /* still alive when the run ended */
} tl_row;

#define TL_NOTES 8

typedef struct tl_grid {
	tl_row *rows;
	int nrows;
	int cols;
	uint64_t t_end;	 /* the span covered by the grid: ns, or events in order */
	int clipped;	 /* rows left out (too many tasks) */
	uint64_t origin; /* the report's time of the run's first event (column 0) */
	uint64_t run_ns; /* from the first event to the end of the run */
	bool instant;	 /* no time passed between the run's first and last event */
	bool virtual_clock;
	bool by_order;	 /* columns follow the trace's events in order (instant) */
	uint64_t steps;	 /* by_order: the events laid out */
	bool traced;	 /* drawn from the scheduler trace */
	int end_col;	 /* the column the run ended in */
	char end[200];	 /* how the run ended, in words, or "" */
	char peak[160];	 /* the peak of live tasks, as the checker counted it */
	char notes[TL_NOTES][160]; /* locks: who held, who waited, blocked */
	int nnotes;
} tl_grid;

/* Lay out report's tasks and timeline over cols columns, at most max_rows
 * rows (the first tasks, by id, each followed by its child futures).
 * Returns 0 or -errno. */
int tl_build(const axc_report *report, int cols, int max_rows, tl_grid *g);
void tl_free(tl_grid *g);
/* The column of time t, counted from the origin (the run's first event);
 * in a grid by order, t is an event's index. */
int tl_col(const tl_grid *g, uint64_t t);

#endif
