/* probe_detect.h - the detectors' entry points, called from the hooks in
 * probe.c and from the libc interposers in probe_libc.c.  Private. */
#ifndef ASYNCLAB_PROBE_DETECT_H
#define ASYNCLAB_PROBE_DETECT_H

#include "probe.h"


void pr_each_task(pr_rt *p, void (*fn)(pr_task *pt, void *ud), void *ud);
void pr_span_lock(const pr_task *pt, uint64_t t0, uint64_t t1);

void pr_detect_spawn(pr_task *pt);
/* child, a task spawned at some site, woke or gave its output to other:
 * when other is the task that spawns there, it waits for them. */
void pr_detect_spawn_feedback(const pr_task *child, const pr_task *other);
void pr_detect_spawn_permit(pr_task *pt, const void *sem, size_t permits, bool acquire);
void pr_detect_pending(pr_task *pt, bool self_woke);
void pr_detect_self_wake(pr_task *pt);
/* Every PR_YIELD_SAMPLE-th self-woken poll in a row that started a
 * future: is the task spinning on ax_yield with nothing changing? */
#define PR_YIELD_SAMPLE 16u
void pr_detect_yield_spin(pr_task *pt);
void pr_detect_exit(pr_task *pt);
void pr_detect_free(pr_task *pt);
void pr_detect_future_polled(ax_future *f);
void pr_detect_cancel(ax_cancel_ev ev, const void *obj, ax_task *t, bool arg);
void pr_detect_deadlock(pr_rt *p);
void pr_detect_census(pr_rt *p);
void pr_detect_at_exit(void);
/* Report the locks pt holds across an await that are not reported yet. */
void pr_report_task_locks(pr_task *pt);
void pr_report_lock(pr_task *pt, pr_lock *l);

void pr_h_future_create(void *ud, ax_future *f, const ax_site *site);
void pr_h_future_moved(void *ud, ax_future *f, void *was);
void pr_h_future_drop(void *ud, ax_future *f);

/* A blocking libc call `what` made inside a poll; ret is the interposed
 * function's return address. */
void pr_report_blocking(const char *what, uintptr_t ret);
/* The labels of tasks queued on a worker, gathered by pr_queued_add (an
 * ax_instrument_worker_queued callback). */
typedef struct pr_queued {
	char buf[256];
	size_t len;
	int n;
} pr_queued;
void pr_queued_add(void *ud, ax_task *t);
/* What a worker held up by a task does to the others: "worker W of OF
 * VERB; the other worker goes on" with the queued tasks (queued of them,
 * q's labels) when they run side by side; "..., and as the workers take
 * turns on the virtual clock ALL" when they take turns. */
void pr_worker_what(char *out, size_t n, int w, int of, int turns, const char *verb,
		    const char *all, long queued, const pr_queued *q);
/* True when (id, pc) was seen before; remembers it otherwise. */
bool pr_seen_before(int id, uintptr_t pc);

#endif /* ASYNCLAB_PROBE_DETECT_H */
