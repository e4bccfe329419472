/* io.c - the epoll reactor: per-descriptor wait lists, level-triggered
 * registration armed only while someone waits, and async read, write,
 * accept and connect on non-blocking descriptors. */
#include "internal.h"

#include <fcntl.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

int ax_fd_set_nonblocking(int fd)
{
	int fl = fcntl(fd, F_GETFL);
	if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0)
		return -errno;
	return 0;
}

static ax__fdslot *slot_get(ax_rt *rt, int fd)
{
	if (fd >= rt->nfds) {
		int n = rt->nfds ? rt->nfds : 64;
		while (n <= fd)
			n *= 2;
		ax__fdslot *s = realloc(rt->fds, (size_t)n * sizeof *s);
		if (!s)
			return NULL;
		memset(s + rt->nfds, 0, (size_t)(n - rt->nfds) * sizeof *s);
		rt->fds = s;
		rt->nfds = n;
	}
	return &rt->fds[fd];
}

/* Make epoll's registration of fd match the union of its waiters. */
static int rearm(ax_rt *rt, int fd, ax__fdslot *s)
{
	uint32_t want = 0;
	for (ax_io_wait *w = s->waiters; w; w = w->next)
		want |= w->events;
	if (want == s->armed && s->in_epoll)
		return 0;
	struct epoll_event ev = { .events = want, .data.fd = fd };
	int r;
	if (!s->in_epoll) {
		if (!want)
			return 0;
		r = epoll_ctl(rt->epfd, EPOLL_CTL_ADD, fd, &ev);
		if (r == 0)
			s->in_epoll = 1;
	} else if (!want) {
		r = epoll_ctl(rt->epfd, EPOLL_CTL_DEL, fd, &ev);
		s->in_epoll = 0;
		if (r < 0 && (errno == EBADF || errno == ENOENT))
			r = 0; /* the descriptor was closed meanwhile */
	} else {
		r = epoll_ctl(rt->epfd, EPOLL_CTL_MOD, fd, &ev);
		/* Closing a descriptor removes it from epoll behind our back;
		 * a new one with the same number must be added again. */
		if (r < 0 && errno == ENOENT)
			r = epoll_ctl(rt->epfd, EPOLL_CTL_ADD, fd, &ev);
	}
	if (r < 0)
		return -errno;
	s->armed = want;
	return 0;
}

int ax_io_wait_start(ax_io_wait *wt, int fd, uint32_t events, ax_waker *w)
{
	AX_MT_SCOPE();
	ax_rt *rt = ax__cur_rt;
	if (!rt)
		return -EINVAL;
	if (fd < 0)
		return -EBADF;
	ax__fdslot *s = slot_get(rt, fd);
	if (!s)
		return -ENOMEM;
	wt->fd = fd;
	wt->events = events;
	/* Registered, the waker is the reactor's (io_waiters counts it):
	 * one the program cloned stops counting as held by the program. */
	wt->waker = ax__waker_adopt(w);
	wt->next = s->waiters;
	s->waiters = wt;
	int r = rearm(rt, fd, s);
	if (r < 0) {
		s->waiters = wt->next;
		wt->waker = NULL;
		return r;
	}
	rt->io_waiters++;
	AX_HOOK(io_wait, fd, true);
	return 0;
}

/* Remove wt if it is still registered (its waker is dropped). */
void ax_io_unwait(ax_io_wait *wt)
{
	AX_MT_SCOPE();
	ax_rt *rt = ax__cur_rt;
	if (!wt->waker || !rt || wt->fd >= rt->nfds)
		return;
	ax__fdslot *s = &rt->fds[wt->fd];
	for (ax_io_wait **pp = &s->waiters; *pp; pp = &(*pp)->next) {
		if (*pp == wt) {
			*pp = wt->next;
			rt->io_waiters--;
			ax_waker_drop(wt->waker);
			wt->waker = NULL;
			AX_HOOK(io_wait, wt->fd, false);
			rearm(rt, wt->fd, s);
			return;
		}
	}
}

void ax__io_dispatch(ax_rt *rt, int fd, uint32_t events)
{
	AX_MT_SCOPE_RT(rt);
	if (fd < 0 || fd >= rt->nfds)
		return;
	ax__fdslot *s = &rt->fds[fd];
	/* Errors and hang-ups wake every waiter: their operation reports it. */
	uint32_t hit = events | ((events & (EPOLLERR | EPOLLHUP)) ? (EPOLLIN | EPOLLOUT) : 0);
	ax_io_wait **pp = &s->waiters;
	while (*pp) {
		ax_io_wait *w = *pp;
		if (w->events & hit) {
			*pp = w->next;
			rt->io_waiters--;
			ax_waker *wk = w->waker;
			w->waker = NULL;
			AX_HOOK(io_wait, fd, false);
			ax_waker_wake(wk);
		} else {
			pp = &w->next;
		}
	}
	rearm(rt, fd, s);
}

void ax__io_destroy(ax_rt *rt)
{
	AX_MT_SCOPE_RT(rt);
	free(rt->fds);
	rt->fds = NULL;
	rt->nfds = 0;
}

/* read / write ----------------------------------------------------------- */

enum { IO_READ, IO_WRITE, IO_WRITE_ALL, IO_READ_EXACT };
#define IO_KIND 0xffu
#define IO_NOTSOCK 0x100u /* send() said ENOTSOCK: use write() */

/* Write to a socket without SIGPIPE when the peer has gone (the call then
 * fails with EPIPE); other descriptors fall back to write(). */
static ssize_t io_write(ax_future *f, int fd, const void *buf, size_t len)
{
	if (!(f->state & IO_NOTSOCK)) {
		ssize_t n = send(fd, buf, len, MSG_NOSIGNAL);
		if (n >= 0 || errno != ENOTSOCK)
			return n;
		f->state |= IO_NOTSOCK;
	}
	return write(fd, buf, len);
}

/* Wait for fd; returns PENDING, or READY with out set to an error. */
static ax_poll_t io_wait(ax_future *f, ax_io_wait *wt, int fd, uint32_t ev,
			 ax_cx *cx, ssize_t *out)
{
	/* wt->waker is cleared by ax__io_dispatch, on any worker.  The
	 * polls' own read, write and accept calls stay outside the lock. */
	AX_MT_SCOPE();
	(void)f;
	if (wt->waker)
		return AX_PENDING; /* still registered: a spurious poll */
	ax_waker *w = ax__waker_clone(cx->waker);
	int r = ax_io_wait_start(wt, fd, ev, w);
	if (r < 0) {
		ax_waker_drop(w);
		*out = r;
		return AX_READY;
	}
	return AX_PENDING;
}

static ax_poll_t io_poll(ax_future *f, ax_cx *cx)
{
	ax_io_t *io = (ax_io_t *)(void *)f;
	int kind = (int)(f->state & IO_KIND);
	int reading = kind == IO_READ || kind == IO_READ_EXACT;
	int all = kind == IO_WRITE_ALL || kind == IO_READ_EXACT;
	for (;;) {
		ssize_t n;
		if (reading)
			n = read(io->fd, (char *)io->buf + io->done, io->len - io->done);
		else
			n = io_write(f, io->fd, (const char *)io->buf + io->done,
				     io->len - io->done);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return io_wait(f, &io->wait, io->fd,
					       reading ? EPOLLIN : EPOLLOUT, cx, &io->out);
			io->out = -errno;
			ax_io_unwait(&io->wait);
			return AX_READY;
		}
		io->done += (size_t)n;
		if (!all || io->done == io->len || (reading && n == 0)) {
			io->out = (ssize_t)io->done;
			/* Polled by another wake while still registered:
			 * give the registration back now, not at drop. */
			ax_io_unwait(&io->wait);
			return AX_READY;
		}
	}
}

static void io_drop(ax_future *f)
{
	ax_io_unwait(&((ax_io_t *)(void *)f)->wait);
}

static const ax_future_vt io_read_vt = AX_VT_OF(ax_io_t, "read", io_poll, io_drop, 0);
static const ax_future_vt io_write_vt = AX_VT_OF(ax_io_t, "write", io_poll, io_drop, 0);

static ax_io_t io_make(const ax_future_vt *vt, int kind, int fd, void *buf, size_t len)
{
	return (ax_io_t){ .base.vt = vt, .base.state = (uint32_t)kind,
			  .fd = fd, .buf = buf, .len = len };
}

ax_io_t ax_read(int fd, void *buf, size_t len)
{
	return io_make(&io_read_vt, IO_READ, fd, buf, len);
}

ax_io_t ax_read_exact(int fd, void *buf, size_t len)
{
	return io_make(&io_read_vt, IO_READ_EXACT, fd, buf, len);
}

ax_io_t ax_write(int fd, const void *buf, size_t len)
{
	return io_make(&io_write_vt, IO_WRITE, fd, (void *)(uintptr_t)buf, len);
}

ax_io_t ax_write_all(int fd, const void *buf, size_t len)
{
	return io_make(&io_write_vt, IO_WRITE_ALL, fd, (void *)(uintptr_t)buf, len);
}

/* accept ----------------------------------------------------------------- */

static ax_poll_t accept_poll(ax_future *f, ax_cx *cx)
{
	ax_accept_t *a = (ax_accept_t *)(void *)f;
	for (;;) {
		int c = accept4(a->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (c >= 0) {
			a->out = c;
			return AX_READY;
		}
		if (errno == EINTR || errno == ECONNABORTED)
			continue;
		if (errno == EAGAIN || errno == EWOULDBLOCK) {
			ssize_t out = 0;
			ax_poll_t r = io_wait(f, &a->wait, a->fd, EPOLLIN, cx, &out);
			a->out = (int)out;
			return r;
		}
		a->out = -errno;
		return AX_READY;
	}
}

static void accept_drop(ax_future *f)
{
	ax_io_unwait(&((ax_accept_t *)(void *)f)->wait);
}

static const ax_future_vt accept_vt =
	AX_VT_OF(ax_accept_t, "accept", accept_poll, accept_drop, 0);

ax_accept_t ax_accept(int listen_fd)
{
	return (ax_accept_t){ .base.vt = &accept_vt, .fd = listen_fd };
}

/* connect ---------------------------------------------------------------- */

static ax_poll_t connect_poll(ax_future *f, ax_cx *cx)
{
	/* Reads c->wait.waker, which ax__io_dispatch clears on any worker.
	 * connect() on a non-blocking socket does not wait. */
	AX_MT_SCOPE();
	ax_connect_t *c = (ax_connect_t *)(void *)f;
	if (!c->started) {
		c->started = 1;
		int r;
		do
			r = connect(c->fd, (struct sockaddr *)&c->addr, c->addrlen);
		while (r < 0 && errno == EINTR);
		if (r == 0) {
			c->out = 0;
			return AX_READY;
		}
		if (errno != EINPROGRESS) {
			c->out = -errno;
			return AX_READY;
		}
	} else if (!c->wait.waker) {
		int err = 0;
		socklen_t len = sizeof err;
		if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
			err = errno;
		if (err != EINPROGRESS && err != EALREADY) {
			c->out = -err;
			return AX_READY;
		}
	}
	ssize_t out = 0;
	ax_poll_t r = io_wait(f, &c->wait, c->fd, EPOLLOUT, cx, &out);
	c->out = (int)out;
	return r;
}

static void connect_drop(ax_future *f)
{
	ax_io_unwait(&((ax_connect_t *)(void *)f)->wait);
}

static const ax_future_vt connect_vt =
	AX_VT_OF(ax_connect_t, "connect", connect_poll, connect_drop, 0);

ax_connect_t ax_connect(int fd, const struct sockaddr *addr, socklen_t len)
{
	ax_connect_t c = { .base.vt = &connect_vt, .fd = fd };
	if (len > sizeof c.addr)
		len = sizeof c.addr;
	memcpy(&c.addr, addr, len);
	c.addrlen = len;
	return c;
}
