/* probe_watch.c - the stall watchdog: a thread that samples each runtime's
 * running task and poll count (the runtime publishes both; a poll costs
 * the probe nothing at its start), and when one poll has run longer than
 * the stalled-poll threshold, signals the thread driving that runtime and
 * captures its stack while it is still stuck.  The same thread flushes the
 * event stream every 100 ms and keeps a coarse clock for timeline spans
 * under the real clock. */
#define _GNU_SOURCE
#include "probe_detect.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <execinfo.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <ucontext.h>
#include <unistd.h>

#define CAP_MAX 64

_Atomic uint64_t pr_coarse_ns;

/* The watchdog ticks the coarse clock; the probe also moves it to the
 * exact end of a stall it timed, so that a later poll never appears to
 * start before that stall ended. */
void pr_coarse_advance(uint64_t ns)
{
	uint64_t cur = atomic_load_explicit(&pr_coarse_ns, memory_order_relaxed);
	while (cur < ns && !atomic_compare_exchange_weak_explicit(
				   &pr_coarse_ns, &cur, ns, memory_order_relaxed,
				   memory_order_relaxed))
		;
}

static pthread_t watch_tid;
static int watch_running;
static atomic_int watch_stop;
static int capture_sig;

/* What the signal handler on the stuck thread saw: its stack and a copy
 * of the task it was polling (the task may be freed by the time the
 * report is written, so nothing of it is read later). */
typedef struct capture {
	void *pcs[CAP_MAX];
	uintptr_t pc;	   /* the interrupted instruction */
	int n;
	uint64_t polls;	   /* the runtime's poll count it belongs to */
	bool has_task;	   /* the poll was still the stuck one */
	pr_task task;	   /* then: a copy of its state ... */
	char name[64];	   /* ... and of its name */
} capture;

/* Filled by the signal handler, for the watchdog waiting on it. */
static capture cap;
static atomic_uint cap_seq; /* odd while a handler writes cap */
/* The task the watchdog saw stuck, in the poll of this count: set
 * before the signal, read by the handler on the signalled thread
 * (atomics: the signal orders nothing a race detector can see). */
static ax_task *_Atomic cap_expect;
static _Atomic uint64_t cap_expect_polls;
static atomic_int cap_done;

/* The capture taken when a poll has used half the threshold, per runtime
 * slot (and per worker of a runtime with workers): the stack of a poll
 * that is still stuck.  A report whose own signal is answered only after
 * that poll ended (valgrind, a loaded machine) uses it instead of saying
 * nothing of where the poll was. */
static capture early[PR_MAX_RTS];

/* A runtime with workers: the watchdog's view of each worker thread,
 * per runtime slot (allocated at its first sight, kept for the slot). */
typedef struct wunit {
	pr_watch w;
	int tid; /* the thread it is about (0: not seen yet) */
	capture early;
} wunit;
static struct {
	const pr_rt *p; /* the runtime the units are about */
	wunit *u;	/* AX_MAX_WORKERS of them */
} wks[PR_MAX_RTS];

/* A registered thread's state goes when the thread ends (a runtime's
 * worker threads end with it; the first thread's stays to the end). */
static pthread_key_t thread_key;
static pthread_once_t thread_key_once = PTHREAD_ONCE_INIT;
static bool thread_key_ok;

static void thread_gone(void *p)
{
	pr_thread *th = p;
	if (th->altstack) {
		stack_t off = { .ss_flags = SS_DISABLE };
		sigaltstack(&off, NULL);
		free(th->altstack);
	}
	free(th);
}

static void thread_key_make(void)
{
	thread_key_ok = pthread_key_create(&thread_key, thread_gone) == 0;
}

/* A thread that drives a runtime gets a stack for the crash handler. */
pr_thread *pr_thread_register(void)
{
	pr_thread *th = calloc(1, sizeof *th);
	if (!th)
		return NULL;
	th->altstack = pr_crash_thread();
	pthread_once(&thread_key_once, thread_key_make);
	if (thread_key_ok)
		pthread_setspecific(thread_key, th);
	return th;
}

/* The poll count of the thread polling t, the calling thread: its
 * worker's with workers, else the runtime's.  Async-signal-safe. */
static uint64_t polls_here(ax_task *t)
{
	ax_rt *rt = ax_task_rt(t);
	int of, turns;
	int w = ax_instrument_worker(rt, &of, &turns);
	ax_instrument_wpoll wp;
	if (w > 0 && ax_instrument_worker_poll(rt, w - 1, &wp) == 0)
		return wp.polls;
	return ax_rt_polls(rt);
}

static void on_capture(int sig, siginfo_t *si, void *uctx)
{
	int saved = errno;
	const ucontext_t *uc = uctx;
	atomic_fetch_add(&cap_seq, 1);
#if defined(__x86_64__)
	cap.pc = (uintptr_t)uc->uc_mcontext.gregs[REG_RIP];
#elif defined(__aarch64__)
	cap.pc = (uintptr_t)uc->uc_mcontext.pc;
#else
	cap.pc = 0;
	(void)uc;
#endif
	/* Looked up here, on the thread that owns the task's state; a thread
	 * that is no longer in the stuck poll has no stack to give. */
	ax_task *t = pr_poll_task();
	pr_tls.captured = 1; /* an interposed wait it cuts short resumes */
	/* The runtime of the task being polled is alive; the thread's last
	 * runtime may be freed already. */
	cap.polls = t ? polls_here(t) : 0;
	pr_task *pt = t && t == atomic_load(&cap_expect) &&
			      cap.polls == atomic_load(&cap_expect_polls)
			      ? pr_task_of(t)
			      : NULL;
	cap.has_task = pt != NULL;
	cap.n = 0;
	if (pt) {
		cap.task = *pt;
		/* The name may live in the task: copied, bounded. */
		size_t i = 0;
		if (pt->name)
			for (; pt->name[i] && i < sizeof cap.name - 1; i++)
				cap.name[i] = pt->name[i];
		cap.name[i] = 0;
		cap.task.name = pt->name ? cap.name : NULL;
		cap.task.locks = NULL;
		cap.task.ssite = NULL;
		cap.n = backtrace(cap.pcs, CAP_MAX);
	}
	atomic_fetch_add(&cap_seq, 1);
	atomic_store(&cap_done, 1);
	errno = saved;
	(void)sig;
	(void)si;
}

/* A capture's stack, innermost first, starting at the interrupted
 * instruction (handler and signal frames removed).  Returns the count;
 * pcs[0] is an exact address, the rest return addresses. */
static int capture_stack(const capture *c, void **pcs)
{
	int start = -1;
	for (int i = 0; i < c->n; i++)
		if ((uintptr_t)c->pcs[i] == c->pc) {
			start = i;
			break;
		}
	int k = 0;
	if (c->pc)
		pcs[k++] = (void *)c->pc;
	for (int i = start < 0 ? 2 : start + 1; i < c->n && k < CAP_MAX; i++)
		pcs[k++] = c->pcs[i];
	return k;
}

/* Ask thread tid, which the watchdog saw polling task t in the poll of
 * count polls, where it is: its handler answers in cap. */
static bool capture_send(pthread_t tid, int ktid, ax_task *t, uint64_t polls)
{
	atomic_store(&cap_done, 0);
	atomic_store(&cap_expect, t);
	atomic_store(&cap_expect_polls, polls);
	/* A worker's thread by its kernel id: it may have ended (and been
	 * joined) since it was sampled, and a signal to a kernel id that is
	 * gone fails, or lands on a thread polling nothing, which answers
	 * without a task; a pthread_t of a joined thread may not be used. */
	if (ktid > 0)
		return syscall(SYS_tgkill, getpid(), ktid, capture_sig) == 0;
	return pthread_kill(tid, capture_sig) == 0;
}

/* The handler's answer, copied while no handler writes it; false when
 * there is none yet. */
static bool capture_take(capture *out)
{
	if (!atomic_load(&cap_done))
		return false;
	for (int i = 0; i < 200; i++) {
		unsigned s1 = atomic_load(&cap_seq);
		if (!(s1 & 1)) {
			*out = cap;
			if (atomic_load(&cap_seq) == s1) {
				if (out->task.name)
					out->task.name = out->name;
				return true;
			}
		}
		usleep(1000);
	}
	return false;
}

/* Signal thread tid, which the watchdog saw polling task t in the poll of
 * count polls, and wait (up to wait_ms) for its handler.  Returns whether
 * it answered; *out then holds what it saw.  A signal answered late (after
 * the wait) may still run the handler during a later capture, even as
 * that one's own handler: cap is copied only while no handler writes it. */
static bool capture_thread(pthread_t tid, int ktid, ax_task *t, uint64_t polls,
			   int wait_ms, capture *out)
{
	if (!capture_send(tid, ktid, t, polls))
		return false;
	for (int i = 0; i < wait_ms && !atomic_load(&cap_done); i++)
		usleep(1000);
	return capture_take(out);
}

/* The CPU time thread tid has used, in ns (0 when it cannot be read). */
static uint64_t thread_cpu_ns(int tid)
{
	/* The kernel's clock id of one thread's CPU time (what
	 * pthread_getcpuclockid returns): readable from any thread of the
	 * process, and real under valgrind too. */
	clockid_t clk = (clockid_t)((~(unsigned)tid << 3) | 6u);
	struct timespec ts;
	if (tid <= 0 || clock_gettime(clk, &ts) != 0)
		return 0;
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Whether thread tid sleeps in the kernel (state S or D): blocked, as
 * opposed to running or waiting for a CPU. */
static bool thread_blocked(int tid)
{
	char path[64], buf[256];
	snprintf(path, sizeof path, "/proc/self/task/%d/stat", tid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	ssize_t n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n <= 0)
		return false;
	buf[n] = 0;
	/* "tid (comm) S ...": the command may hold spaces and parentheses. */
	const char *e = strrchr(buf, ')');
	return e && e[1] == ' ' && (e[2] == 'S' || e[2] == 'D');
}

/* A poll of task t (the poll of count polls), on the runtime thread tid
 * drives, has used half the stall threshold: ask where it is now.  The
 * answer is not waited for (under valgrind each wait hands the stuck
 * thread a whole time slice, and the watchdog must go on sampling the
 * poll it may soon report): early_take collects it into slot's early
 * capture at the next sample, or before a report. */
static capture *early_asked; /* the capture asked for, or NULL */

static void capture_early(capture *slot, pthread_t tid, int ktid, ax_task *t, uint64_t polls)
{
	slot->has_task = false;
	if (!early_asked && capture_send(tid, ktid, t, polls))
		early_asked = slot;
}

static void early_take(void)
{
	capture c;
	if (!early_asked || !capture_take(&c))
		return;
	if (c.has_task) {
		*early_asked = c;
		if (c.task.name)
			early_asked->task.name = early_asked->name;
	}
	early_asked = NULL;
}

/* A stall to report (or to capture half way) once the runtimes' lock is
 * let go: a poll of task t (count polls) on thread tid, with its early
 * capture, that has run for ms (of CPU time when cpu, else blocked).
 * worker: its worker (from 1, of of; turns when they take turns), 0 with
 * one; queued: the tasks queued on it (-1: unknown). */
typedef struct stall {
	capture *early;
	pthread_t tid;
	int ktid; /* a worker's kernel thread id (0: signal tid) */
	ax_task *t;
	uint64_t polls, ms;
	bool cpu, report;
	int worker, of, turns;
	long queued;
	pr_queued q;
} stall;

static void report_stall(const stall *s)
{
	pthread_t tid = s->tid;
	ax_task *t = s->t;
	uint64_t polls = s->polls, ms = s->ms;
	bool cpu = s->cpu;
	capture *early_c = s->early;
	void *pcs[CAP_MAX];
	int n = 0;
	const pr_task *pt = NULL;
	static capture own;
	early_take(); /* an early answer that came since the last sample */
	early_asked = NULL;
	bool answered = capture_thread(tid, s->ktid, t, polls, 200, &own);
	const capture *c = NULL;
	if (answered && own.has_task)
		c = &own;
	else if (early_c->has_task && early_c->polls == polls && early_c->task.t == t)
		c = early_c; /* the poll ended before the signal came */
	if (c) {
		n = capture_stack(c, pcs);
		pt = &c->task;
	} else if (!answered) {
		/* No answer (the thread blocks the signal): the task the
		 * watchdog saw running, located at its spawn site.  An answer
		 * without the task means its poll ended meanwhile, and the
		 * task may be gone: it is not read then. */
		pt = pr_task_of(t);
	} else {
		/* The poll ended before the signal came, and nothing was
		 * captured of it half way (a poll blocked in the kernel is
		 * not signalled early): neither its task nor its line is
		 * known, and a finding "outside any task" at no line would
		 * say nothing true.  (Seen under valgrind: a worker blocked
		 * on a lock past the threshold got it while the signal was
		 * on its way.) */
		return;
	}
	uintptr_t loc = 0;
	for (int i = 0; i < n && !loc; i++) {
		uintptr_t pc = (uintptr_t)pcs[i] - (i ? 1 : 0);
		if (pr_pc_is_user(pc))
			loc = pc;
	}
	char lb[128], what[512];
	if (s->worker)
		pr_worker_what(what, sizeof what, s->worker, s->of, s->turns, "is stuck in it",
			       "every other task is stalled", s->queued, &s->q);
	else
		snprintf(what, sizeof what, "every other task on this executor is stalled");
	pr_finding f;
	if (!pr_f_begin(&f, F_STALLED_POLL, pt,
			cpu ? "%s has computed for over %llu ms of CPU time inside "
			      "one poll without returning: %s"
			    : "%s has been blocked for over %llu ms inside one "
			      "poll without returning: %s",
			pr_task_label(pt, lb, sizeof lb), (unsigned long long)ms, what))
		return;
	if (loc)
		pr_f_loc_pc(&f, loc);
	else if (pt)
		pr_f_loc_site(&f, pt->site);
	pr_f_stack(&f, pcs, n, 1);
	pr_f_task_notes(&f, pt);
	pr_f_end(&f);
}

/* One sample of a thread that runs polls, seen running task run (NULL:
 * none) in the poll of count polls: 1 when that poll is a stall to
 * report, 2 when it is half way there (capture it early), else 0; *ms
 * and *cpu then say for how long and how.  *begun: a new poll was seen. */
static int sample(pr_watch *w, ax_task *run, uint64_t polls, int tid, uint64_t now,
		  uint64_t period, uint64_t stall_ns, uint64_t *ms, bool *cpu_out,
		  bool *begun)
{
	*begun = false;
	if (!run || polls != w->seen_polls) {
		uint64_t prev_polls = w->seen_polls;
		w->seen_polls = polls;
		w->seen_since_ns = now;
		w->last_ns = now;
		/* The poll began after the last sample, using at most a
		 * period of CPU before this one: count that too, so that a
		 * watchdog that samples late (valgrind, a loaded machine)
		 * does not miss it. */
		uint64_t cpu = thread_cpu_ns(tid);
		uint64_t from = cpu > period ? cpu - period : 0;
		if (from < w->last_cpu_ns && w->last_cpu_ns <= cpu)
			from = w->last_cpu_ns;
		/* The thread was idle at the last sample and only this poll
		 * began since: all the CPU time since then is its own,
		 * however late this sample came. */
		if (run && w->seen_idle && polls == prev_polls + 1 && w->last_cpu_ns <= cpu)
			from = w->last_cpu_ns;
		/* Idle means parked (asleep in the kernel), not running the
		 * program's code between two block_on calls, whose CPU time
		 * is no poll's. */
		w->seen_idle = !run && thread_blocked(tid);
		w->seen_cpu_ns = run ? from : cpu;
		w->last_cpu_ns = cpu;
		w->blocked_ns = 0;
		*begun = run != NULL;
		return 0;
	}
	/* The same poll as at the last sample.  It stalls the thread by
	 * computing (its CPU time) or by sleeping in the kernel (blocked,
	 * using no CPU, for the whole time since the last sample); waiting
	 * for a CPU is neither. */
	uint64_t cpu = thread_cpu_ns(tid);
	if (cpu - w->last_cpu_ns < 1000000u && thread_blocked(tid))
		w->blocked_ns += now - w->last_ns;
	else
		w->blocked_ns = 0;
	w->last_cpu_ns = cpu;
	w->last_ns = now;
	uint64_t used = cpu - w->seen_cpu_ns;
	bool busy = used >= stall_ns * pr_cfg.slowdown;
	*ms = (busy ? used : w->blocked_ns) / 1000000u;
	*cpu_out = busy;
	if ((busy || w->blocked_ns >= stall_ns) && w->reported_polls != polls + 1) {
		w->reported_polls = polls + 1;
		return 1;
	}
	if (used * 2 >= stall_ns * pr_cfg.slowdown && w->early_polls != polls + 1 &&
	    w->reported_polls != polls + 1) {
		/* Half way through computing: where the poll is now, in case
		 * the report's own signal comes too late.  (Not for a poll
		 * blocked in the kernel: a signal would cut short a wait the
		 * program made itself.) */
		w->early_polls = polls + 1;
		return 2;
	}
	return 0;
}

/* The units of slot, about p, with workers: reset when the slot holds
 * another runtime than when they were last used. */
static wunit *units_of(int slot, const pr_rt *p)
{
	if (!wks[slot].u) {
		wks[slot].u = calloc(AX_MAX_WORKERS, sizeof(wunit));
		if (!wks[slot].u)
			return NULL;
		wks[slot].p = p;
	} else if (wks[slot].p != p) {
		wunit *u = wks[slot].u;
		if (early_asked >= &u[0].early && early_asked <= &u[AX_MAX_WORKERS - 1].early)
			early_asked = NULL;
		memset(u, 0, AX_MAX_WORKERS * sizeof *u);
		wks[slot].p = p;
	}
	return wks[slot].u;
}

#define MAX_STALLS 32

/* The tasks queued on worker i of rt, for a stall's report: the
 * runtime's lock is only tried (a worker holding it could be waiting for
 * the runtimes' lock, which the watchdog holds), a few times. */
static void queued_on(stall *st, ax_rt *rt, int i)
{
	st->q.len = 0;
	st->q.n = 0;
	st->q.buf[0] = '\0';
	st->queued = -1;
	for (int k = 0; k < 50 && st->queued < 0; k++) {
		st->queued = ax_instrument_worker_queued_on(rt, i, pr_queued_add, &st->q, 3);
		if (st->queued < 0)
			sched_yield();
	}
}

static void *watch_main(void *arg)
{
	uint64_t stall_ns = pr_cfg.stall_ms * 1000000u;
	uint64_t period = stall_ns / 4;
	if (period < 2000000)
		period = 2000000;
	if (period > 20000000)
		period = 20000000;
	uint64_t last_flush = pr_mono_ns();
	sigset_t all;
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, NULL);
	static stall stalls[MAX_STALLS];
	while (!atomic_load(&watch_stop)) {
		struct timespec ts = { 0, (long)period };
		nanosleep(&ts, NULL);
		uint64_t now = pr_mono_ns();
		pr_coarse_advance(now);
		early_take();
		/* Stalls are reported after the runtimes' lock is let go: a
		 * report waits for the stuck thread's stack. */
		int nstalls = 0;
		pr_rts_lock();
		for (int i = 0; i < PR_MAX_RTS; i++) {
			pr_rt *p = atomic_load_explicit(&pr_rts[i], memory_order_relaxed);
			if (!p || !p->rt || p->stopped)
				continue;
			uint64_t ms = 0;
			bool cpu = false, begun;
			if (ax_instrument_rt_lock(p->rt) != NULL) {
				/* A runtime with workers: each worker's thread
				 * (block_on's thread only waits; docs/checker.md,
				 * "A program with N workers"). */
				wunit *u = units_of(i, p);
				ax_instrument_wpoll wp;
				int of = 1, turns = 0;
				(void)ax_instrument_worker(p->rt, &of, &turns);
				for (int k = 0; u && k < AX_MAX_WORKERS && nstalls < MAX_STALLS &&
						ax_instrument_worker_poll(p->rt, k, &wp) == 0;
				     k++) {
					if (!wp.tid)
						continue;
					if (u[k].tid != wp.tid) {
						/* First sight: parked until now, with
						 * the CPU time of its start-up counted
						 * for its first poll. */
						memset(&u[k].w, 0, sizeof u[k].w);
						u[k].w.seen_idle = true;
						u[k].tid = wp.tid;
					}
					int r = sample(&u[k].w, wp.running, wp.polls, wp.tid, now,
						       period, stall_ns, &ms, &cpu, &begun);
					if (!r)
						continue;
					stall *st = &stalls[nstalls++];
					st->early = &u[k].early;
					st->tid = wp.thread;
					st->ktid = wp.tid;
					st->t = wp.running;
					st->polls = wp.polls;
					st->ms = ms;
					st->cpu = cpu;
					st->report = r == 1;
					st->worker = k + 1;
					st->of = of;
					st->turns = turns;
					st->queued = -1;
					if (r == 1 && !turns)
						queued_on(st, p->rt, k);
				}
				continue;
			}
			ax_task *run = ax_rt_running(p->rt);
			uint64_t polls = ax_rt_polls(p->rt);
			int tid = atomic_load_explicit(&p->tid, memory_order_relaxed);
			int r = sample(&p->w, run, polls, tid, now, period, stall_ns, &ms, &cpu,
				       &begun);
			if (begun) {
				atomic_store_explicit(&p->run_t0, now, memory_order_relaxed);
				atomic_store_explicit(&p->run_polls, polls, memory_order_release);
			}
			if (!r || nstalls >= MAX_STALLS)
				continue;
			stall *st = &stalls[nstalls++];
			st->early = &early[i];
			st->tid = ax_rt_thread(p->rt);
			st->ktid = 0;
			st->t = run;
			st->polls = polls;
			st->ms = ms;
			st->cpu = cpu;
			st->report = r == 1;
			st->worker = 0;
		}
		pr_rts_unlock();
		for (int i = 0; i < nstalls; i++) {
			if (stalls[i].report)
				report_stall(&stalls[i]);
			else
				capture_early(stalls[i].early, stalls[i].tid, stalls[i].ktid,
					      stalls[i].t, stalls[i].polls);
		}
		if (now - last_flush >= 100000000u) {
			pr_flush();
			last_flush = now;
		}
	}
	(void)arg;
	return NULL;
}

void pr_watch_start(void)
{
	capture_sig = SIGRTMIN + 7;
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = on_capture;
	sa.sa_flags = SA_SIGINFO | SA_RESTART;
	sigemptyset(&sa.sa_mask);
	sigaction(capture_sig, &sa, NULL);
	watch_running = 1;
	if (pthread_create(&watch_tid, NULL, watch_main, NULL) != 0)
		watch_running = 0;
	else
		ax_instrument_quiet_threads(1); /* it never wakes a task */
}

void pr_watch_stop(void)
{
	if (!watch_running)
		return;
	atomic_store(&watch_stop, 1);
	pthread_join(watch_tid, NULL);
	ax_instrument_quiet_threads(-1);
	watch_running = 0;
	for (int i = 0; i < PR_MAX_RTS; i++) {
		free(wks[i].u);
		wks[i].u = NULL;
		wks[i].p = NULL;
	}
}
