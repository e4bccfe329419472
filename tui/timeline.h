/* timeline.h - the timeline of a run laid out as a grid: one row per task,
 * one column per slice of (virtual) time, each cell what the task did in
 * that slice.  Built from a run report; free of curses. */
#ifndef ASYNCLAB_TUI_TIMELINE_H
#define ASYNCLAB_TUI_TIMELINE_H

#include "../checker/report.h"

#include <stdint.h>

/* Cell kinds, in increasing precedence when several fall in one cell. */
enum {
	TL_NONE = 0,  /* not alive */
	TL_ALIVE = 1, /* alive, waiting */
	TL_POLL = 2,  /* polled */
	TL_LOCK = 3,  /* holding a blocking lock */
	TL_STALL = 4  /* stalled the executor (blocking call or long poll) */
};

typedef struct tl_row {
	int64_t task;
	char label[24]; /* "#3 worker" */
	unsigned char *cells;
} tl_row;

typedef struct tl_grid {
	tl_row *rows;
	int nrows;
	int cols;
	uint64_t t_end; /* ns covered by the grid */
	int clipped;	/* rows left out (too many tasks) */
} tl_grid;

/* Lay out report's tasks and timeline over cols columns, at most max_rows
 * rows (the first tasks, by id).  Returns 0 or -errno. */
int tl_build(const axc_report *report, int cols, int max_rows, tl_grid *g);
void tl_free(tl_grid *g);
/* The column of time t. */
int tl_col(const tl_grid *g, uint64_t t);

#endif
