/* sync_log.h - what the sync suites share (check_sync.c, check_notify.c):
 * a log of the order in which tasks queued for and obtained a primitive. */
#ifndef ASYNCLAB_TESTS_SYNC_LOG_H
#define ASYNCLAB_TESTS_SYNC_LOG_H

#include "../testutil.h"

#include <string.h>

#define NW 6

static int order[NW * 2], norder;	 /* acquisition order */
static int arrival[NW * 2], narrival; /* queueing order */
static uint64_t at[NW];

static inline void reset_log(void)
{
	norder = narrival = 0;
	memset(at, 0, sizeof at);
}

#endif
