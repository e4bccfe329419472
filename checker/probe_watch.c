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
#include <signal.h>
#include <string.h>
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
static ax_task *cap_expect;	 /* the task the watchdog saw stuck ... */
static uint64_t cap_expect_polls; /* ... in the poll of this count */
static atomic_int cap_done;

/* The capture taken when a poll has used half the threshold, per runtime
 * slot: the stack of a poll that is still stuck.  A report whose own
 * signal is answered only after that poll ended (valgrind, a loaded
 * machine) uses it instead of saying nothing of where the poll was. */
static capture early[PR_MAX_RTS];
static uint64_t early_polls[PR_MAX_RTS]; /* the poll asked for, plus one */

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
	cap.polls = t ? ax_rt_polls(ax_task_rt(t)) : 0;
	pr_task *pt = t && t == cap_expect && cap.polls == cap_expect_polls
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
static bool capture_send(pthread_t tid, ax_task *t, uint64_t polls)
{
	atomic_store(&cap_done, 0);
	cap_expect = t;
	cap_expect_polls = polls;
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
static bool capture_thread(pthread_t tid, ax_task *t, uint64_t polls,
			   int wait_ms, capture *out)
{
	if (!capture_send(tid, t, polls))
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
static int early_asked = -1; /* the slot asked, or -1 */

static void capture_early(int slot, pthread_t tid, ax_task *t, uint64_t polls)
{
	early[slot].has_task = false;
	if (early_asked < 0 && capture_send(tid, t, polls))
		early_asked = slot;
}

static void early_take(void)
{
	capture c;
	if (early_asked < 0 || !capture_take(&c))
		return;
	if (c.has_task) {
		early[early_asked] = c;
		if (c.task.name)
			early[early_asked].task.name = early[early_asked].name;
	}
	early_asked = -1;
}

/* A poll of task t (count polls), on the runtime thread tid drives, in
 * runtime slot, has run for ms (of CPU time when cpu, else blocked). */
static void report_stall(int slot, pthread_t tid, ax_task *t, uint64_t polls,
			 uint64_t ms, bool cpu)
{
	void *pcs[CAP_MAX];
	int n = 0;
	const pr_task *pt = NULL;
	static capture own;
	early_take(); /* an early answer that came since the last sample */
	early_asked = -1;
	bool answered = capture_thread(tid, t, polls, 200, &own);
	const capture *c = NULL;
	if (answered && own.has_task)
		c = &own;
	else if (early[slot].has_task && early[slot].polls == polls &&
		 early[slot].task.t == t)
		c = &early[slot]; /* the poll ended before the signal came */
	if (c) {
		n = capture_stack(c, pcs);
		pt = &c->task;
	} else if (!answered) {
		/* No answer (the thread blocks the signal): the task the
		 * watchdog saw running, located at its spawn site.  An answer
		 * without the task means its poll ended meanwhile, and the
		 * task may be gone: it is not read then. */
		pt = pr_task_of(t);
	}
	uintptr_t loc = 0;
	for (int i = 0; i < n && !loc; i++) {
		uintptr_t pc = (uintptr_t)pcs[i] - (i ? 1 : 0);
		if (pr_pc_is_user(pc))
			loc = pc;
	}
	char lb[128];
	pr_finding f;
	if (!pr_f_begin(&f, F_STALLED_POLL, pt,
			cpu ? "%s has computed for over %llu ms of CPU time inside "
			      "one poll without returning: every other task on "
			      "this executor is stalled"
			    : "%s has been blocked for over %llu ms inside one "
			      "poll without returning: every other task on this "
			      "executor is stalled",
			pr_task_label(pt, lb, sizeof lb), (unsigned long long)ms))
		return;
	if (loc)
		pr_f_loc_pc(&f, loc);
	else if (pt)
		pr_f_loc_site(&f, pt->site);
	pr_f_stack(&f, pcs, n, 1);
	pr_f_task_notes(&f, pt);
	pr_f_end(&f);
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
	while (!atomic_load(&watch_stop)) {
		struct timespec ts = { 0, (long)period };
		nanosleep(&ts, NULL);
		uint64_t now = pr_mono_ns();
		pr_coarse_advance(now);
		early_take();
		/* Stalls are reported after the runtimes' lock is let go: a
		 * report waits for the stuck thread's stack. */
		struct {
			int slot;
			pthread_t tid;
			ax_task *t;
			uint64_t polls, ms;
			bool cpu, report;
		} stalls[PR_MAX_RTS];
		int nstalls = 0;
		pr_rts_lock();
		for (int i = 0; i < PR_MAX_RTS; i++) {
			pr_rt *p = atomic_load_explicit(&pr_rts[i], memory_order_relaxed);
			if (!p || !p->rt || p->stopped)
				continue;
			/* A runtime with workers: the thread it knows is
			 * block_on's, which only waits (docs/checker.md, "A
			 * program with N workers"). */
			if (ax_instrument_rt_lock(p->rt) != NULL)
				continue;
			ax_task *run = ax_rt_running(p->rt);
			uint64_t polls = ax_rt_polls(p->rt);
			int tid = atomic_load_explicit(&p->tid, memory_order_relaxed);
			if (!run || polls != p->seen_polls) {
				uint64_t prev_polls = p->seen_polls;
				p->seen_polls = polls;
				p->seen_since_ns = now;
				p->last_ns = now;
				/* The poll began after the last sample, using
				 * at most a period of CPU before this one: count
				 * that too, so that a watchdog that samples late
				 * (valgrind, a loaded machine) does not miss it. */
				uint64_t cpu = thread_cpu_ns(tid);
				uint64_t from = cpu > period ? cpu - period : 0;
				if (from < p->last_cpu_ns && p->last_cpu_ns <= cpu)
					from = p->last_cpu_ns;
				/* The executor was idle at the last sample and only
				 * this poll began since: all the CPU time since then
				 * is its own, however late this sample came. */
				if (run && p->seen_idle && polls == prev_polls + 1 &&
				    p->last_cpu_ns <= cpu)
					from = p->last_cpu_ns;
				/* Idle means parked (asleep in the kernel), not
				 * running the program's code between two
				 * block_on calls, whose CPU time is no poll's. */
				p->seen_idle = !run && thread_blocked(tid);
				p->seen_cpu_ns = run ? from : cpu;
				p->last_cpu_ns = cpu;
				p->blocked_ns = 0;
				if (run) {
					atomic_store_explicit(&p->run_t0, now,
							      memory_order_relaxed);
					atomic_store_explicit(&p->run_polls, polls,
							      memory_order_release);
				}
				continue;
			}
			/* The same poll as at the last sample.  It stalls the
			 * executor by computing (its thread's CPU time) or by
			 * sleeping in the kernel (blocked, using no CPU, for the
			 * whole time since the last sample); waiting for a CPU
			 * is neither. */
			uint64_t cpu = thread_cpu_ns(tid);
			if (cpu - p->last_cpu_ns < 1000000u && thread_blocked(tid))
				p->blocked_ns += now - p->last_ns;
			else
				p->blocked_ns = 0;
			p->last_cpu_ns = cpu;
			p->last_ns = now;
			uint64_t used = cpu - p->seen_cpu_ns;
			bool busy = used >= stall_ns * pr_cfg.slowdown;
			if ((busy || p->blocked_ns >= stall_ns) &&
			    p->reported_polls != polls + 1) {
				p->reported_polls = polls + 1;
				stalls[nstalls].report = true;
			} else if (used * 2 >= stall_ns * pr_cfg.slowdown &&
				   early_polls[i] != polls + 1 &&
				   p->reported_polls != polls + 1) {
				/* Half way through computing: where the poll
				 * is now, in case the report's own signal comes
				 * too late.  (Not for a poll blocked in the
				 * kernel: a signal would cut short a wait the
				 * program made itself.) */
				early_polls[i] = polls + 1;
				stalls[nstalls].report = false;
			} else {
				continue;
			}
			stalls[nstalls].slot = i;
			stalls[nstalls].tid = ax_rt_thread(p->rt);
			stalls[nstalls].t = run;
			stalls[nstalls].polls = polls;
			stalls[nstalls].ms = (busy ? used : p->blocked_ns) / 1000000u;
			stalls[nstalls].cpu = busy;
			nstalls++;
		}
		pr_rts_unlock();
		for (int i = 0; i < nstalls; i++) {
			if (stalls[i].report)
				report_stall(stalls[i].slot, stalls[i].tid,
					     stalls[i].t, stalls[i].polls,
					     stalls[i].ms, stalls[i].cpu);
			else
				capture_early(stalls[i].slot, stalls[i].tid,
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
}
