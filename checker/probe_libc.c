/* probe_libc.c - interposed blocking libc calls.  Each wrapper forwards to
 * the next definition (dlsym RTLD_NEXT) and, only when it is called inside
 * a poll on an executor thread, reports a blocking-call finding at the
 * caller's line (the lock routes are in probe_libc_locks.c).  Under the
 * virtual clock a sleep inside a poll does not
 * really sleep: it advances the clock and records a stall span, so the
 * timeline shows every other task delayed without real waiting. */
#define _GNU_SOURCE
#include "probe_libc.h"

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <sys/epoll.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

DECL(unsigned, sleep, unsigned);
DECL(int, usleep, useconds_t);
DECL(int, nanosleep, const struct timespec *, struct timespec *);
DECL(int, clock_nanosleep, clockid_t, int, const struct timespec *, struct timespec *);
DECL(ssize_t, read, int, void *, size_t);
DECL(ssize_t, write, int, const void *, size_t);
DECL(ssize_t, recv, int, void *, size_t, int);
DECL(ssize_t, recvfrom, int, void *, size_t, int, struct sockaddr *, socklen_t *);
DECL(ssize_t, send, int, const void *, size_t, int);
DECL(ssize_t, sendto, int, const void *, size_t, int, const struct sockaddr *, socklen_t);
DECL(int, accept, int, struct sockaddr *, socklen_t *);
DECL(int, accept4, int, struct sockaddr *, socklen_t *, int);
DECL(int, connect, int, const struct sockaddr *, socklen_t);
DECL(int, poll, struct pollfd *, nfds_t, int);
DECL(int, select, int, fd_set *, fd_set *, fd_set *, struct timeval *);
DECL(int, epoll_wait, int, struct epoll_event *, int, int);
DECL(int, fsync, int);
DECL(int, fdatasync, int);
DECL(int, getaddrinfo, const char *, const char *, const struct addrinfo *, struct addrinfo **);
DECL(int, system, const char *);
DECL(pid_t, waitpid, pid_t, int *, int);
DECL(pid_t, wait, int *);
DECL(char *, fgets, char *, int, FILE *);
DECL(size_t, fread, void *, size_t, size_t, FILE *);
DECL(int, fgetc, FILE *);
DECL(int, getc, FILE *);
DECL(int, getchar, void);
DECL(ssize_t, getline, char **, size_t *, FILE *);
DECL(int, __isoc99_vfscanf, FILE *, const char *, va_list);

ssize_t (*pr_real_write)(int, const void *, size_t);

void pr_resolve(void *slot, const char *name)
{
	void *p = dlsym(RTLD_NEXT, name);
	memcpy(slot, &p, sizeof p);
}

void pr_libc_init(void)
{
	(void)REAL(sleep), (void)REAL(usleep), (void)REAL(nanosleep);
	(void)REAL(clock_nanosleep), (void)REAL(read), (void)REAL(write);
	(void)REAL(recv), (void)REAL(recvfrom), (void)REAL(send), (void)REAL(sendto);
	(void)REAL(accept), (void)REAL(accept4), (void)REAL(connect), (void)REAL(poll);
	(void)REAL(select), (void)REAL(epoll_wait);
	pr_libc_locks_init();
	(void)REAL(fsync), (void)REAL(fdatasync), (void)REAL(getaddrinfo);
	(void)REAL(system), (void)REAL(waitpid), (void)REAL(wait), (void)REAL(fgets);
	(void)REAL(fread), (void)REAL(fgetc), (void)REAL(getc), (void)REAL(getchar);
	(void)REAL(getline), (void)REAL(__isoc99_vfscanf);
	pr_real_write = real_write;
}

/* Could an operation on fd wait?  Regular files and directories never
 * wait for a peer; descriptors with O_NONBLOCK fail with EAGAIN. */
static bool fd_blocks(int fd)
{
	int saved = errno;
	struct stat st;
	bool r = false;
	if (fstat(fd, &st) == 0 && !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode) &&
	    !S_ISBLK(st.st_mode)) {
		int fl = fcntl(fd, F_GETFL);
		r = fl >= 0 && !(fl & O_NONBLOCK);
	}
	errno = saved;
	return r;
}

/* Writes to the program's own stdout/stderr are its output, not I/O
 * it waits on. */
static bool wfd_blocks(int fd)
{
	return fd > 2 && fd_blocks(fd);
}

static bool stream_blocks(FILE *f)
{
	if (!f || f->_IO_read_ptr < f->_IO_read_end)
		return false; /* data already buffered */
	return fd_blocks(fileno(f));
}

#pragma GCC visibility push(default)

/* --- sleeping --------------------------------------------------------------- */

/* A sleep of ns inside a poll: under the virtual clock advance the clock
 * instead of waiting (returns true); else the caller sleeps for real. */
static bool stall_virtual(uint64_t ns)
{
	if (!ax_clock_is_virtual())
		return false;
	uint64_t t0 = ax_now();
	ax_clock_advance(ns);
	pr_stall_span(t0, t0 + ns, 0);
	return true;
}

static void stall_real_span(uint64_t t0, uint64_t r0)
{
	pr_stall_span(t0, ax_now(), pr_mono_ns() - r0);
}

/* The stall watchdog captures a stuck thread's stack with a signal, which
 * cuts short the sleep or wait the thread is stuck in.  A wait inside a
 * poll that the capture interrupted is resumed for the time it has left,
 * so that checking a program does not change what it does; an
 * interruption by any other signal is the program's and is returned. */
static inline void capture_arm(void)
{
	pr_tls.captured = 0;
}

static inline bool capture_cut(void)
{
	if (!pr_tls.captured)
		return false;
	pr_tls.captured = 0;
	return true;
}

/* nanosleep(req) resumed for the time left when the capture cut it short;
 * on an error *left holds what was left.  sleep and usleep wait this way
 * too, as glibc implements them (sleep's own result rounds the time left
 * down to whole seconds, too coarse to resume from). */
static int nap(const struct timespec *req, struct timespec *left)
{
	capture_arm();
	int r = REAL(nanosleep)(req, left);
	while (r < 0 && errno == EINTR && capture_cut())
		r = REAL(nanosleep)(left, left);
	return r;
}

/* Milliseconds left until deadline (monotonic ns), for poll-style
 * timeouts; a negative timeout waits for ever. */
static int ms_left(int timeout, uint64_t deadline)
{
	if (timeout < 0)
		return -1;
	uint64_t now = pr_mono_ns();
	return now >= deadline ? 0 : (int)((deadline - now + 999999) / 1000000);
}

PUBLIC unsigned sleep(unsigned s)
{
	if (!pr_in_poll())
		return REAL(sleep)(s);
	pr_report_blocking("sleep", RET);
	if (stall_virtual((uint64_t)s * 1000000000u))
		return 0;
	uint64_t t0 = ax_now(), r0 = pr_mono_ns();
	struct timespec left;
	int r = nap(&(struct timespec){ (time_t)s, 0 }, &left);
	stall_real_span(t0, r0);
	return r < 0 ? (unsigned)left.tv_sec : 0;
}

PUBLIC int usleep(useconds_t us)
{
	if (!pr_in_poll())
		return REAL(usleep)(us);
	pr_report_blocking("usleep", RET);
	if (stall_virtual((uint64_t)us * 1000u))
		return 0;
	uint64_t t0 = ax_now(), r0 = pr_mono_ns();
	struct timespec left;
	int r = nap(&(struct timespec){ (time_t)(us / 1000000u), (long)(us % 1000000u) * 1000 },
		    &left);
	stall_real_span(t0, r0);
	return r;
}

static uint64_t ts_ns(const struct timespec *ts)
{
	return ts ? (uint64_t)ts->tv_sec * 1000000000u + (uint64_t)ts->tv_nsec : 0;
}

PUBLIC int nanosleep(const struct timespec *req, struct timespec *rem)
{
	if (!pr_in_poll())
		return REAL(nanosleep)(req, rem);
	pr_report_blocking("nanosleep", RET);
	if (req && stall_virtual(ts_ns(req))) {
		if (rem)
			*rem = (struct timespec){ 0, 0 };
		return 0;
	}
	uint64_t t0 = ax_now(), r0 = pr_mono_ns();
	struct timespec left;
	int r = nap(req, &left);
	if (r < 0 && rem)
		*rem = left;
	stall_real_span(t0, r0);
	return r;
}

PUBLIC int clock_nanosleep(clockid_t clk, int flags, const struct timespec *req,
		    struct timespec *rem)
{
	if (!pr_in_poll())
		return REAL(clock_nanosleep)(clk, flags, req, rem);
	pr_report_blocking("clock_nanosleep", RET);
	if (!(flags & TIMER_ABSTIME) && req && stall_virtual(ts_ns(req)))
		return 0;
	uint64_t t0 = ax_now(), r0 = pr_mono_ns();
	struct timespec left = req ? *req : (struct timespec){ 0, 0 };
	capture_arm();
	int r = REAL(clock_nanosleep)(clk, flags, req, &left);
	/* An absolute deadline is simply waited for again. */
	while (r == EINTR && capture_cut())
		r = REAL(clock_nanosleep)(clk, flags, (flags & TIMER_ABSTIME) ? req : &left,
					  &left);
	if (r == EINTR && rem && !(flags & TIMER_ABSTIME))
		*rem = left;
	stall_real_span(t0, r0);
	return r;
}

PUBLIC ssize_t read(int fd, void *buf, size_t n)
{
	if (pr_in_poll() && fd_blocks(fd))
		pr_report_blocking("read", RET);
	return REAL(read)(fd, buf, n);
}

PUBLIC ssize_t write(int fd, const void *buf, size_t n)
{
	if (pr_in_poll() && wfd_blocks(fd))
		pr_report_blocking("write", RET);
	ssize_t r = REAL(write)(fd, buf, n);
	if (pr_trace_on && fd == STDOUT_FILENO && r > 0)
		pr_trace_out((size_t)r);
	return r;
}

PUBLIC ssize_t recv(int fd, void *buf, size_t n, int flags)
{
	if (pr_in_poll() && !(flags & MSG_DONTWAIT) && fd_blocks(fd))
		pr_report_blocking("recv", RET);
	return REAL(recv)(fd, buf, n, flags);
}

PUBLIC ssize_t recvfrom(int fd, void *buf, size_t n, int flags, struct sockaddr *a,
		 socklen_t *al)
{
	if (pr_in_poll() && !(flags & MSG_DONTWAIT) && fd_blocks(fd))
		pr_report_blocking("recvfrom", RET);
	return REAL(recvfrom)(fd, buf, n, flags, a, al);
}

PUBLIC ssize_t send(int fd, const void *buf, size_t n, int flags)
{
	if (pr_in_poll() && !(flags & MSG_DONTWAIT) && wfd_blocks(fd))
		pr_report_blocking("send", RET);
	return REAL(send)(fd, buf, n, flags);
}

PUBLIC ssize_t sendto(int fd, const void *buf, size_t n, int flags,
	       const struct sockaddr *a, socklen_t al)
{
	if (pr_in_poll() && !(flags & MSG_DONTWAIT) && wfd_blocks(fd))
		pr_report_blocking("sendto", RET);
	return REAL(sendto)(fd, buf, n, flags, a, al);
}

PUBLIC int accept(int fd, struct sockaddr *a, socklen_t *al)
{
	if (pr_in_poll() && fd_blocks(fd))
		pr_report_blocking("accept", RET);
	return REAL(accept)(fd, a, al);
}

PUBLIC int accept4(int fd, struct sockaddr *a, socklen_t *al, int flags)
{
	if (pr_in_poll() && fd_blocks(fd))
		pr_report_blocking("accept4", RET);
	return REAL(accept4)(fd, a, al, flags);
}

PUBLIC int connect(int fd, const struct sockaddr *a, socklen_t al)
{
	if (pr_in_poll() && fd_blocks(fd))
		pr_report_blocking("connect", RET);
	return REAL(connect)(fd, a, al);
}

PUBLIC int poll(struct pollfd *fds, nfds_t n, int timeout)
{
	if (timeout == 0 || !pr_in_poll())
		return REAL(poll)(fds, n, timeout);
	pr_report_blocking("poll", RET);
	uint64_t deadline = pr_mono_ns() + (uint64_t)(timeout > 0 ? timeout : 0) * 1000000u;
	capture_arm();
	int r = REAL(poll)(fds, n, timeout);
	while (r < 0 && errno == EINTR && capture_cut())
		r = REAL(poll)(fds, n, ms_left(timeout, deadline));
	return r;
}

PUBLIC int select(int n, fd_set *r, fd_set *w, fd_set *e, struct timeval *tv)
{
	if ((tv && !tv->tv_sec && !tv->tv_usec) || !pr_in_poll())
		return REAL(select)(n, r, w, e, tv);
	pr_report_blocking("select", RET);
	/* The sets are rewritten only on success; Linux leaves the time
	 * left in tv. */
	capture_arm();
	int k = REAL(select)(n, r, w, e, tv);
	while (k < 0 && errno == EINTR && capture_cut())
		k = REAL(select)(n, r, w, e, tv);
	return k;
}

PUBLIC int epoll_wait(int ep, struct epoll_event *ev, int n, int timeout)
{
	/* The runtime's own epoll_wait runs between polls, never inside one. */
	if (timeout == 0 || !pr_in_poll())
		return REAL(epoll_wait)(ep, ev, n, timeout);
	pr_report_blocking("epoll_wait", RET);
	uint64_t deadline = pr_mono_ns() + (uint64_t)(timeout > 0 ? timeout : 0) * 1000000u;
	capture_arm();
	int r = REAL(epoll_wait)(ep, ev, n, timeout);
	while (r < 0 && errno == EINTR && capture_cut())
		r = REAL(epoll_wait)(ep, ev, n, ms_left(timeout, deadline));
	return r;
}

PUBLIC int fsync(int fd)
{
	if (pr_in_poll())
		pr_report_blocking("fsync", RET);
	return REAL(fsync)(fd);
}

PUBLIC int fdatasync(int fd)
{
	if (pr_in_poll())
		pr_report_blocking("fdatasync", RET);
	return REAL(fdatasync)(fd);
}

PUBLIC int getaddrinfo(const char *node, const char *service, const struct addrinfo *hints,
		struct addrinfo **res)
{
	if (pr_in_poll())
		pr_report_blocking("getaddrinfo", RET);
	return REAL(getaddrinfo)(node, service, hints, res);
}

PUBLIC int system(const char *cmd)
{
	if (pr_in_poll())
		pr_report_blocking("system", RET);
	return REAL(system)(cmd);
}

PUBLIC pid_t waitpid(pid_t pid, int *st, int opts)
{
	if (!(opts & WNOHANG) && pr_in_poll())
		pr_report_blocking("waitpid", RET);
	return REAL(waitpid)(pid, st, opts);
}

PUBLIC pid_t wait(int *st)
{
	if (pr_in_poll())
		pr_report_blocking("wait", RET);
	return REAL(wait)(st);
}

/* --- stdio reads on a blocking stream --------------------------------------- */

PUBLIC char *fgets(char *s, int n, FILE *f)
{
	if (pr_in_poll() && stream_blocks(f))
		pr_report_blocking("fgets", RET);
	return REAL(fgets)(s, n, f);
}

PUBLIC size_t fread(void *p, size_t sz, size_t n, FILE *f)
{
	if (pr_in_poll() && stream_blocks(f))
		pr_report_blocking("fread", RET);
	return REAL(fread)(p, sz, n, f);
}

PUBLIC int fgetc(FILE *f)
{
	if (pr_in_poll() && stream_blocks(f))
		pr_report_blocking("fgetc", RET);
	return REAL(fgetc)(f);
}

PUBLIC int getc(FILE *f)
{
	if (pr_in_poll() && stream_blocks(f))
		pr_report_blocking("getc", RET);
	return REAL(getc)(f);
}

PUBLIC int getchar(void)
{
	if (pr_in_poll() && stream_blocks(stdin))
		pr_report_blocking("getchar", RET);
	return REAL(getchar)();
}

PUBLIC ssize_t getline(char **line, size_t *n, FILE *f)
{
	if (pr_in_poll() && stream_blocks(f))
		pr_report_blocking("getline", RET);
	return REAL(getline)(line, n, f);
}

/* scanf and fscanf compile to these in C99 and later modes. */
int __isoc99_scanf(const char *fmt, ...);
int __isoc99_fscanf(FILE *f, const char *fmt, ...);

PUBLIC int __isoc99_scanf(const char *fmt, ...)
{
	if (pr_in_poll() && stream_blocks(stdin))
		pr_report_blocking("scanf", RET);
	va_list ap;
	va_start(ap, fmt);
	int r = REAL(__isoc99_vfscanf)(stdin, fmt, ap);
	va_end(ap);
	return r;
}

PUBLIC int __isoc99_fscanf(FILE *f, const char *fmt, ...)
{
	if (pr_in_poll() && stream_blocks(f))
		pr_report_blocking("fscanf", RET);
	va_list ap;
	va_start(ap, fmt);
	int r = REAL(__isoc99_vfscanf)(f, fmt, ap);
	va_end(ap);
	return r;
}

#pragma GCC visibility pop
