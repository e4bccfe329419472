/* harness_kit.h - what a lesson's harness.c is written with: service
 * bodies, calling the learner's functions, the records the harness leaves
 * for the lesson engine, and main().  The harness owns main(), runs the
 * learner's functions as the lesson's scenario, records what they did and
 * decides each of its checks from those records; the engine reads the
 * verdicts from the run.  Only harness.c includes this file. */
#ifndef ASYNCLAB_HARNESS_KIT_H
#define ASYNCLAB_HARNESS_KIT_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "lesson_kit.h"
#include <asynclab/future.h>
#include <asynclab/instrument.h>

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

/* ------------------------------------------------------------------------
 * Records.  Each is one line on stderr, written with a single write(2):
 *   @@axh:KEY <TAB> check <TAB> NAME <TAB> pass|fail <TAB> SITE <TAB> TEXT
 *   @@axh:KEY <TAB> end <TAB> HOW <TAB> TEXT
 * KEY is the per-run secret the engine passes in ASYNCLAB_HARNESS_KEY, so
 * that a line the exercise prints is never taken for a record.  SITE is
 * "FILE:LINE" of the learner's code the record is about, or "-".  HOW is
 * done (the harness reached its verdict), deadlock (every task asleep, the
 * learner's function never finished), stuck (the executor's thread blocked
 * with no progress) or a lesson's own word, explained in TEXT.
 * ------------------------------------------------------------------------ */

static char axh__key[80] = "-";
/* Shared with the watchdog thread: read and written atomically. */
static bool axh__ended;
static const char *axh__pending;	/* the learner's function being awaited */
static unsigned long axh__progress;	/* polls seen */
static pid_t axh__exec_tid;		/* the executor's thread with one worker; 0 when none */
/* With N workers: the worker threads seen polling the learner's code or a
 * service so far in this run (axh__tick registers them), which the
 * watchdog samples instead of block_on's thread (that one only waits). */
static pid_t axh__workers[AX_MAX_WORKERS];
static int axh__nworkers;
static unsigned axh__run_no;		/* runs started (AXH_RUN, AXH_RUN_ON) */
static __thread unsigned axh__tl_run;	/* the run this thread registered in */

static void axh__tick(void)
{
	__atomic_add_fetch(&axh__progress, 1, __ATOMIC_RELAXED);
	unsigned run = __atomic_load_n(&axh__run_no, __ATOMIC_RELAXED);
	if (axh__tl_run == run || __atomic_load_n(&axh__exec_tid, __ATOMIC_RELAXED) ||
	    !ax_task_polling())
		return;
	axh__tl_run = run;
	int i = __atomic_fetch_add(&axh__nworkers, 1, __ATOMIC_RELAXED);
	if (i < AX_MAX_WORKERS)
		__atomic_store_n(&axh__workers[i], (pid_t)syscall(SYS_gettid), __ATOMIC_RELAXED);
}

/* Append text to buf (capacity n) with tabs and line breaks made blanks. */
static size_t axh__put(char *buf, size_t len, size_t n, const char *text)
{
	for (const char *p = text; *p && len + 2 < n; p++)
		buf[len++] = (*p == '\t' || *p == '\n' || *p == '\r') ? ' ' : *p;
	buf[len] = '\0';
	return len;
}

static void axh__record(const char *const *fields, size_t nfields)
{
	char buf[2048];
	size_t len = (size_t)snprintf(buf, sizeof buf, "@@axh:%s", axh__key);
	for (size_t i = 0; i < nfields; i++) {
		buf[len++] = '\t';
		len = axh__put(buf, len, sizeof buf - 1, fields[i] ? fields[i] : "");
	}
	buf[len++] = '\n';
	fflush(stdout);
	ssize_t w = write(2, buf, len);
	(void)w;
}

/* Report the verdict of the lesson check NAME (a kind = harness check of
 * lesson.ini).  at: the learner's line the verdict is about (a site from
 * axh_caller), or NULL.  The text says what was observed, in the
 * learner's terms; lesson.ini's message adds the concept and the fix. */
__attribute__((format(printf, 4, 5)))
static void axh_check(const char *name, bool ok, const ax_site *at, const char *fmt, ...)
{
	char text[1024], site[600] = "-";
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(text, sizeof text, fmt, ap);
	va_end(ap);
	if (at && at->file)
		snprintf(site, sizeof site, "%s:%d", at->file, at->line);
	const char *f[] = { "check", name, ok ? "pass" : "fail", site, text };
	axh__record(f, 5);
}

/* Say how the run ended; only the first call counts. */
__attribute__((format(printf, 2, 3)))
static void axh_end(const char *how, const char *fmt, ...)
{
	if (__atomic_exchange_n(&axh__ended, true, __ATOMIC_SEQ_CST))
		return;
	char text[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(text, sizeof text, fmt, ap);
	va_end(ap);
	const char *f[] = { "end", how, text };
	axh__record(f, 3);
}

/* ------------------------------------------------------------------------
 * Services: the bodies of the async functions lesson.h declares with
 * AXL_SERVICE.  Written like AX_ASYNC's: AX_BEGIN ... AX_END.
 * ------------------------------------------------------------------------ */

#define AXH_SERVICE(fn_, T)                                                   \
	static ax_poll_t fn_##__body(fn_##_t *self, ax_cx *cx);               \
	static ax_poll_t fn_##__poll(ax_future *axh__f, ax_cx *axh__cx)       \
	{                                                                     \
		axh__tick();                                                  \
		return fn_##__body((fn_##_t *)(void *)axh__f, axh__cx);       \
	}                                                                     \
	const ax_future_vt fn_##__vt = {                                      \
		#fn_, fn_##__poll, ax_frame_drop, sizeof(fn_##_t),            \
		offsetof(fn_##_t, out), sizeof(T),                            \
		AX_VT_FRAME | AX__OUT_FLAGS(T),                               \
	};                                                                    \
	static ax_poll_t fn_##__body(fn_##_t *self, ax_cx *cx)

/* The learner's line that awaits the service now being polled: call it
 * at the service's first poll, before its own first await.  NULL when
 * the service runs as a task of its own (AX_SPAWN of the service). */
static const ax_site *axh_caller(void)
{
	ax_task *t = ax_task_current();
	return t ? ax_task_await_site(t) : NULL;
}

/* ------------------------------------------------------------------------
 * Call records: what each service call did, in order.  A service opens
 * its record at its first poll (AXH_REC_BEGIN, before AX_BEGIN) and
 * closes it when it returns (axh_rec_end); a call dropped before it
 * returned (a select's loser, a cancelled task) is marked dropped when its
 * frame goes.  Records never move out of order: index i happened to start
 * before index i + 1.
 * ------------------------------------------------------------------------ */

typedef struct axh_rec {
	const char *svc;	/* the service */
	const void *frame;	/* while it runs; NULL after */
	const ax_site *site;	/* the learner's await of it, or NULL */
	uint64_t task;		/* the task that polled it first */
	int step;		/* axh_step when it started */
	int64_t t0, t1;		/* start and end, ns of the runtime clock */
	unsigned s0, s1;	/* sequence numbers of start and end (0: running) */
	bool done, dropped;
	int in_flight;		/* calls of svc running once this one started */
	ax_val arg;		/* what the service was asked (lesson's choice) */
	const char *sarg;
	ax_val ret;		/* what it returned */
	int err;
	int mark;		/* free for the lesson's own use; 0 at start */
} axh_rec;

static axh_rec *axh_recs;
static int axh_nrecs, axh__rcap;
static unsigned axh__seq;
static int axh_step;		/* set by the harness before each step */

static unsigned axh_seq(void)
{
	return __atomic_add_fetch(&axh__seq, 1, __ATOMIC_RELAXED);
}

static int axh_inflight(const char *svc)
{
	int n = 0;
	for (int i = 0; i < axh_nrecs; i++)
		n += !strcmp(axh_recs[i].svc, svc) && !axh_recs[i].s1;
	return n;
}

/* The most calls of svc running at once, over records of step (or any
 * step when step < 0). */
static int axh_peak(const char *svc, int step)
{
	int p = 0;
	for (int i = 0; i < axh_nrecs; i++)
		if (!strcmp(axh_recs[i].svc, svc) && (step < 0 || axh_recs[i].step == step) &&
		    axh_recs[i].in_flight > p)
			p = axh_recs[i].in_flight;
	return p;
}

static void axh__rec_dropped(void *frame)
{
	for (int i = axh_nrecs; i-- > 0;)
		if (axh_recs[i].frame == frame) {
			axh_rec *r = &axh_recs[i];
			if (!r->done) {
				r->dropped = true;
				r->t1 = (int64_t)ax_now();
				r->s1 = axh_seq();
			}
			r->frame = NULL;
			return;
		}
}

static int axh_rec_begin(ax_frame *fr, const char *svc, const ax_site *site)
{
	if (axh_nrecs == axh__rcap) {
		int cap = axh__rcap ? 2 * axh__rcap : 256;
		axh_rec *nr = realloc(axh_recs, (size_t)cap * sizeof *nr);
		if (!nr) {
			axh_end("error", "out of memory in the lesson's harness");
			exit(0);
		}
		axh_recs = nr;
		axh__rcap = cap;
	}
	axh_rec *r = &axh_recs[axh_nrecs];
	memset(r, 0, sizeof *r);
	r->svc = svc;
	r->frame = fr;
	r->site = site;
	r->task = 0;
	ax_task *t = ax_task_current();
	if (t)
		r->task = ax_task_id(t);
	r->step = axh_step;
	r->t0 = (int64_t)ax_now();
	r->s0 = axh_seq();
	axh_nrecs++;
	r->in_flight = axh_inflight(svc);
	ax_frame_own(fr, fr, axh__rec_dropped);
	return axh_nrecs - 1;
}

/* The record of the running service whose frame is fr, or NULL. */
static axh_rec *axh_rec_of(const void *fr)
{
	for (int i = axh_nrecs; i-- > 0;)
		if (axh_recs[i].frame == fr)
			return &axh_recs[i];
	return NULL;
}

static void axh_rec_end(const void *fr, ax_val ret, int err)
{
	axh_rec *r = axh_rec_of(fr);
	if (!r)
		return;
	r->done = true;
	r->ret = ret;
	r->err = err;
	r->t1 = (int64_t)ax_now();
	r->s1 = axh_seq();
}

/* In a service body, before AX_BEGIN: open the call's record at its first
 * poll.  Evaluates to the record's index on the first poll, -1 after. */
#define AXH_REC_BEGIN(name)                                                   \
	(self->ax_fr.resume ? -1                                              \
			    : axh_rec_begin(&self->ax_fr, (name), axh_caller()))

/* The id of the task polling now (0 outside a poll). */
static uint64_t axh_task(void)
{
	ax_task *t = ax_task_current();
	return t ? ax_task_id(t) : 0;
}

/* True when the calling thread is a worker thread of the runtime, inside
 * a poll: the executor's thread with one worker, any of its N workers with
 * N (a blocking-pool thread, or a thread of the program's own, is not).
 * For a lesson's blocking function, this is "it blocked the executor".
 * Any thread. */
static bool axh_on_worker(void)
{
	return ax_task_polling() != NULL;
}

/* Which worker the calling thread is, from 1 (1 with one worker), with
 * *of (may be NULL) the runtime's number of workers; 0 (and *of 0) when
 * the thread is not polling a task.  Any thread. */
static int axh_worker(int *of)
{
	ax_task *t = ax_task_polling();
	int n = 0, w = 0, turns = 0;
	if (t) {
		w = ax_instrument_worker(ax_task_rt(t), &n, &turns);
		if (!w)
			w = 1;
	}
	if (of)
		*of = n;
	return w;
}

static int64_t axh_ms(void)
{
	return (int64_t)(ax_now() / 1000000);
}

/* ------------------------------------------------------------------------
 * Calling the learner.  axh_call(name, axl_entry_NAME(...)) is a future
 * that runs one of the learner's functions and gives its output (val and
 * err as ax_val / ax_res carry them) with the number of polls it took.
 * It is a frame (whose awaited child is the learner's future) so that
 * axh_caller() finds the learner's own await sites below it.  Before each
 * poll it fills the stack below itself with a pattern: a plain C local
 * that the learner's function expects to keep across an await then holds
 * that pattern, at every optimisation level, instead of what an earlier
 * poll happened to leave there.  With max_polls, the call gives up after
 * that many polls (err -EBUSY, capped set): a busy-waiting future is
 * stopped and reported instead of spinning for ever.
 * ------------------------------------------------------------------------ */

typedef struct axh_ret {
	ax_val val;
	int err;
	bool capped;	/* stopped at max_polls */
	uint64_t polls;
} axh_ret;

typedef struct axh_call_t {
	ax_frame ax_fr;	/* ax_fr.child: the learner's future (boxed, owned) */
	axh_ret out;
	const char *name;
	uint64_t max_polls;
} axh_call_t;

static __attribute__((noinline)) void axh__scribble(void)
{
	char pad[8192];
	memset(pad, 0xa5, sizeof pad);
	__asm__ __volatile__("" : : "r"(pad) : "memory");
}

static ax_poll_t axh__call_poll(ax_future *f, ax_cx *cx)
{
	axh_call_t *c = (axh_call_t *)(void *)f;
	axh__tick();
	if (!c->ax_fr.child) {
		c->out.err = -ENOMEM;
		return AX_READY;
	}
	if (c->max_polls && c->out.polls >= c->max_polls) {
		c->out.capped = true;
		c->out.err = -EBUSY;
		ax_frame_drop(&c->ax_fr.base);
		__atomic_store_n(&axh__pending, NULL, __ATOMIC_RELAXED);
		return AX_READY;
	}
	__atomic_store_n(&axh__pending, c->name, __ATOMIC_RELAXED);
	c->out.polls++;
	axh__scribble();
	if (ax_poll(c->ax_fr.child, cx) == AX_PENDING)
		return AX_PENDING;
	c->out.val = ax_future_val(c->ax_fr.child);
	c->out.err = ax_future_err(c->ax_fr.child);
	ax_frame_drop(&c->ax_fr.base); /* frees the learner's future */
	__atomic_store_n(&axh__pending, NULL, __ATOMIC_RELAXED);
	return AX_READY;
}

static const ax_future_vt axh__call_vt __attribute__((unused)) = {
	"axh_call", axh__call_poll, ax_frame_drop, sizeof(axh_call_t),
	offsetof(axh_call_t, out), sizeof(axh_ret), AX_VT_FRAME,
};

static inline axh_call_t axh_call_capped(const char *name, ax_future *box, uint64_t max_polls)
{
	return (axh_call_t){ .ax_fr.base.vt = &axh__call_vt, .ax_fr.child = box,
			     .name = name, .max_polls = max_polls };
}
#define axh_call(name, box) axh_call_capped((name), (box), 0)

/* ------------------------------------------------------------------------
 * The watchdog: when the executor makes no progress and its threads use no
 * CPU and are not runnable for 2 s in a row, the program is stuck (a
 * blocking call that never returns, a deadlock on a blocking lock).  It
 * says so and ends the run, so that the verdict names the hang instead of
 * a time limit.  With one worker the thread it samples is the executor's
 * (block_on's caller); with N, the workers seen polling so far in the run
 * (all of them must be idle).  A slow machine never trips it: a thread
 * that is waiting to run is runnable ('R'), and a process starved of CPU
 * starves this thread too.
 * ------------------------------------------------------------------------ */

#define AXH_STUCK_CHECKS 20	/* of 100 ms each */

static bool axh__runnable(pid_t tid, unsigned long long *cpu)
{
	char path[64], buf[1024];
	snprintf(path, sizeof path, "/proc/self/task/%d/stat", (int)tid);
	FILE *f = fopen(path, "r");
	if (!f)
		return true;
	size_t n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = '\0';
	const char *p = strrchr(buf, ')');
	if (!p)
		return true;
	char state = p[2];
	unsigned long long ut = 0, st = 0;
	/* Fields after the state: ppid pgrp session tty tpgid flags minflt
	 * cminflt majflt cmajflt utime stime. */
	if (sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &ut,
		   &st) == 2)
		*cpu = ut + st;
	return state == 'R';
}

/* The executor's threads to sample now, into tids; how many (0: none yet,
 * or no run). */
static int axh__exec_threads(pid_t *tids)
{
	pid_t t = __atomic_load_n(&axh__exec_tid, __ATOMIC_RELAXED);
	if (t) {
		tids[0] = t;
		return 1;
	}
	int n = __atomic_load_n(&axh__nworkers, __ATOMIC_RELAXED), k = 0;
	for (int i = 0; i < n && i < AX_MAX_WORKERS; i++)
		if ((t = __atomic_load_n(&axh__workers[i], __ATOMIC_RELAXED)))
			tids[k++] = t;
	return k;
}

static void *axh__watchdog(void *arg)
{
	(void)arg;
	unsigned long last = 0;
	unsigned long long last_cpu = ~0ull;
	int idle = 0;
	for (;;) {
		struct timespec ts = { 0, 100000000 };
		nanosleep(&ts, NULL);
		pid_t tids[AX_MAX_WORKERS];
		int n = axh__exec_threads(tids);
		if (__atomic_load_n(&axh__ended, __ATOMIC_RELAXED) || !n) {
			idle = 0;
			continue;
		}
		unsigned long now = __atomic_load_n(&axh__progress, __ATOMIC_RELAXED);
		unsigned long long c = 0;
		bool run = false;
		for (int i = 0; i < n; i++) {
			unsigned long long ci = 0;
			run |= axh__runnable(tids[i], &ci);
			c += ci;
		}
		idle = (now == last && c == last_cpu && !run) ? idle + 1 : 0;
		last = now;
		last_cpu = c;
		if (idle >= AXH_STUCK_CHECKS) {
			const char *p = __atomic_load_n(&axh__pending, __ATOMIC_RELAXED);
			axh_end("stuck", "the executor's %s been blocked for 2 s without "
					 "progress%s%s%s", n > 1 ? "threads have" : "thread has",
				p ? " (in " : "", p ? p : "", p ? ")" : "");
			alarm(2); /* should exit() itself hang */
			exit(0);
		}
	}
	return NULL;
}

/* Call first in main: takes the engine's key, makes stdout line-buffered
 * (each line the program prints reaches the lab even if it then crashes)
 * and starts the watchdog. */
static void axh_init(void)
{
	const char *k = getenv("ASYNCLAB_HARNESS_KEY");
	if (k && *k && strlen(k) < sizeof axh__key)
		strcpy(axh__key, k);
	unsetenv("ASYNCLAB_HARNESS_KEY");
	setvbuf(stdout, NULL, _IOLBF, 0);
	pthread_t wd;
	if (pthread_create(&wd, NULL, axh__watchdog, NULL) == 0) {
		pthread_detach(wd);
		ax_instrument_quiet_threads(1); /* it never wakes a task */
	}
}

/* Blocking-pool workers to start with the runtime (axh_pool_prestart). */
static int axh__prestart;

/* Start n blocking-pool workers with the runtime, before any task runs:
 * a harness that measures the executor's CPU time in a poll then does not
 * charge the learner for the runtime starting a thread.  Call before
 * AXH_RUN. */
static inline void axh_pool_prestart(int n)
{
	axh__prestart = n;
}

/* The runtime the engine chose for the run (clock, seed, blocking pool,
 * workers), as ax_rt_new(NULL) takes it from the environment.  A harness
 * that also runs its scenario on another runtime changes what it needs,
 * e.g. .workers = 2, and passes it to AXH_RUN_ON. */
static inline ax_rt_opts axh_rt_opts(void)
{
	return ax_rt_opts_env();
}

/* Run a future of the harness to its end on a runtime made with opts
 * (NULL: from the environment, as the engine set it).  A deadlock (every
 * task asleep and nothing left to wake one) is recorded with the
 * learner's function that never finished.  Returns 0 when the future
 * completed, 1 when it did not (recorded), 2 when the runtime could not
 * be made (recorded). */
static int axh__run_on(const ax_rt_opts *opts, ax_future *root, size_t size)
{
	ax_rt *rt = ax_rt_new(opts);
	if (!rt) {
		axh_end("error", "the runtime could not be created: %s", strerror(errno));
		return 2;
	}
	int started = axh__prestart > 0 ? ax_blocking_prestart(rt, axh__prestart) : 0;
	if (started < 0) {
		axh_end("error", "the blocking pool could not start: %s", strerror(-started));
		ax_rt_free(rt);
		return 2;
	}
	ax_rt_stats st;
	ax_rt_stats_get(rt, &st);
	/* A new run: its worker threads register again (axh__tick). */
	__atomic_store_n(&axh__nworkers, 0, __ATOMIC_RELAXED);
	__atomic_add_fetch(&axh__run_no, 1, __ATOMIC_RELAXED);
	/* With one worker block_on's caller is the executor's thread; with N
	 * it only waits, and the workers are learned as they poll. */
	if (st.workers <= 1)
		__atomic_store_n(&axh__exec_tid, (pid_t)syscall(SYS_gettid), __ATOMIC_RELAXED);
	int r = ax__block_on(rt, root, size, AX_HERE);
	const char *pending = __atomic_load_n(&axh__pending, __ATOMIC_RELAXED);
	if (r != 0) {
		if (pending)
			axh_end("deadlock", "every task was waiting and nothing could wake any "
					    "of them; %s never finished", pending);
		else
			axh_end("deadlock", "every task was waiting and nothing could wake any "
					    "of them");
	}
	__atomic_store_n(&axh__exec_tid, 0, __ATOMIC_RELAXED);
	ax_rt_free(rt);
	__atomic_store_n(&axh__nworkers, 0, __ATOMIC_RELAXED);
	return r != 0;
}

/* Run the harness's main future on a runtime made from the environment
 * (the engine sets the clock and the seed).  Returns 0, main's status:
 * the verdict is in the records. */
#define AXH_RUN(expr)                                                         \
	({                                                                    \
		__typeof__(expr) axh__root = (expr);                          \
		axh__run_on(NULL, (ax_future *)(void *)&axh__root,            \
			    sizeof axh__root) == 2 ? 2 : 0;                   \
	})

/* Run a future of the harness on a runtime made with opts (an ax_rt_opts
 * pointer, e.g. axh_rt_opts() with .workers = 2): a harness may run its
 * scenario more than once, on runtimes of its choice, before it judges.
 * Evaluates to 0 when the future completed, 1 when it did not (a
 * deadlock, recorded), 2 when the runtime could not be made (recorded). */
#define AXH_RUN_ON(opts, expr)                                                \
	({                                                                    \
		__typeof__(expr) axh__root = (expr);                          \
		axh__run_on((opts), (ax_future *)(void *)&axh__root,          \
			    sizeof axh__root);                                \
	})

/* True when the run uses the virtual clock (inside the runtime). */
static bool axh_virtual(void)
{
	return ax_clock_is_virtual();
}

#endif /* ASYNCLAB_HARNESS_KIT_H */
