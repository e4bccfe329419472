/* sync_log.h - what the sync suites share (check_sync.c, check_notify.c):
 * a runtime end that checks every task was freed, and a log of the order
 * in which tasks queued for and obtained a primitive. */
#ifndef ASYNCLAB_TESTS_SYNC_LOG_H
#define ASYNCLAB_TESTS_SYNC_LOG_H

#include "../testutil.h"

#include <string.h>

/* End rt after checking that every task was freed: a waker a primitive
 * forgot to release keeps its task alive. */
#define END(rt)                                                              \
	do {                                                                 \
		ax_rt_stats s__;                                             \
		ax_rt_stats_get((rt), &s__);                                 \
		ck_assert_uint_eq(s__.live_tasks, 0);                        \
		TEST_RT_END(rt);                                             \
	} while (0)

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
