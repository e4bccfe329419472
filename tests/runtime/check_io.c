/* check_io.c - the epoll reactor: pipe and loopback TCP round trips that
 * must wait on both sides, end of file, hang-up and error wake-ups, a
 * dropped wait leaving nothing behind, stdin, a refused connect, many
 * descriptors, and a descriptor number reused while it was awaited. */
#define _GNU_SOURCE /* pipe2 */
#include "../testutil.h"

#include <asynclab/instrument.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

static ax_rt *real_rt(void)
{
	ax_rt *rt = ax_rt_new(&(ax_rt_opts){ .clock = AX_CLOCK_REAL });
	ck_assert_ptr_nonnull(rt);
	return rt;
}

/* Whether fd is registered with any epoll instance of this process (the
 * reactor's), from /proc/self/fdinfo. */
static bool epoll_has(int fd)
{
	bool found = false;
	for (int e = 0; e < 1024 && !found; e++) {
		char path[64], link[64];
		snprintf(path, sizeof path, "/proc/self/fd/%d", e);
		ssize_t n = readlink(path, link, sizeof link - 1);
		if (n < 0)
			continue;
		link[n] = 0;
		if (strcmp(link, "anon_inode:[eventpoll]") != 0)
			continue;
		snprintf(path, sizeof path, "/proc/self/fdinfo/%d", e);
		FILE *f = fopen(path, "r");
		char line[256];
		int tfd;
		while (f && fgets(line, sizeof line, f))
			if (sscanf(line, "tfd: %d", &tfd) == 1 && tfd == fd)
				found = true;
		if (f)
			fclose(f);
	}
	return found;
}

static void nb_pipe(int fds[2])
{
	ck_assert_int_eq(pipe2(fds, O_NONBLOCK | O_CLOEXEC), 0);
}

/* Count the reactor's wait registrations per descriptor with the hooks. */
static int waits_on[1024];
static void count_wait(void *ud, int fd, bool begin)
{
	(void)ud;
	if (begin && fd >= 0 && fd < 1024)
		waits_on[fd]++;
}
static const ax_hooks count_hooks = { .io_wait = count_wait };

/* Data pattern with no period that divides a pipe buffer. */
static void fill(unsigned char *p, size_t n, unsigned seed)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (unsigned char)((i * 131u + seed + i / 251u) & 0xff);
}

#define BIG (1u << 20) /* 1 MiB: sixteen times a pipe buffer */

AX_ASYNC(writer, ssize_t, int fd; const void *buf; size_t len; ssize_t n;)
{
	AX_BEGIN;
	AX_AWAIT_TO(self->n, ax_write_all(self->fd, self->buf, self->len));
	close(self->fd);
	AX_RETURN(self->n);
	AX_END;
}

/* Read in small pieces until end of file. */
AX_ASYNC(reader, ssize_t, int fd; unsigned char *buf; size_t cap; size_t got;
	 ssize_t n;)
{
	AX_BEGIN;
	for (;;) {
		size_t want = self->cap - self->got;
		if (want > 4096)
			want = 4096;
		AX_AWAIT_TO(self->n, ax_read(self->fd, self->buf + self->got, want));
		if (self->n <= 0)
			break;
		self->got += (size_t)self->n;
	}
	AX_RETURN(self->n < 0 ? self->n : (ssize_t)self->got);
	AX_END;
}

AX_ASYNC(pipe_trip, int, int fds[2]; unsigned char *src; unsigned char *dst;
	 ax_task *w; ax_task *r; ax_res rw; ax_res rr;)
{
	AX_BEGIN;
	/* The reader starts first: it must wait for data; the writer then
	 * fills the pipe and must wait for the reader. */
	self->r = AX_SPAWN(AX_CALL(reader, .fd = self->fds[0], .buf = self->dst,
				   .cap = BIG + 16));
	self->w = AX_SPAWN(AX_CALL(writer, .fd = self->fds[1], .buf = self->src,
				   .len = BIG));
	AX_AWAIT_TO(self->rw, ax_join(self->w));
	AX_AWAIT_TO(self->rr, ax_join(self->r));
	ck_assert_int_eq(self->rw.val, BIG);
	ck_assert_int_eq(self->rr.val, BIG);
	AX_RETURN(0);
	AX_END;
}

START_TEST(test_pipe_round_trip)
{
	ax_rt *rt = real_rt();
	int fds[2];
	nb_pipe(fds);
	unsigned char *src = malloc(BIG), *dst = malloc(BIG + 16);
	fill(src, BIG, 7);
	ax_hooks_install(&count_hooks);
	ck_assert_int_eq(AX_BLOCK_ON(rt, AX_CALL(pipe_trip, .fds = { fds[0], fds[1] },
						 .src = src, .dst = dst)), 0);
	ax_hooks_install(NULL);
	ck_assert_int_eq(memcmp(src, dst, BIG), 0);
	ck_assert_int_gt(waits_on[fds[0]], 0); /* the reader waited */
	ck_assert_int_gt(waits_on[fds[1]], 0); /* the writer waited */
	close(fds[0]);
	free(src);
	free(dst);
	TEST_RT_END(rt);
}
END_TEST

/* Loopback TCP: accept in one task, connect + write + read the echo in
 * another. */
#define TCP_LEN (512u * 1024u)

static int listener(struct sockaddr_in *addr)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	ck_assert_int_ge(fd, 0);
	memset(addr, 0, sizeof *addr);
	addr->sin_family = AF_INET;
	addr->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)addr, sizeof *addr), 0);
	ck_assert_int_eq(listen(fd, 8), 0);
	socklen_t len = sizeof *addr;
	ck_assert_int_eq(getsockname(fd, (struct sockaddr *)addr, &len), 0);
	return fd;
}

AX_ASYNC(echo_server, ssize_t, int lfd; int c; unsigned char *buf; ssize_t n;
	 ssize_t total;)
{
	AX_BEGIN;
	AX_AWAIT_TO(self->c, ax_accept(self->lfd));
	ck_assert_int_ge(self->c, 0);
	ck_assert_int_ne(fcntl(self->c, F_GETFL) & O_NONBLOCK, 0);
	self->buf = malloc(8192);
	for (;;) {
		AX_AWAIT_TO(self->n, ax_read(self->c, self->buf, 8192));
		if (self->n <= 0)
			break;
		AX_AWAIT_TO(self->n, ax_write_all(self->c, self->buf, (size_t)self->n));
		ck_assert_int_gt(self->n, 0);
		self->total += self->n;
	}
	free(self->buf);
	close(self->c);
	AX_RETURN(self->total);
	AX_END;
}

AX_ASYNC(echo_client, int, struct sockaddr_in addr; const unsigned char *src;
	 unsigned char *dst; int fd; int r; ax_task *w; ax_res rw; ssize_t n;)
{
	AX_BEGIN;
	self->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	AX_AWAIT_TO(self->r, ax_connect(self->fd, (struct sockaddr *)&self->addr,
					sizeof self->addr));
	ck_assert_int_eq(self->r, 0);
	/* Write and read at once: the echo fills both directions' buffers. */
	self->w = AX_SPAWN(AX_CALL(writer, .fd = dup(self->fd), .buf = self->src,
				   .len = TCP_LEN));
	AX_AWAIT_TO(self->n, ax_read_exact(self->fd, self->dst, TCP_LEN));
	ck_assert_int_eq(self->n, TCP_LEN);
	AX_AWAIT_TO(self->rw, ax_join(self->w));
	ck_assert_int_eq(self->rw.val, TCP_LEN);
	shutdown(self->fd, SHUT_WR);
	close(self->fd);
	AX_RETURN(0);
	AX_END;
}

AX_ASYNC(tcp_trip, int, int lfd; struct sockaddr_in addr; const unsigned char *src;
	 unsigned char *dst; ax_task *s; ax_task *c; ax_res rs; ax_res rc;)
{
	AX_BEGIN;
	self->s = AX_SPAWN(AX_CALL(echo_server, .lfd = self->lfd));
	self->c = AX_SPAWN(AX_CALL(echo_client, .addr = self->addr, .src = self->src,
				   .dst = self->dst));
	AX_AWAIT_TO(self->rc, ax_join(self->c));
	AX_AWAIT_TO(self->rs, ax_join(self->s));
	ck_assert_int_eq(self->rc.val, 0);
	ck_assert_int_eq(self->rs.val, TCP_LEN);
	AX_RETURN(0);
	AX_END;
}

START_TEST(test_tcp_round_trip)
{
	ax_rt *rt = real_rt();
	struct sockaddr_in addr;
	int lfd = listener(&addr);
	unsigned char *src = malloc(TCP_LEN), *dst = calloc(1, TCP_LEN);
	fill(src, TCP_LEN, 3);
	ck_assert_int_eq(AX_BLOCK_ON(rt, AX_CALL(tcp_trip, .lfd = lfd, .addr = addr,
						 .src = src, .dst = dst)), 0);
	ck_assert_int_eq(memcmp(src, dst, TCP_LEN), 0);
	close(lfd);
	free(src);
	free(dst);
	TEST_RT_END(rt);
}
END_TEST

/* End of file: at once when the writer is gone, and as a wake-up (a
 * hang-up) for a read already waiting. */
AX_ASYNC(close_later, int, int fd;)
{
	AX_BEGIN;
	AX_AWAIT(ax_sleep_ms(5));
	close(self->fd);
	AX_RETURN(0);
	AX_END;
}

AX_ASYNC(eof_reads, ssize_t, int fds[2]; char c; ssize_t n; ax_task *h;)
{
	AX_BEGIN;
	self->h = AX_SPAWN(AX_CALL(close_later, .fd = self->fds[1]));
	AX_AWAIT_TO(self->n, ax_read(self->fds[0], &self->c, 1));
	ck_assert_int_eq(self->n, 0);
	AX_AWAIT(ax_join(self->h));
	AX_AWAIT_TO(self->n, ax_read(self->fds[0], &self->c, 1));
	AX_RETURN(self->n);
	AX_END;
}

START_TEST(test_read_eof)
{
	ax_rt *rt = test_rt(0);
	int fds[2];
	nb_pipe(fds);
	ck_assert_int_eq(AX_BLOCK_ON(rt, AX_CALL(eof_reads, .fds = { fds[0], fds[1] })), 0);
	ck_assert_uint_eq(ax_now(), MS(5));
	close(fds[0]);
	TEST_RT_END(rt);
}
END_TEST

/* A write waiting on a full socket is woken when the peer goes away and
 * fails with EPIPE instead of killing the process with SIGPIPE. */
AX_ASYNC(write_to_gone_peer, ssize_t, int fd; int peer; char *buf; ax_task *h;
	 ssize_t n;)
{
	AX_BEGIN;
	self->h = AX_SPAWN(AX_CALL(close_later, .fd = self->peer));
	AX_AWAIT_TO(self->n, ax_write_all(self->fd, self->buf, 4u << 20));
	AX_AWAIT(ax_join(self->h));
	AX_RETURN(self->n);
	AX_END;
}

START_TEST(test_write_peer_gone)
{
	ax_rt *rt = test_rt(0);
	int sv[2];
	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv), 0);
	char *buf = calloc(1, 4u << 20);
	ssize_t n = AX_BLOCK_ON(rt, AX_CALL(write_to_gone_peer, .fd = sv[0],
					     .peer = sv[1], .buf = buf));
	ck_assert_int_eq(n, -EPIPE);
	close(sv[0]);
	free(buf);
	TEST_RT_END(rt);
}
END_TEST

AX_ASYNC(delayed_write, ssize_t, int fd; uint64_t ms; long v; ssize_t n;)
{
	AX_BEGIN;
	AX_AWAIT(ax_sleep_ms(self->ms));
	AX_AWAIT_TO(self->n, ax_write_all(self->fd, &self->v, sizeof self->v));
	AX_RETURN(self->n);
	AX_END;
}

/* A pending read that is dropped leaves no waiter and no registration. */
AX_ASYNC(read_forever, ssize_t, int fd; char c; ssize_t n;)
{
	AX_BEGIN;
	AX_AWAIT_TO(self->n, ax_read(self->fd, &self->c, 1));
	AX_RETURN(self->n);
	AX_END;
}

static uint64_t io_waiters(void)
{
	ax_rt_stats st;
	ax_rt_stats_get(ax_rt_current(), &st);
	return st.io_waiters;
}

AX_ASYNC(drop_read, int, int fd; ax_task *h; ax_res r;)
{
	AX_BEGIN;
	/* Through a timeout: the inner read is dropped when time runs out. */
	AX_AWAIT_TO(self->r, ax_timeout_ms(10, AX_BOX(ax_read(self->fd, NULL, 0))));
	/* ax_read of 0 bytes completes at once; now one that waits. */
	ck_assert_int_eq(self->r.err, 0);
	AX_AWAIT_TO(self->r, ax_timeout_ms(10, AX_BOX(AX_CALL(read_forever, .fd = self->fd))));
	ck_assert_int_eq(self->r.err, -ETIMEDOUT);
	ck_assert_uint_eq(io_waiters(), 0);
	/* Through abort: a task waiting in a read. */
	self->h = AX_SPAWN(AX_CALL(read_forever, .fd = self->fd));
	AX_AWAIT(ax_yield());
	ck_assert_uint_eq(io_waiters(), 1);
	ck_assert(epoll_has(self->fd));
	ax_task_abort(self->h);
	AX_AWAIT_TO(self->r, ax_join(self->h));
	ck_assert_int_eq(self->r.err, -ECANCELED);
	ck_assert_uint_eq(io_waiters(), 0);
	ck_assert(!epoll_has(self->fd));
	AX_RETURN(0);
	AX_END;
}

START_TEST(test_dropped_read_leaves_no_waiter)
{
	ax_rt *rt = test_rt(0);
	int fds[2];
	nb_pipe(fds);
	ax_hooks_install(&count_hooks);
	ck_assert_int_eq(AX_BLOCK_ON(rt, AX_CALL(drop_read, .fd = fds[0])), 0);
	ax_hooks_install(NULL);
	ck_assert_int_eq(waits_on[fds[0]], 2);
	/* Data arriving now wakes no one: nothing is registered. */
	ck_assert_int_eq(write(fds[1], "x", 1), 1);
	ax_rt_stats st;
	ax_rt_stats_get(rt, &st);
	ck_assert_uint_eq(st.io_waiters, 0);
	close(fds[0]);
	close(fds[1]);
	TEST_RT_END(rt);
}
END_TEST

/* Standard input as a pipe: dup2 onto fd 0, made non-blocking. */
AX_ASYNC(write_later, ssize_t, int fd; const char *msg; ssize_t n;)
{
	AX_BEGIN;
	AX_AWAIT(ax_sleep_ms(20));
	AX_AWAIT_TO(self->n, ax_write_all(self->fd, self->msg, strlen(self->msg)));
	close(self->fd);
	AX_RETURN(self->n);
	AX_END;
}

AX_ASYNC(read_stdin, int, char buf[64]; ax_task *h; ssize_t n; size_t got;)
{
	AX_BEGIN;
	self->h = AX_SPAWN(AX_CALL(write_later, .fd = 101, .msg = "hello, stdin\n"));
	for (;;) {
		AX_AWAIT_TO(self->n, ax_read(0, self->buf + self->got,
					     sizeof self->buf - 1 - self->got));
		if (self->n <= 0)
			break;
		self->got += (size_t)self->n;
	}
	self->buf[self->got] = 0;
	ck_assert_str_eq(self->buf, "hello, stdin\n");
	AX_AWAIT(ax_join(self->h));
	AX_RETURN((int)self->got);
	AX_END;
}

START_TEST(test_read_stdin)
{
	ax_rt *rt = real_rt();
	int fds[2];
	ck_assert_int_eq(pipe(fds), 0);
	ck_assert_int_eq(dup2(fds[0], 0), 0);
	ck_assert_int_eq(dup2(fds[1], 101), 101);
	close(fds[0]);
	close(fds[1]);
	ck_assert_int_eq(ax_fd_set_nonblocking(0), 0);
	ck_assert_int_eq(ax_fd_set_nonblocking(101), 0);
	uint64_t t0 = ax_now();
	ck_assert_int_eq(AX_BLOCK_ON(rt, AX_CALL(read_stdin)), 13);
	ck_assert_uint_ge(ax_now() - t0, MS(19)); /* it waited for the writer */
	TEST_RT_END(rt);
}
END_TEST

/* connect to a port nobody listens on. */
AX_ASYNC(connect_refused, int, struct sockaddr_in addr; int fd; int r;)
{
	AX_BEGIN;
	self->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	AX_AWAIT_TO(self->r, ax_connect(self->fd, (struct sockaddr *)&self->addr,
					sizeof self->addr));
	close(self->fd);
	AX_RETURN(self->r);
	AX_END;
}

START_TEST(test_connect_refused)
{
	ax_rt *rt = real_rt();
	/* A port that was just free: bound, never listened on, closed. */
	struct sockaddr_in addr = { .sin_family = AF_INET,
				    .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&addr, sizeof addr), 0);
	socklen_t len = sizeof addr;
	ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&addr, &len), 0);
	close(fd);
	ck_assert_int_eq(AX_BLOCK_ON(rt, AX_CALL(connect_refused, .addr = addr)),
			 -ECONNREFUSED);
	TEST_RT_END(rt);
}
END_TEST

/* Many descriptors: 100 pipes, so numbers well past 64, all waited on at
 * once; each writer waits a different time so wake-ups interleave. */
#define NPIPES 100

AX_ASYNC(pipe_pair, long, int rfd; int wfd; int i; long v; long got; ssize_t n;)
{
	AX_BEGIN;
	ax_task_detach(AX_SPAWN(AX_CALL(delayed_write, .fd = self->wfd,
					.ms = (uint64_t)(NPIPES - self->i) % 7,
					.v = self->i)));
	AX_AWAIT_TO(self->n, ax_read_exact(self->rfd, &self->got, sizeof self->got));
	ck_assert_int_eq(self->n, sizeof self->got);
	AX_RETURN(self->got);
	AX_END;
}

AX_ASYNC(many_pipes, long, int (*fds)[2]; ax_task *h[NPIPES]; int i; ax_res r;
	 long sum; uint64_t peak;)
{
	AX_BEGIN;
	for (self->i = 0; self->i < NPIPES; self->i++)
		self->h[self->i] = AX_SPAWN(AX_CALL(pipe_pair, .rfd = self->fds[self->i][0],
						    .wfd = self->fds[self->i][1],
						    .i = self->i));
	AX_AWAIT(ax_yield());
	AX_AWAIT(ax_yield());
	self->peak = io_waiters();
	for (self->i = 0; self->i < NPIPES; self->i++) {
		AX_AWAIT_TO(self->r, ax_join(self->h[self->i]));
		ck_assert_int_eq(self->r.val, self->i);
		self->sum += self->r.val;
	}
	ck_assert_uint_ge(self->peak, NPIPES / 2);
	AX_RETURN(self->sum);
	AX_END;
}

START_TEST(test_many_descriptors)
{
	ax_rt *rt = test_rt(5);
	int fds[NPIPES][2];
	for (int i = 0; i < NPIPES; i++)
		nb_pipe(fds[i]);
	ck_assert_int_gt(fds[NPIPES - 1][0], 128);
	ck_assert_int_eq(AX_BLOCK_ON(rt, AX_CALL(many_pipes, .fds = fds)),
			 NPIPES * (NPIPES - 1) / 2);
	for (int i = 0; i < NPIPES; i++) {
		close(fds[i][0]);
		close(fds[i][1]);
	}
	TEST_RT_END(rt);
}
END_TEST

/* A descriptor closed while a read waits on it, whose number is then
 * reused by a socket that a write waits on: the reactor must register the
 * new descriptor even though epoll dropped the old one behind its back. */
AX_ASYNC(reuse_fd, ssize_t, int fd; int sv[2]; char *buf; ax_task *rd; ax_task *wr;
	 ax_res r; ssize_t n;)
{
	AX_BEGIN;
	self->rd = AX_SPAWN(AX_CALL(read_forever, .fd = self->fd));
	AX_AWAIT(ax_yield());
	ck_assert(epoll_has(self->fd));
	close(self->fd);
	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, self->sv), 0);
	ck_assert_int_eq(self->sv[0], self->fd); /* the lowest free number */
	self->buf = calloc(1, 1u << 20);
	self->wr = AX_SPAWN(AX_CALL(writer, .fd = self->sv[0], .buf = self->buf,
				    .len = 1u << 20));
	AX_AWAIT(ax_yield());
	/* Drain the peer so that the write can finish. */
	while (self->n >= 0) {
		AX_AWAIT_TO(self->n, ax_read(self->sv[1], self->buf, 65536));
		if (self->n == 0)
			break;
		ck_assert_int_gt(self->n, 0);
	}
	AX_AWAIT_TO(self->r, ax_join(self->wr));
	ck_assert_int_eq(self->r.val, 1u << 20);
	ax_task_abort(self->rd);
	AX_AWAIT(ax_join(self->rd));
	close(self->sv[1]);
	free(self->buf);
	AX_RETURN(self->r.val);
	AX_END;
}

START_TEST(test_fd_number_reused)
{
	ax_rt *rt = test_rt(0);
	int fds[2];
	nb_pipe(fds);
	ax_res r;
	r.val = AX_BLOCK_ON(rt, AX_CALL(reuse_fd, .fd = fds[0]));
	ck_assert_int_eq(r.val, 1u << 20);
	close(fds[1]);
	TEST_RT_END(rt);
}
END_TEST

static void reset_counts(void)
{
	memset(waits_on, 0, sizeof waits_on);
}

static Suite *io_suite(void)
{
	Suite *s = suite_create("io");
	TCase *tc = tcase_create("reactor");
	tcase_set_timeout(tc, 30);
	tcase_add_checked_fixture(tc, reset_counts, NULL);
	tcase_add_test(tc, test_pipe_round_trip);
	tcase_add_test(tc, test_tcp_round_trip);
	tcase_add_test(tc, test_read_eof);
	tcase_add_test(tc, test_write_peer_gone);
	tcase_add_test(tc, test_dropped_read_leaves_no_waiter);
	tcase_add_test(tc, test_read_stdin);
	tcase_add_test(tc, test_connect_refused);
	tcase_add_test(tc, test_many_descriptors);
	tcase_add_test(tc, test_fd_number_reused);
	suite_add_tcase(s, tc);
	return s;
}

TEST_MAIN(io_suite)
