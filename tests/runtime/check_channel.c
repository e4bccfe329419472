/* check_channel.c - the oneshot channel and the bounded mpsc channel:
 * backpressure at capacity, FIFO service of waiting senders, close, the
 * receiver as a stream, and futures dropped while they wait. */
#include "../testutil.h"

#include <errno.h>
#include <string.h>

/* An event log: what happened, and when on the virtual clock. */
typedef struct ev {
	char what;  /* 's' sent, 'r' received, 'q' queued */
	int v;
	uint64_t t;
} ev;
static ev log_[256];
static int nlog;

static void note(char what, int v)
{
	ck_assert_int_lt(nlog, 256);
	log_[nlog++] = (ev){ what, v, ax_now() };
}

/* ---- oneshot ------------------------------------------------------------ */

AX_ASYNC(late_send, int, ax_oneshot *o; int ms; ax_val v;)
{
	AX_BEGIN;
	AX_AWAIT(ax_sleep_ms((uint64_t)self->ms));
	AX_RETURN(ax_oneshot_send(self->o, self->v));
	AX_END;
}

AX_ASYNC(late_close, int, ax_oneshot *o; int ms;)
{
	AX_BEGIN;
	AX_AWAIT(ax_sleep_ms((uint64_t)self->ms));
	ax_oneshot_close(self->o);
	AX_RETURN(0);
	AX_END;
}

AX_ASYNC(oneshot_main, int, ax_oneshot *o; ax_task *h; ax_res r;)
{
	AX_BEGIN;
	/* A value sent later wakes the waiting receiver. */
	self->o = ax_oneshot_new();
	self->h = AX_SPAWN(AX_CALL(late_send, .o = self->o, .ms = 50, .v = 42));
	AX_AWAIT_TO(self->r, ax_oneshot_recv(self->o));
	ck_assert_int_eq(self->r.err, 0);
	ck_assert_int_eq(self->r.val, 42);
	ck_assert_uint_eq(ax_now(), MS(50));
	AX_AWAIT_TO(self->r, ax_join(self->h));
	ck_assert_int_eq(self->r.val, 0);
	ck_assert_int_eq(ax_oneshot_send(self->o, 7), -EPIPE); /* only one value */
	ax_oneshot_close(self->o); /* after a send: the value stays */
	AX_AWAIT_TO(self->r, ax_oneshot_recv(self->o));
	ck_assert_int_eq(self->r.val, 42);
	ax_oneshot_free(self->o);

	/* A sender that gives up: the waiting receiver gets -EPIPE. */
	self->o = ax_oneshot_new();
	self->h = AX_SPAWN(AX_CALL(late_close, .o = self->o, .ms = 10));
	AX_AWAIT_TO(self->r, ax_oneshot_recv(self->o));
	ck_assert_int_eq(self->r.err, -EPIPE);
	ck_assert_uint_eq(ax_now(), MS(60));
	AX_AWAIT(ax_join(self->h));
	ck_assert_int_eq(ax_oneshot_send(self->o, 1), -EPIPE);
	ax_oneshot_free(self->o);

	/* A value sent before anyone waits is there at the first poll. */
	self->o = ax_oneshot_new();
	ck_assert_int_eq(ax_oneshot_send(self->o, -5), 0);
	AX_AWAIT_TO(self->r, ax_oneshot_recv(self->o));
	ck_assert_int_eq(self->r.err, 0);
	ck_assert_int_eq(self->r.val, -5);
	ax_oneshot_free(self->o);

	/* A receive dropped while waiting leaves nothing behind, and the
	 * send that follows finds nobody to wake. */
	self->o = ax_oneshot_new();
	AX_AWAIT_TO(self->r, AX_TIMEOUT_MS(5, ax_oneshot_recv(self->o)));
	ck_assert_int_eq(self->r.err, -ETIMEDOUT);
	ck_assert_int_eq(ax_oneshot_send(self->o, 3), 0);
	ax_oneshot_free(self->o);
	AX_RETURN(1);
	AX_END;
}

START_TEST(test_oneshot)
{
	ax_rt *rt = test_rt(0);
	int64_t got = AX_BLOCK_ON(rt, AX_CALL(oneshot_main));
	ck_assert_int_eq(got, 1);
	TEST_RT_END_FREED(rt);
}
END_TEST

/* ---- mpsc: backpressure ------------------------------------------------- */

AX_ASYNC(producer, int, ax_mpsc *ch; int from; int n; int i; int r;)
{
	AX_BEGIN;
	for (self->i = 0; self->i < self->n; self->i++) {
		AX_AWAIT_TO(self->r, ax_mpsc_send(self->ch, self->from + self->i));
		if (self->r < 0)
			AX_RETURN(self->r);
		note('s', self->from + self->i);
	}
	AX_RETURN(0);
	AX_END;
}

AX_ASYNC(backpressure, int, ax_mpsc *ch; ax_task *h; ax_opt o; int i;)
{
	AX_BEGIN;
	self->ch = ax_mpsc_new(2);
	/* cap + 1 sends: the third waits for the receiver. */
	self->h = AX_SPAWN(AX_CALL(producer, .ch = self->ch, .from = 0, .n = 3));
	AX_AWAIT(ax_sleep_ms(100));
	ck_assert_int_eq(nlog, 2);
	ck_assert_uint_eq(ax_mpsc_len(self->ch), 2);
	ck_assert_int_eq(ax_mpsc_try_send(self->ch, 99), -EAGAIN);
	for (self->i = 0; self->i < 3; self->i++) {
		AX_AWAIT_TO(self->o, ax_mpsc_recv(self->ch));
		ck_assert(self->o.some);
		note('r', (int)self->o.val);
		AX_AWAIT(ax_sleep_ms(10));
	}
	AX_AWAIT(ax_join(self->h));
	ax_mpsc_free(self->ch);
	AX_RETURN(nlog);
	AX_END;
}

START_TEST(test_mpsc_backpressure)
{
	ax_rt *rt = test_rt(0);
	nlog = 0;
	int64_t got = AX_BLOCK_ON(rt, AX_CALL(backpressure));
	ck_assert_int_eq(got, 6);
	/* s0 s1 at 0; r0 at 100; only then s2, at 100; r1 110; r2 120. */
	static const ev want[] = { { 's', 0, 0 },	   { 's', 1, 0 },
				   { 'r', 0, MS(100) }, { 's', 2, MS(100) },
				   { 'r', 1, MS(110) }, { 'r', 2, MS(120) } };
	for (int i = 0; i < 6; i++) {
		ck_assert_int_eq(log_[i].what, want[i].what);
		ck_assert_int_eq(log_[i].v, want[i].v);
		ck_assert_uint_eq(log_[i].t, want[i].t);
	}
	TEST_RT_END_FREED(rt);
}
END_TEST

/* ---- mpsc: senders served FIFO ------------------------------------------ */

AX_ASYNC(one_send, int, ax_mpsc *ch; int v; int r;)
{
	AX_BEGIN;
	note('q', self->v);
	AX_AWAIT_TO(self->r, ax_mpsc_send(self->ch, self->v));
	AX_RETURN(self->r);
	AX_END;
}

AX_ASYNC(fifo_senders, int, ax_mpsc *ch; ax_task *h[4]; ax_opt o; int i;
	 ax_res r;)
{
	AX_BEGIN;
	self->ch = ax_mpsc_new(1);
	ck_assert_int_eq(ax_mpsc_try_send(self->ch, 100), 0);
	for (self->i = 0; self->i < 4; self->i++)
		self->h[self->i] =
			AX_SPAWN(AX_CALL(one_send, .ch = self->ch, .v = self->i));
	AX_AWAIT(ax_sleep_ms(1));
	ck_assert_int_eq(nlog, 4);
	for (self->i = 0; self->i < 5; self->i++) {
		AX_AWAIT_TO(self->o, ax_mpsc_recv(self->ch));
		ck_assert(self->o.some);
		note('r', (int)self->o.val);
		/* The freed slot is reserved for the oldest waiting sender. */
		if (self->i < 4)
			ck_assert_int_eq(ax_mpsc_try_send(self->ch, 99), -EAGAIN);
	}
	for (self->i = 0; self->i < 4; self->i++) {
		AX_AWAIT_TO(self->r, ax_join(self->h[self->i]));
		ck_assert_int_eq(self->r.val, 0);
	}
	ax_mpsc_free(self->ch);
	AX_RETURN(nlog);
	AX_END;
}

START_TEST(test_mpsc_senders_fifo)
{
	ax_rt *rt = test_rt((uint64_t)_i);
	nlog = 0;
	int64_t got = AX_BLOCK_ON(rt, AX_CALL(fifo_senders));
	ck_assert_int_eq(got, 9);
	ck_assert_int_eq(log_[4].v, 100);
	/* Received in the order the senders queued, whatever the seed made
	 * that order. */
	for (int i = 0; i < 4; i++)
		ck_assert_int_eq(log_[5 + i].v, log_[i].v);
	TEST_RT_END_FREED(rt);
}
END_TEST

/* ---- mpsc: close -------------------------------------------------------- */

AX_ASYNC(close_main, int, ax_mpsc *ch; ax_task *h; ax_opt o; ax_res r; int got;)
{
	AX_BEGIN;
	self->ch = ax_mpsc_new(2);
	/* Sends 10, 11 and waits to send 12 when the channel closes. */
	self->h = AX_SPAWN(AX_CALL(producer, .ch = self->ch, .from = 10, .n = 5));
	AX_AWAIT(ax_sleep_ms(5));
	ax_mpsc_close(self->ch);
	ck_assert_int_eq(ax_mpsc_try_send(self->ch, 1), -EPIPE);
	AX_AWAIT_TO(self->r, ax_join(self->h));
	ck_assert_int_eq(self->r.val, -EPIPE);
	/* The receiver drains what was queued, then sees the end. */
	for (;;) {
		AX_AWAIT_TO(self->o, ax_mpsc_recv(self->ch));
		if (!self->o.some)
			break;
		ck_assert_int_eq(self->o.val, 10 + self->got);
		self->got++;
	}
	AX_AWAIT_TO(self->o, ax_mpsc_recv(self->ch));
	ck_assert(!self->o.some);
	ax_mpsc_free(self->ch);
	AX_RETURN(self->got);
	AX_END;
}

START_TEST(test_mpsc_close)
{
	ax_rt *rt = test_rt(0);
	nlog = 0;
	int64_t got = AX_BLOCK_ON(rt, AX_CALL(close_main));
	ck_assert_int_eq(got, 2);
	TEST_RT_END_FREED(rt);
}
END_TEST

/* Close wakes every waiting sender, however many: more than one batch
 * of the wakes a channel operation does after letting its lock go. */
enum { CLOSE_SENDERS = 20 };

AX_ASYNC(close_many_senders, int, ax_mpsc *ch; ax_task *h[CLOSE_SENDERS]; int i;
	 ax_res r; int epipe; ax_opt o;)
{
	AX_BEGIN;
	self->ch = ax_mpsc_new(1);
	ck_assert_int_eq(ax_mpsc_try_send(self->ch, 99), 0); /* full */
	for (self->i = 0; self->i < CLOSE_SENDERS; self->i++)
		self->h[self->i] = AX_SPAWN(
			AX_CALL(producer, .ch = self->ch, .from = self->i, .n = 1));
	AX_AWAIT(ax_sleep_ms(5)); /* every sender waits for the slot */
	ck_assert_int_eq(nlog, 0);
	ax_mpsc_close(self->ch);
	for (self->i = 0; self->i < CLOSE_SENDERS; self->i++) {
		AX_AWAIT_TO(self->r, ax_join(self->h[self->i]));
		self->epipe += self->r.val == -EPIPE;
	}
	AX_AWAIT_TO(self->o, ax_mpsc_recv(self->ch));
	ck_assert(self->o.some && self->o.val == 99);
	AX_AWAIT_TO(self->o, ax_mpsc_recv(self->ch));
	ck_assert(!self->o.some);
	ax_mpsc_free(self->ch);
	AX_RETURN(self->epipe);
	AX_END;
}

START_TEST(test_mpsc_close_wakes_every_sender)
{
	ax_rt *rt = test_rt((uint64_t)_i);
	nlog = 0;
	int got = AX_BLOCK_ON(rt, AX_CALL(close_many_senders));
	ck_assert_int_eq(got, CLOSE_SENDERS);
	ck_assert_int_eq(nlog, 0);
	TEST_RT_END_FREED(rt);
}
END_TEST

/* A receiver waiting on an empty channel is woken by close. */
AX_ASYNC(closer, int, ax_mpsc *ch;)
{
	AX_BEGIN;
	AX_AWAIT(ax_sleep_ms(30));
	ax_mpsc_close(self->ch);
	AX_RETURN(0);
	AX_END;
}

AX_ASYNC(close_wakes_receiver, uint64_t, ax_mpsc *ch; ax_task *h; ax_opt o;)
{
	AX_BEGIN;
	self->ch = ax_mpsc_new(4);
	self->h = AX_SPAWN(AX_CALL(closer, .ch = self->ch));
	AX_AWAIT_TO(self->o, ax_mpsc_recv(self->ch));
	ck_assert(!self->o.some);
	AX_AWAIT(ax_join(self->h));
	ax_mpsc_free(self->ch);
	AX_RETURN(ax_now());
	AX_END;
}

START_TEST(test_mpsc_close_wakes_receiver)
{
	ax_rt *rt = test_rt(0);
	uint64_t got = AX_BLOCK_ON(rt, AX_CALL(close_wakes_receiver));
	ck_assert_uint_eq(got, MS(30));
	TEST_RT_END_FREED(rt);
}
END_TEST

/* ---- mpsc: the receiver as a stream ------------------------------------- */

/* Drain a stream with poll_next, summing the items; owns the stream. */
typedef struct drain_t {
	ax_future base;
	ax_val out; /* sum of the items */
	ax_stream *s;
	int n;
} drain_t;

static ax_poll_t drain_poll(ax_future *f, ax_cx *cx)
{
	drain_t *d = (drain_t *)(void *)f;
	ax_val item;
	for (;;) {
		ax_poll_t p = ax_stream_poll_next(d->s, cx, &item);
		if (p == AX_PENDING)
			return AX_PENDING;
		if (p == AX_DONE)
			return AX_READY;
		d->out += item;
		d->n++;
		note('r', (int)item);
	}
}

static void drain_drop(ax_future *f)
{
	drain_t *d = (drain_t *)(void *)f;
	if (d->s)
		d->s->vt->drop(d->s);
	d->s = NULL;
}

static const ax_future_vt drain_vt = AX_VT_OF(drain_t, "drain", drain_poll, drain_drop, 0);

AX_ASYNC(produce_then_close, int, ax_mpsc *ch; int i;)
{
	AX_BEGIN;
	for (self->i = 1; self->i <= 5; self->i++) {
		AX_AWAIT(ax_sleep_ms(10));
		AX_AWAIT(ax_mpsc_send(self->ch, self->i));
	}
	ax_mpsc_close(self->ch);
	AX_RETURN(0);
	AX_END;
}

AX_ASYNC(stream_main, ax_val, ax_mpsc *ch; ax_task *h; ax_val sum;)
{
	AX_BEGIN;
	self->ch = ax_mpsc_new(1);
	self->h = AX_SPAWN(AX_CALL(produce_then_close, .ch = self->ch));
	AX_AWAIT_TO(self->sum, ((drain_t){ .base.vt = &drain_vt,
					   .s = ax_mpsc_stream(self->ch) }));
	ck_assert_uint_eq(ax_now(), MS(50));
	AX_AWAIT(ax_join(self->h));
	ax_mpsc_free(self->ch);
	AX_RETURN(self->sum);
	AX_END;
}

START_TEST(test_mpsc_stream_ends_after_close)
{
	ax_rt *rt = test_rt(0);
	nlog = 0;
	int64_t got = AX_BLOCK_ON(rt, AX_CALL(stream_main));
	ck_assert_int_eq(got, 15);
	ck_assert_int_eq(nlog, 5);
	for (int i = 0; i < 5; i++)
		ck_assert_uint_eq(log_[i].t, MS(10 * (i + 1)));
	TEST_RT_END_FREED(rt);
}
END_TEST

/* A stream dropped while it waits releases its registration. */
AX_ASYNC(stream_dropped, int, ax_mpsc *ch; ax_res r;)
{
	AX_BEGIN;
	self->ch = ax_mpsc_new(1);
	AX_AWAIT_TO(self->r, AX_TIMEOUT_MS(10, ((drain_t){
			  .base.vt = &drain_vt, .s = ax_mpsc_stream(self->ch) })));
	ck_assert_int_eq(self->r.err, -ETIMEDOUT);
	ck_assert_int_eq(ax_mpsc_try_send(self->ch, 1), 0);
	ax_mpsc_free(self->ch);
	AX_RETURN(1);
	AX_END;
}

START_TEST(test_mpsc_stream_dropped)
{
	ax_rt *rt = test_rt(0);
	int64_t got = AX_BLOCK_ON(rt, AX_CALL(stream_dropped));
	ck_assert_int_eq(got, 1);
	TEST_RT_END_FREED(rt);
}
END_TEST

/* ---- mpsc: dropped futures ---------------------------------------------- */

AX_ASYNC(dropped_futures, int, ax_mpsc *ch; ax_res r; ax_opt o; ax_task *b;
	 ax_task *c; int sum;)
{
	AX_BEGIN;
	self->ch = ax_mpsc_new(1);
	/* A receive dropped while waiting. */
	AX_AWAIT_TO(self->r, AX_TIMEOUT_MS(10, ax_mpsc_recv(self->ch)));
	ck_assert_int_eq(self->r.err, -ETIMEDOUT);
	/* A send dropped while waiting for a slot. */
	ck_assert_int_eq(ax_mpsc_try_send(self->ch, 1), 0);
	AX_AWAIT_TO(self->r, AX_TIMEOUT_MS(10, ax_mpsc_send(self->ch, 2)));
	ck_assert_int_eq(self->r.err, -ETIMEDOUT);
	/* A sender granted a slot and aborted before it used it: the slot
	 * goes to the next sender. */
	self->b = AX_SPAWN(AX_CALL(one_send, .ch = self->ch, .v = 3));
	self->c = AX_SPAWN(AX_CALL(one_send, .ch = self->ch, .v = 4));
	AX_AWAIT(ax_yield());
	AX_AWAIT_TO(self->o, ax_mpsc_recv(self->ch)); /* frees a slot for b */
	ck_assert_int_eq(self->o.val, 1);
	ax_task_abort(self->b);
	AX_AWAIT_TO(self->r, ax_join(self->b));
	ck_assert_int_eq(self->r.err, -ECANCELED);
	AX_AWAIT_TO(self->r, ax_join(self->c));
	ck_assert_int_eq(self->r.val, 0);
	AX_AWAIT_TO(self->o, ax_mpsc_recv(self->ch));
	ck_assert_int_eq(self->o.val, 4);
	ck_assert_uint_eq(ax_mpsc_len(self->ch), 0);
	ck_assert_int_eq(ax_mpsc_try_send(self->ch, 5), 0);
	ax_mpsc_free(self->ch);
	AX_RETURN(1);
	AX_END;
}

START_TEST(test_mpsc_dropped_futures)
{
	ax_rt *rt = test_rt(0);
	nlog = 0;
	int64_t got = AX_BLOCK_ON(rt, AX_CALL(dropped_futures));
	ck_assert_int_eq(got, 1);
	TEST_RT_END_FREED(rt);
}
END_TEST

/* Several producers, one consumer: every value arrives exactly once and
 * each producer's values in order. */
AX_ASYNC(many_producers, int, ax_mpsc *ch; ax_task *h[4]; ax_opt o; int i;
	 int last[4]; int got;)
{
	AX_BEGIN;
	self->ch = ax_mpsc_new(3);
	for (self->i = 0; self->i < 4; self->i++) {
		self->last[self->i] = -1;
		self->h[self->i] = AX_SPAWN(AX_CALL(
			producer, .ch = self->ch, .from = 100 * self->i, .n = 50));
	}
	while (self->got < 200) {
		AX_AWAIT_TO(self->o, ax_mpsc_recv(self->ch));
		ck_assert(self->o.some);
		int p = (int)self->o.val / 100, k = (int)self->o.val % 100;
		ck_assert_int_eq(k, self->last[p] + 1);
		self->last[p] = k;
		self->got++;
		if (self->got % 7 == 0)
			AX_AWAIT(ax_yield());
	}
	for (self->i = 0; self->i < 4; self->i++)
		AX_AWAIT(ax_join(self->h[self->i]));
	ax_mpsc_close(self->ch);
	AX_AWAIT_TO(self->o, ax_mpsc_recv(self->ch));
	ck_assert(!self->o.some);
	ax_mpsc_free(self->ch);
	AX_RETURN(self->got);
	AX_END;
}

START_TEST(test_mpsc_many_producers)
{
	ax_rt *rt = test_rt((uint64_t)_i);
	nlog = 0;
	int64_t got = AX_BLOCK_ON(rt, AX_CALL(many_producers));
	ck_assert_int_eq(got, 200);
	TEST_RT_END_FREED(rt);
}
END_TEST

static Suite *channel_suite(void)
{
	Suite *s = suite_create("channel");
	TCase *tc = tcase_create("oneshot");
	tcase_add_test(tc, test_oneshot);
	suite_add_tcase(s, tc);
	tc = tcase_create("mpsc");
	tcase_add_test(tc, test_mpsc_backpressure);
	tcase_add_loop_test(tc, test_mpsc_senders_fifo, 0, 4);
	tcase_add_test(tc, test_mpsc_close);
	tcase_add_loop_test(tc, test_mpsc_close_wakes_every_sender, 0, 3);
	tcase_add_test(tc, test_mpsc_close_wakes_receiver);
	tcase_add_test(tc, test_mpsc_stream_ends_after_close);
	tcase_add_test(tc, test_mpsc_stream_dropped);
	tcase_add_test(tc, test_mpsc_dropped_futures);
	tcase_add_loop_test(tc, test_mpsc_many_producers, 0, 4);
	suite_add_tcase(s, tc);
	return s;
}

TEST_MAIN(channel_suite)
