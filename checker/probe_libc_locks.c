/* probe_libc_locks.c - the interposed pthread lock routes: mutex
 * lock/trylock/timedlock/clocklock, rwlock read and write with their
 * try/timed/clock forms, spin locks, semaphores and condition waits.
 * Inside a poll, each acquisition first tries without waiting; when the
 * lock is taken, the probe is told before the thread waits
 * (pr_lock_contended: a blocking call, or a certain deadlock that ends the
 * run), and a successful acquisition is recorded for the task
 * (pr_lock_event) unless it came through the runtime's own ax_bmutex or
 * ax_brwlock, which report through the lock hook with their source line. */
#define _GNU_SOURCE
#include "probe_libc.h"

#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

DECL(int, pthread_mutex_lock, pthread_mutex_t *);
DECL(int, pthread_mutex_trylock, pthread_mutex_t *);
DECL(int, pthread_mutex_timedlock, pthread_mutex_t *, const struct timespec *);
DECL(int, pthread_mutex_clocklock, pthread_mutex_t *, clockid_t, const struct timespec *);
DECL(int, pthread_mutex_unlock, pthread_mutex_t *);
DECL(int, pthread_rwlock_rdlock, pthread_rwlock_t *);
DECL(int, pthread_rwlock_wrlock, pthread_rwlock_t *);
DECL(int, pthread_rwlock_tryrdlock, pthread_rwlock_t *);
DECL(int, pthread_rwlock_trywrlock, pthread_rwlock_t *);
DECL(int, pthread_rwlock_timedrdlock, pthread_rwlock_t *, const struct timespec *);
DECL(int, pthread_rwlock_timedwrlock, pthread_rwlock_t *, const struct timespec *);
DECL(int, pthread_rwlock_clockrdlock, pthread_rwlock_t *, clockid_t, const struct timespec *);
DECL(int, pthread_rwlock_clockwrlock, pthread_rwlock_t *, clockid_t, const struct timespec *);
DECL(int, pthread_rwlock_unlock, pthread_rwlock_t *);
DECL(int, pthread_spin_lock, pthread_spinlock_t *);
DECL(int, pthread_spin_trylock, pthread_spinlock_t *);
DECL(int, pthread_spin_unlock, pthread_spinlock_t *);
DECL(int, sem_wait, sem_t *);
DECL(int, sem_trywait, sem_t *);
DECL(int, sem_timedwait, sem_t *, const struct timespec *);
DECL(int, sem_clockwait, sem_t *, clockid_t, const struct timespec *);
DECL(int, sem_post, sem_t *);
DECL(int, pthread_cond_wait, pthread_cond_t *, pthread_mutex_t *);
DECL(int, pthread_cond_timedwait, pthread_cond_t *, pthread_mutex_t *, const struct timespec *);

/* The next pthread_cond_wait or _timedwait.  In libc the unversioned
 * name is the pre-2.3.2 condvar ABI, so libc's is asked for by version;
 * but an interposer between the probe and libc (ThreadSanitizer's
 * runtime, which must see the unlock and relock inside the wait) defines
 * it without a version, and is the one to call when there is one. */
static void *next_cond_fn(const char *name)
{
	void *any = dlsym(RTLD_NEXT, name);
	Dl_info info;
	if (any && dladdr(any, &info) && info.dli_fname &&
	    !strstr(info.dli_fname, "/libc.so") && !strstr(info.dli_fname, "/libpthread.so"))
		return any;
	return dlvsym(RTLD_NEXT, name, "GLIBC_2.3.2");
}

void pr_libc_locks_init(void)
{
	(void)REAL(pthread_mutex_lock), (void)REAL(pthread_mutex_trylock);
	(void)REAL(pthread_mutex_timedlock), (void)REAL(pthread_mutex_clocklock);
	(void)REAL(pthread_mutex_unlock), (void)REAL(pthread_rwlock_rdlock);
	(void)REAL(pthread_rwlock_wrlock), (void)REAL(pthread_rwlock_tryrdlock);
	(void)REAL(pthread_rwlock_trywrlock), (void)REAL(pthread_rwlock_timedrdlock);
	(void)REAL(pthread_rwlock_timedwrlock), (void)REAL(pthread_rwlock_clockrdlock);
	(void)REAL(pthread_rwlock_clockwrlock), (void)REAL(pthread_rwlock_unlock);
	(void)REAL(pthread_spin_lock), (void)REAL(pthread_spin_trylock);
	(void)REAL(pthread_spin_unlock), (void)REAL(sem_wait), (void)REAL(sem_trywait);
	(void)REAL(sem_timedwait), (void)REAL(sem_clockwait), (void)REAL(sem_post);
	void *p = next_cond_fn("pthread_cond_wait");
	memcpy(&real_pthread_cond_wait, &p, sizeof p);
	p = next_cond_fn("pthread_cond_timedwait");
	memcpy(&real_pthread_cond_timedwait, &p, sizeof p);
	(void)REAL(pthread_cond_wait), (void)REAL(pthread_cond_timedwait);
}

static int my_tid(void)
{
	return (int)syscall(SYS_gettid);
}

/* How long a blocking mutex lock of m by this thread would wait: an
 * error-checking mutex this thread owns fails at once (EDEADLK). */
static int mutex_waits(pthread_mutex_t *m)
{
#ifdef __GLIBC__
	if ((m->__data.__kind & 3) == PTHREAD_MUTEX_ERRORCHECK_NP &&
	    m->__data.__owner == my_tid())
		return PR_WAITS_NOT;
#endif
	(void)m;
	return PR_WAITS_FOREVER;
}

static int mutex_owner(pthread_mutex_t *m)
{
#ifdef __GLIBC__
	return m->__data.__owner;
#else
	(void)m;
	return 0;
#endif
}

/* glibc refuses (EDEADLK) a rwlock lock by the thread that holds it for
 * writing, instead of waiting. */
static int rwlock_waits(pthread_rwlock_t *l)
{
#ifdef __GLIBC__
	if (l->__data.__cur_writer == my_tid())
		return PR_WAITS_NOT;
#endif
	(void)l;
	return PR_WAITS_FOREVER;
}

/* Record an acquisition made by the program itself (the runtime's locks
 * report through the lock hook). */
static void acquired(const void *lock, uintptr_t ret, const char *what)
{
	if (!pr_pc_in_runtime(ret - 1))
		pr_lock_event(pr_cur(), lock, true, NULL, ret - 1, what);
}

static void released(const void *lock)
{
	pr_task *cur = pr_cur();
	if (cur && cur->locks)
		pr_lock_event(cur, lock, false, NULL, 0, NULL);
}

/* The name of a contended call in a finding: the API the program called. */
static const char *call_name(uintptr_t ret, const char *libc, const char *rt)
{
	return pr_pc_in_runtime(ret - 1) ? rt : libc;
}

#pragma GCC visibility push(default)

/* --- mutexes --------------------------------------------------------------- */

PUBLIC int pthread_mutex_lock(pthread_mutex_t *m)
{
	/* The lock of a runtime with N workers, taken by the runtime in a
	 * poll (a wake, a spawn): contended by design, not the program's. */
	if (!pr_in_poll() || m == ax_instrument_rt_lock(ax_rt_current()))
		return REAL(pthread_mutex_lock)(m);
	uintptr_t ret = RET;
	int r = REAL(pthread_mutex_trylock)(m);
	if (r == EBUSY) {
		int waits = mutex_waits(m);
		if (waits != PR_WAITS_NOT)
			pr_lock_contended(m, call_name(ret, "pthread_mutex_lock", "ax_bmutex_lock"),
					  ret, mutex_owner(m), waits);
		r = REAL(pthread_mutex_lock)(m);
		if (waits != PR_WAITS_NOT)
			pr_lock_waited(m);
	} else if (r != 0) {
		r = REAL(pthread_mutex_lock)(m);
	}
	if (r == 0)
		acquired(m, ret, "pthread mutex");
	return r;
}

PUBLIC int pthread_mutex_trylock(pthread_mutex_t *m)
{
	int r = REAL(pthread_mutex_trylock)(m);
	if (r == 0 && pr_in_poll())
		acquired(m, RET, "pthread mutex");
	return r;
}

/* A timed wait ends by itself: a blocking call, never a certain deadlock. */
PUBLIC int pthread_mutex_timedlock(pthread_mutex_t *m, const struct timespec *at)
{
	if (!pr_in_poll())
		return REAL(pthread_mutex_timedlock)(m, at);
	uintptr_t ret = RET;
	int r = REAL(pthread_mutex_trylock)(m);
	if (r != 0) {
		if (r == EBUSY)
			pr_lock_contended(m, "pthread_mutex_timedlock", ret, 0, PR_WAITS_TIMED);
		r = REAL(pthread_mutex_timedlock)(m, at);
		pr_lock_waited(m);
	}
	if (r == 0)
		acquired(m, ret, "pthread mutex");
	return r;
}

PUBLIC int pthread_mutex_clocklock(pthread_mutex_t *m, clockid_t clk, const struct timespec *at)
{
	if (!pr_in_poll())
		return REAL(pthread_mutex_clocklock)(m, clk, at);
	uintptr_t ret = RET;
	int r = REAL(pthread_mutex_trylock)(m);
	if (r != 0) {
		if (r == EBUSY)
			pr_lock_contended(m, "pthread_mutex_clocklock", ret, 0, PR_WAITS_TIMED);
		r = REAL(pthread_mutex_clocklock)(m, clk, at);
		pr_lock_waited(m);
	}
	if (r == 0)
		acquired(m, ret, "pthread mutex");
	return r;
}

PUBLIC int pthread_mutex_unlock(pthread_mutex_t *m)
{
	if (pr_in_poll())
		released(m);
	else if (pr_locks_left)
		pr_lock_left_released(m);
	return REAL(pthread_mutex_unlock)(m);
}

/* --- reader-writer locks ------------------------------------------------------ */

static int rw_lock(pthread_rwlock_t *l, uintptr_t ret, bool wr)
{
	int r = wr ? REAL(pthread_rwlock_trywrlock)(l) : REAL(pthread_rwlock_tryrdlock)(l);
	if (r == EBUSY) {
		int waits = rwlock_waits(l);
		if (waits != PR_WAITS_NOT)
			pr_lock_contended(l,
					  wr ? call_name(ret, "pthread_rwlock_wrlock", "ax_brwlock_write")
					     : call_name(ret, "pthread_rwlock_rdlock", "ax_brwlock_read"),
					  ret, 0, waits);
	}
	if (r != 0) {
		r = wr ? REAL(pthread_rwlock_wrlock)(l) : REAL(pthread_rwlock_rdlock)(l);
		pr_lock_waited(l);
	}
	if (r == 0)
		acquired(l, ret, wr ? "pthread rwlock (write)" : "pthread rwlock (read)");
	return r;
}

PUBLIC int pthread_rwlock_rdlock(pthread_rwlock_t *l)
{
	if (!pr_in_poll())
		return REAL(pthread_rwlock_rdlock)(l);
	return rw_lock(l, RET, false);
}

PUBLIC int pthread_rwlock_wrlock(pthread_rwlock_t *l)
{
	if (!pr_in_poll())
		return REAL(pthread_rwlock_wrlock)(l);
	return rw_lock(l, RET, true);
}

PUBLIC int pthread_rwlock_tryrdlock(pthread_rwlock_t *l)
{
	int r = REAL(pthread_rwlock_tryrdlock)(l);
	if (r == 0 && pr_in_poll())
		acquired(l, RET, "pthread rwlock (read)");
	return r;
}

PUBLIC int pthread_rwlock_trywrlock(pthread_rwlock_t *l)
{
	int r = REAL(pthread_rwlock_trywrlock)(l);
	if (r == 0 && pr_in_poll())
		acquired(l, RET, "pthread rwlock (write)");
	return r;
}

/* The timed forms: try first, then a blocking call that ends by itself. */
#define RW_TIMED(name, trywhat, what, ...)                                        \
	if (!pr_in_poll())                                                         \
		return REAL(name)(__VA_ARGS__);                                    \
	uintptr_t ret = RET;                                                       \
	int r = REAL(trywhat)(l);                                                  \
	if (r != 0) {                                                              \
		if (r == EBUSY)                                                    \
			pr_lock_contended(l, #name, ret, 0, PR_WAITS_TIMED);       \
		r = REAL(name)(__VA_ARGS__);                                       \
		pr_lock_waited(l);                                                 \
	}                                                                          \
	if (r == 0)                                                                \
		acquired(l, ret, what);                                            \
	return r

PUBLIC int pthread_rwlock_timedrdlock(pthread_rwlock_t *l, const struct timespec *at)
{
	RW_TIMED(pthread_rwlock_timedrdlock, pthread_rwlock_tryrdlock,
		 "pthread rwlock (read)", l, at);
}

PUBLIC int pthread_rwlock_timedwrlock(pthread_rwlock_t *l, const struct timespec *at)
{
	RW_TIMED(pthread_rwlock_timedwrlock, pthread_rwlock_trywrlock,
		 "pthread rwlock (write)", l, at);
}

PUBLIC int pthread_rwlock_clockrdlock(pthread_rwlock_t *l, clockid_t clk,
				      const struct timespec *at)
{
	RW_TIMED(pthread_rwlock_clockrdlock, pthread_rwlock_tryrdlock,
		 "pthread rwlock (read)", l, clk, at);
}

PUBLIC int pthread_rwlock_clockwrlock(pthread_rwlock_t *l, clockid_t clk,
				      const struct timespec *at)
{
	RW_TIMED(pthread_rwlock_clockwrlock, pthread_rwlock_trywrlock,
		 "pthread rwlock (write)", l, clk, at);
}

PUBLIC int pthread_rwlock_unlock(pthread_rwlock_t *l)
{
	if (pr_in_poll())
		released(l);
	else if (pr_locks_left)
		pr_lock_left_released(l);
	return REAL(pthread_rwlock_unlock)(l);
}

/* --- spin locks ------------------------------------------------------------- */

/* A spin lock waits by spinning: held by a task of this thread, it spins
 * for ever. */
PUBLIC int pthread_spin_lock(pthread_spinlock_t *l)
{
	if (!pr_in_poll())
		return REAL(pthread_spin_lock)(l);
	uintptr_t ret = RET;
	int r = REAL(pthread_spin_trylock)(l);
	if (r != 0) {
		if (r == EBUSY)
			pr_lock_contended((const void *)(uintptr_t)l, "pthread_spin_lock", ret, 0,
					  PR_WAITS_FOREVER);
		r = REAL(pthread_spin_lock)(l);
		pr_lock_waited((const void *)(uintptr_t)l);
	}
	if (r == 0)
		acquired((const void *)(uintptr_t)l, ret, "spin lock");
	return r;
}

PUBLIC int pthread_spin_trylock(pthread_spinlock_t *l)
{
	int r = REAL(pthread_spin_trylock)(l);
	if (r == 0 && pr_in_poll())
		acquired((const void *)(uintptr_t)l, RET, "spin lock");
	return r;
}

PUBLIC int pthread_spin_unlock(pthread_spinlock_t *l)
{
	if (pr_in_poll())
		released((const void *)(uintptr_t)l);
	else if (pr_locks_left)
		pr_lock_left_released((const void *)(uintptr_t)l);
	return REAL(pthread_spin_unlock)(l);
}

/* --- semaphores ---------------------------------------------------------------- */

/* A semaphore has no owner: a wait with no permit is a blocking call
 * (another thread may post), and a permit counts as a lock of its task
 * only when the same task posts it again (pr_lock_event with a NULL
 * what: see pr_sem_event). */
PUBLIC int sem_wait(sem_t *s)
{
	if (!pr_in_poll())
		return REAL(sem_wait)(s);
	uintptr_t ret = RET;
	int r = REAL(sem_trywait)(s);
	if (r != 0 && errno == EAGAIN) {
		pr_lock_contended(s, "sem_wait", ret, 0, PR_WAITS_TIMED);
		r = REAL(sem_wait)(s);
	} else if (r != 0) {
		r = REAL(sem_wait)(s);
	}
	if (r == 0)
		pr_sem_event(pr_cur(), s, true, ret - 1);
	return r;
}

PUBLIC int sem_trywait(sem_t *s)
{
	int r = REAL(sem_trywait)(s);
	if (r == 0 && pr_in_poll())
		pr_sem_event(pr_cur(), s, true, RET - 1);
	return r;
}

PUBLIC int sem_timedwait(sem_t *s, const struct timespec *at)
{
	if (!pr_in_poll())
		return REAL(sem_timedwait)(s, at);
	uintptr_t ret = RET;
	int r = REAL(sem_trywait)(s);
	if (r != 0) {
		if (errno == EAGAIN)
			pr_lock_contended(s, "sem_timedwait", ret, 0, PR_WAITS_TIMED);
		r = REAL(sem_timedwait)(s, at);
	}
	if (r == 0)
		pr_sem_event(pr_cur(), s, true, ret - 1);
	return r;
}

PUBLIC int sem_clockwait(sem_t *s, clockid_t clk, const struct timespec *at)
{
	if (!pr_in_poll())
		return REAL(sem_clockwait)(s, clk, at);
	uintptr_t ret = RET;
	int r = REAL(sem_trywait)(s);
	if (r != 0) {
		if (errno == EAGAIN)
			pr_lock_contended(s, "sem_clockwait", ret, 0, PR_WAITS_TIMED);
		r = REAL(sem_clockwait)(s, clk, at);
	}
	if (r == 0)
		pr_sem_event(pr_cur(), s, true, ret - 1);
	return r;
}

PUBLIC int sem_post(sem_t *s)
{
	if (pr_in_poll())
		pr_sem_event(pr_cur(), s, false, 0);
	return REAL(sem_post)(s);
}

/* --- condition variables ---------------------------------------------------- */

PUBLIC int pthread_cond_wait(pthread_cond_t *c, pthread_mutex_t *m)
{
	if (pr_in_poll())
		pr_report_blocking("pthread_cond_wait", RET);
	return REAL(pthread_cond_wait)(c, m);
}

PUBLIC int pthread_cond_timedwait(pthread_cond_t *c, pthread_mutex_t *m,
				  const struct timespec *ts)
{
	if (pr_in_poll())
		pr_report_blocking("pthread_cond_timedwait", RET);
	return REAL(pthread_cond_timedwait)(c, m, ts);
}

#pragma GCC visibility pop
