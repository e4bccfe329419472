/* peer-asynclab.c - the five scheduler workloads of ../shared/peers
 * (spawn_many, yield_many, ping_pong, chained_spawn, idle_tasks) on
 * libasynclab's executor, with one worker or N, with the same command line and
 * JSON output as peer-tokio and peer-go, so that run-peers can measure all
 * three side by side.  The workload rules are in ../shared/peers/README.md.
 *
 * usage: peer-asynclab WORKLOAD [N] [FLAVOR]
 *   FLAVOR: single (default: one worker, block_on's thread) or workers_K
 *   (K worker threads of the runtime; the root is a task on a worker and
 *   block_on's thread only waits, as in tokio's multi_thread_K).
 *
 * The workload tasks are hand-written futures (a struct, a poll function
 * and a vtable), the C counterpart of the state machines rustc compiles
 * tokio's async blocks into; child futures (yield, notified, send, recv)
 * live inline in their parent, as they do in Rust. */
#include "asynclab/future.h"

#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* Tasks in yield_many; n is split evenly among them. */
#define YIELD_TASKS 100

enum { W_SPAWN_MANY, W_YIELD_MANY, W_PING_PONG, W_CHAINED_SPAWN, W_IDLE_TASKS };

static const struct {
	const char *name;
	size_t n; /* standard size */
} workloads[] = {
	[W_SPAWN_MANY] = { "spawn_many", 200000 },
	[W_YIELD_MANY] = { "yield_many", 1000000 }, /* 100 tasks x 10000 yields */
	[W_PING_PONG] = { "ping_pong", 200000 },
	[W_CHAINED_SPAWN] = { "chained_spawn", 200000 },
	[W_IDLE_TASKS] = { "idle_tasks", 200000 },
};

/* What every workload's tasks share, reached through a plain pointer: the
 * completion counter and the one-shot "done" event the root waits on. */
typedef struct shared {
	_Atomic size_t counter;
	size_t target;	  /* the increment that reaches it fires done */
	ax_notify *done;
	ax_notify *never; /* idle_tasks: never notified */
	ax_mpsc *ping, *pong;
	size_t yields;	  /* yield_many: yields per task */
	size_t n;	  /* ping_pong: round trips */
} shared;

/* What the root measured. */
typedef struct result {
	size_t n;
	uint64_t elapsed_ns;
	long peak_rss_kb;
	long rss_before_kb;
} result;

/* A field of /proc/self/status in kB (VmHWM = peak RSS, VmRSS = current). */
static long proc_status_kb(const char *field)
{
	char buf[4096];
	int fd = open("/proc/self/status", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	ssize_t len = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (len <= 0)
		return 0;
	buf[len] = '\0';
	size_t flen = strlen(field);
	for (char *line = buf; line && *line; line = strchr(line, '\n')) {
		if (*line == '\n')
			line++;
		if (!strncmp(line, field, flen) && line[flen] == ':')
			return strtol(line + flen + 1, NULL, 10);
	}
	return 0;
}

static uint64_t mono_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* The completion signal: the task whose increment reaches the target
 * fires done (notify_one stores a permit if the root is not waiting). */
static inline void count_one(shared *s)
{
	if (atomic_fetch_add_explicit(&s->counter, 1, memory_order_acq_rel) + 1 ==
	    s->target)
		ax_notify_one(s->done);
}

/* ------------------------------------------------------------------------
 * spawn_many: a task that counts itself and ends.
 * ------------------------------------------------------------------------ */

typedef struct count_task {
	ax_future base;
	shared *s;
} count_task;

static ax_poll_t count_poll(ax_future *f, ax_cx *cx)
{
	(void)cx;
	count_one(((count_task *)(void *)f)->s);
	return AX_READY;
}

static const ax_future_vt count_vt =
	AX_VT_NOOUT(count_task, "count_task", count_poll, NULL);

/* ------------------------------------------------------------------------
 * yield_many: yield s->yields times, then count.
 * ------------------------------------------------------------------------ */

typedef struct yield_task {
	ax_future base; /* state: 1 while y is being awaited */
	shared *s;
	size_t left;
	ax_yield_t y;
} yield_task;

static ax_poll_t yield_task_poll(ax_future *f, ax_cx *cx)
{
	yield_task *self = (yield_task *)(void *)f;
	for (;;) {
		if (f->state) {
			if (ax_poll(&self->y.base, cx) == AX_PENDING)
				return AX_PENDING;
			f->state = 0;
		}
		if (self->left == 0)
			break;
		self->left--;
		self->y = ax_yield();
		f->state = 1;
	}
	count_one(self->s);
	return AX_READY;
}

static const ax_future_vt yield_task_vt =
	AX_VT_NOOUT(yield_task, "yield_task", yield_task_poll, NULL);

/* ------------------------------------------------------------------------
 * ping_pong: the echoer forwards ping to pong until ping is closed; the
 * pinger sends i and waits for it back, n times.  Each task receives by
 * polling its channel's receiver (the stream view of the mpsc, as a Rust
 * future calls poll_recv) and sends with an ax_send_t awaited inline.
 * ------------------------------------------------------------------------ */

enum { PP_START, PP_RECV, PP_SEND };

typedef struct pp_task {
	ax_future base; /* state: PP_* */
	shared *s;
	ax_stream *rx;	/* owned: the receiving end */
	ax_mpsc *tx;	/* the channel it sends on */
	size_t i;	/* pinger: round trips done */
	ax_send_t send; /* the send being awaited in PP_SEND */
} pp_task;

static void pp_drop(ax_future *f)
{
	pp_task *self = (pp_task *)(void *)f;
	if (f->state == PP_SEND)
		ax_future_drop(&self->send.base);
	f->state = PP_START;
	ax_stream_free(self->rx);
	self->rx = NULL;
}

/* Await the send started in PP_SEND: AX_PENDING, or AX_READY with its
 * result in *err. */
static ax_poll_t pp_poll_send(pp_task *self, ax_cx *cx, int *err)
{
	if (ax_poll(&self->send.base, cx) == AX_PENDING)
		return AX_PENDING;
	*err = self->send.out;
	ax_future_drop(&self->send.base);
	self->base.state = PP_START;
	return AX_READY;
}

static ax_poll_t echoer_poll(ax_future *f, ax_cx *cx)
{
	pp_task *self = (pp_task *)(void *)f;
	int err;
	if (f->state == PP_SEND) {
		if (pp_poll_send(self, cx, &err) == AX_PENDING)
			return AX_PENDING;
		if (err)
			return AX_READY; /* pong closed */
	}
	for (;;) {
		ax_val v;
		ax_poll_t p = ax_stream_poll_next(self->rx, cx, &v);
		if (p == AX_PENDING) {
			f->state = PP_RECV;
			return AX_PENDING;
		}
		if (p == AX_DONE)
			return AX_READY; /* ping closed and drained */
		self->send = ax_mpsc_send(self->tx, v);
		f->state = PP_SEND;
		if (pp_poll_send(self, cx, &err) == AX_PENDING)
			return AX_PENDING;
		if (err)
			return AX_READY;
	}
}

static ax_poll_t pinger_poll(ax_future *f, ax_cx *cx)
{
	pp_task *self = (pp_task *)(void *)f;
	shared *s = self->s;
	int err;
	for (;;) {
		if (f->state == PP_START) {
			if (self->i == s->n) {
				ax_mpsc_close(s->ping); /* ends the echoer */
				ax_notify_one(s->done);
				return AX_READY;
			}
			self->send = ax_mpsc_send(self->tx, (ax_val)self->i);
			f->state = PP_SEND;
		}
		if (f->state == PP_SEND) {
			if (pp_poll_send(self, cx, &err) == AX_PENDING)
				return AX_PENDING;
			if (err) {
				fprintf(stderr, "peer-asynclab: echoer gone\n");
				abort();
			}
		}
		ax_val v;
		ax_poll_t p = ax_stream_poll_next(self->rx, cx, &v);
		if (p == AX_PENDING) {
			f->state = PP_RECV;
			return AX_PENDING;
		}
		if (p != AX_READY || (size_t)v != self->i) {
			fprintf(stderr, "peer-asynclab: bad echo\n");
			abort();
		}
		self->i++;
		f->state = PP_START;
	}
}

static const ax_future_vt echoer_vt =
	AX_VT_NOOUT(pp_task, "echoer", echoer_poll, pp_drop);
static const ax_future_vt pinger_vt =
	AX_VT_NOOUT(pp_task, "pinger", pinger_poll, pp_drop);

/* ------------------------------------------------------------------------
 * chained_spawn: each task spawns the next until r reaches 1.
 * ------------------------------------------------------------------------ */

typedef struct chain_task {
	ax_future base;
	shared *s;
	size_t r;
} chain_task;

static void chain(shared *s, size_t r);

static ax_poll_t chain_poll(ax_future *f, ax_cx *cx)
{
	(void)cx;
	chain_task *self = (chain_task *)(void *)f;
	if (self->r <= 1)
		ax_notify_one(self->s->done);
	else
		chain(self->s, self->r - 1);
	return AX_READY;
}

static const ax_future_vt chain_vt =
	AX_VT_NOOUT(chain_task, "chain_task", chain_poll, NULL);

static void chain(shared *s, size_t r)
{
	if (!AX_SPAWN_DETACHED(((chain_task){ .base.vt = &chain_vt, .s = s,
						     .r = r })))
		abort();
}

/* ------------------------------------------------------------------------
 * idle_tasks: count, then wait on `never` for good.
 *
 * A task starts as `start` and, at its first poll, turns into an
 * ax_notified_t in place: the notified future takes over the task's
 * memory (vtable included), as the await state of a compiled state
 * machine reuses the bytes of the state before it.  That keeps a parked
 * task at the size of the notified future alone.
 * ------------------------------------------------------------------------ */

typedef union idle_task {
	struct {
		ax_future base;
		shared *s;
	} start;
	ax_notified_t wait;
} idle_task;

static ax_poll_t idle_poll(ax_future *f, ax_cx *cx)
{
	idle_task *self = (idle_task *)(void *)f;
	shared *s = self->start.s;
	count_one(s);
	ax_notified_t nf = ax_notified(s->never);
	nf.base.pinned_at = f;
	nf.base.id = f->id;
	self->wait = nf;
	return ax_poll(&self->wait.base, cx);
}

static const ax_future_vt idle_vt =
	AX_VT_NOOUT(idle_task, "idle_task", idle_poll, NULL);

/* ------------------------------------------------------------------------
 * The root task, and the block_on future that spawns and awaits it.
 * ------------------------------------------------------------------------ */

static int workload;
static size_t opt_n;
static result res;

static void start_clock(uint64_t *t0)
{
	*t0 = mono_ns();
}

/* Spawn the workload's tasks (t0 is read right before the first spawn). */
static int spawn_all(shared *s, uint64_t *t0)
{
	size_t n = opt_n;
	switch (workload) {
	case W_SPAWN_MANY:
		s->target = n;
		res.n = n;
		start_clock(t0);
		for (size_t i = 0; i < n; i++)
			if (!AX_SPAWN_DETACHED(((count_task){
				    .base.vt = &count_vt, .s = s })))
				return -ENOMEM;
		return 0;
	case W_YIELD_MANY:
		s->target = YIELD_TASKS;
		s->yields = n / YIELD_TASKS;
		res.n = s->yields * YIELD_TASKS;
		start_clock(t0);
		for (size_t i = 0; i < YIELD_TASKS; i++)
			if (!AX_SPAWN_DETACHED(((yield_task){
				    .base.vt = &yield_task_vt, .s = s,
				    .left = s->yields })))
				return -ENOMEM;
		return 0;
	case W_PING_PONG:
		s->n = n;
		res.n = n;
		s->ping = ax_mpsc_new(1);
		s->pong = ax_mpsc_new(1);
		if (!s->ping || !s->pong)
			return -ENOMEM;
		ax_stream *ping_rx = ax_mpsc_stream(s->ping);
		ax_stream *pong_rx = ax_mpsc_stream(s->pong);
		if (!ping_rx || !pong_rx)
			return -ENOMEM;
		start_clock(t0);
		if (!AX_SPAWN_DETACHED(((pp_task){ .base.vt = &echoer_vt,
							 .s = s, .rx = ping_rx,
							 .tx = s->pong })) ||
		    !AX_SPAWN_DETACHED(((pp_task){ .base.vt = &pinger_vt,
							 .s = s, .rx = pong_rx,
							 .tx = s->ping })))
			return -ENOMEM;
		return 0;
	case W_CHAINED_SPAWN:
		res.n = n;
		start_clock(t0);
		chain(s, n);
		return 0;
	case W_IDLE_TASKS:
		s->target = n;
		res.n = n;
		s->never = ax_notify_new();
		if (!s->never)
			return -ENOMEM;
		res.rss_before_kb = proc_status_kb("VmRSS");
		start_clock(t0);
		for (size_t i = 0; i < n; i++)
			if (!AX_SPAWN_DETACHED(((idle_task){
				    .start.base.vt = &idle_vt,
				    .start.s = s })))
				return -ENOMEM;
		return 0;
	}
	return -EINVAL;
}

AX_ASYNC(root_task, int, shared *s; uint64_t t0;)
{
	AX_BEGIN;
	self->s = calloc(1, sizeof *self->s);
	if (!self->s || !(self->s->done = ax_notify_new()))
		AX_RETURN(-ENOMEM);
	int err = spawn_all(self->s, &self->t0);
	if (err < 0)
		AX_RETURN(err);
	AX_AWAIT(ax_notified(self->s->done));
	res.elapsed_ns = mono_ns() - self->t0;
	res.peak_rss_kb = proc_status_kb("VmHWM");
	/* The shared state stays allocated: parked tasks still point to it,
	 * and the process exits without tearing the runtime down. */
	AX_RETURN(0);
	AX_END;
}

AX_ASYNC(bench_main, int, ax_task *root; ax_res r;)
{
	AX_BEGIN;
	self->root = AX_SPAWN(AX_CALL(root_task));
	if (!self->root)
		AX_RETURN(-ENOMEM);
	AX_AWAIT_TO(self->r, ax_join(self->root));
	AX_RETURN(self->r.err ? self->r.err : (int)self->r.val);
	AX_END;
}

static void usage(void)
{
	fprintf(stderr,
		"usage: peer-asynclab WORKLOAD [N] [single|workers_K]\n"
		"  WORKLOAD: spawn_many yield_many ping_pong chained_spawn idle_tasks\n");
	exit(2);
}

int main(int argc, char **argv)
{
	if (argc < 2 || argc > 4)
		usage();
	workload = -1;
	for (size_t i = 0; i < sizeof workloads / sizeof workloads[0]; i++)
		if (!strcmp(argv[1], workloads[i].name))
			workload = (int)i;
	if (workload < 0)
		usage();
	opt_n = workloads[workload].n;
	if (argc >= 3 && argv[2][0] && strcmp(argv[2], "-")) {
		char *end;
		errno = 0;
		unsigned long long v = strtoull(argv[2], &end, 10);
		if (errno || *end || v == 0 || argv[2][0] == '-')
			usage();
		opt_n = (size_t)v;
	}
	if (workload == W_YIELD_MANY && opt_n < YIELD_TASKS)
		usage();
	const char *flavor = argc >= 4 ? argv[3] : "single";
	int workers = 1;
	if (!strncmp(flavor, "workers_", 8)) {
		char *end;
		long k = strtol(flavor + 8, &end, 10);
		if (*end || k < 1 || k > AX_MAX_WORKERS)
			usage();
		workers = (int)k;
	} else if (strcmp(flavor, "single")) {
		usage();
	}

	ax_rt *rt = ax_rt_new(&(ax_rt_opts){ .clock = AX_CLOCK_REAL, .workers = workers });
	if (!rt) {
		perror("peer-asynclab: ax_rt_new");
		return 1;
	}
	int err = AX_BLOCK_ON(rt, AX_CALL(bench_main));
	if (err) {
		fprintf(stderr, "peer-asynclab: %s\n", strerror(-err));
		return 1;
	}

	printf("{\"system\":\"asynclab\",\"flavor\":\"%s\",\"workload\":\"%s\","
	       "\"n\":%zu,\"ns_per_op\":%.2f,\"peak_rss_kb\":%ld",
	       flavor, workloads[workload].name, res.n,
	       (double)res.elapsed_ns / (double)res.n, res.peak_rss_kb);
	if (workload == W_IDLE_TASKS)
		printf(",\"bytes_per_task\":%.1f",
		       (double)(res.peak_rss_kb - res.rss_before_kb) * 1024.0 /
			       (double)res.n);
	printf("}\n");
	fflush(stdout);
	/* No runtime teardown: idle_tasks leaves n tasks parked for good, and
	 * nothing after the measurement matters. */
	_exit(0);
}
