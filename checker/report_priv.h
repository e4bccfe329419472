/* report_priv.h - building a typed run report: the arena its strings live
 * in and the growable arrays behind its const views.  Private to checker/
 * (the report builder, the JSON reader, the event reader and the trace
 * queries); consumers only read axc_report. */
#ifndef ASYNCLAB_REPORT_PRIV_H
#define ASYNCLAB_REPORT_PRIV_H

#include "report.h"

typedef struct axc__block axc__block;

struct axc_report_priv {
	axc__block *blocks;   /* the arena: every string and small array */
	size_t cap_findings, cap_tasks, cap_spans, cap_events;
	bool tasks_unsorted;  /* task ids not increasing: look up linearly */
	axc_future_life *lives; /* axc_trace_futures, computed on first use */
	size_t nlives;
	bool lives_done;
};

/* A new, empty report (version set, everything else zero); NULL when out
 * of memory. */
axc_report *axc__report_new(void);
/* Zeroed memory owned by r, or NULL. */
void *axc__ralloc(axc_report *r, size_t n);
/* Copies owned by r (NUL-terminated); NULL for NULL. */
const char *axc__rstr(axc_report *r, const char *s);
const char *axc__rstrn(axc_report *r, const char *s, size_t n);
/* A new zeroed element at the end of an array of r; the pointer is valid
 * until the next add to the same array.  NULL when out of memory. */
axc_finding *axc__add_finding(axc_report *r);
axc_task *axc__add_task(axc_report *r);
axc_span *axc__add_span(axc_report *r);
axc_event *axc__add_event(axc_report *r);
/* The builder's own, writable view of what the report shows as const. */
static inline void *axc__mut(const void *p)
{
	return (void *)(uintptr_t)p;
}
/* A task of r to change while building it, or NULL. */
axc_task *axc__task_mut(axc_report *r, int64_t id);

#endif /* ASYNCLAB_REPORT_PRIV_H */
