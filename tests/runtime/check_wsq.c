/* check_wsq.c - the multi-worker scheduler's queues (runtime/wsq.c):
 * order, overflow and stealing on one thread; a seeded exploration of
 * a thief's read-then-claim racing the owner's pushes, pops and
 * overflows, step by step; and real threads (2 to 4 workers, wakes from
 * outside) checking that every task runs exactly once and that no
 * worker sleeps through a wake.  The threaded cases are the ones the
 * ThreadSanitizer build exists for. */
#define _GNU_SOURCE
#include <check.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "wsq.h"

/* Stand-in tasks: the queues read nothing but `next`; the id lives in
 * the header word the executor keeps it in. */
static ax_task *tasks_new(size_t n)
{
	size_t sz = (sizeof(ax_task) + 15) & ~(size_t)15;
	char *mem = aligned_alloc(16, n * sz);
	ck_assert_ptr_nonnull(mem);
	memset(mem, 0, n * sz);
	for (size_t i = 0; i < n; i++)
		((ax_task *)(void *)(mem + i * sz))->id = i;
	return (ax_task *)(void *)mem;
}

static ax_task *task_at(ax_task *base, size_t i)
{
	size_t sz = (sizeof(ax_task) + 15) & ~(size_t)15;
	return (ax_task *)(void *)((char *)base + i * sz);
}

static ax__wsq *wsq_new(void)
{
	ax__wsq *q = aligned_alloc(64, sizeof *q);
	ck_assert_ptr_nonnull(q);
	ax__wsq_init(q);
	return q;
}

START_TEST(test_fifo)
{
	ax__inject inj;
	ck_assert_int_eq(ax__inject_init(&inj), 0);
	ax__wsq *q = wsq_new();
	ax_task *ts = tasks_new(100);
	ck_assert_ptr_null(ax__wsq_pop(q));
	for (int i = 0; i < 100; i++)
		ck_assert_uint_eq(ax__wsq_push(q, task_at(ts, (size_t)i), &inj), 0);
	ck_assert_uint_eq(ax__wsq_len(q), 100);
	for (int i = 0; i < 100; i++)
		ck_assert_uint_eq(ax__wsq_pop(q)->id, (uint64_t)i);
	ck_assert_ptr_null(ax__wsq_pop(q));
	ck_assert_uint_eq(atomic_load(&inj.len), 0);
	free(ts);
	free(q);
	ax__inject_destroy(&inj);
}
END_TEST

/* A full ring moves its older half and the new task to the injection
 * queue in one go: nothing is lost and the oldest stay first. */
START_TEST(test_overflow)
{
	ax__inject inj;
	ck_assert_int_eq(ax__inject_init(&inj), 0);
	ax__wsq *q = wsq_new();
	size_t n = AX_WSQ_CAP * 3;
	ax_task *ts = tasks_new(n);
	uint32_t moved = 0;
	for (size_t i = 0; i < n; i++)
		moved += ax__wsq_push(q, task_at(ts, i), &inj);
	ck_assert_uint_eq(moved + ax__wsq_len(q), n);
	ck_assert_uint_eq(atomic_load(&inj.len), moved);
	ck_assert_uint_gt(moved, 0);
	/* The first overflow: tasks 0 .. CAP/2 - 1, then task CAP. */
	for (uint64_t i = 0; i < AX_WSQ_CAP / 2; i++)
		ck_assert_uint_eq(ax__inject_pop(&inj)->id, i);
	ck_assert_uint_eq(ax__inject_pop(&inj)->id, AX_WSQ_CAP);
	char *seen = calloc(n, 1);
	for (uint64_t i = 0; i < AX_WSQ_CAP / 2; i++)
		seen[i] = 1;
	seen[AX_WSQ_CAP] = 1;
	ax_task *t;
	while ((t = ax__inject_pop(&inj)) != NULL)
		seen[t->id]++;
	uint64_t last = 0;
	while ((t = ax__wsq_pop(q)) != NULL) {
		ck_assert_uint_gt(t->id + 1, last); /* increasing */
		last = t->id + 1;
		seen[t->id]++;
	}
	for (size_t i = 0; i < n; i++)
		ck_assert_msg(seen[i] == 1, "task %zu taken %d times", i, seen[i]);
	free(seen);
	free(ts);
	free(q);
	ax__inject_destroy(&inj);
}
END_TEST

START_TEST(test_steal_half)
{
	ax__inject inj;
	ck_assert_int_eq(ax__inject_init(&inj), 0);
	ax__wsq *src = wsq_new(), *dst = wsq_new();
	ax_task *ts = tasks_new(9);
	ck_assert_ptr_null(ax__wsq_steal(dst, src));
	for (size_t i = 0; i < 9; i++)
		ax__wsq_push(src, task_at(ts, i), &inj);
	/* 9 queued: the oldest 5 go; the thief runs the newest of them. */
	ax_task *t = ax__wsq_steal(dst, src);
	ck_assert_ptr_nonnull(t);
	ck_assert_uint_eq(t->id, 4);
	ck_assert_uint_eq(ax__wsq_len(dst), 4);
	ck_assert_uint_eq(ax__wsq_len(src), 4);
	for (uint64_t i = 0; i < 4; i++)
		ck_assert_uint_eq(ax__wsq_pop(dst)->id, i);
	for (uint64_t i = 5; i < 9; i++)
		ck_assert_uint_eq(ax__wsq_pop(src)->id, i);
	/* One left: a thief takes it. */
	ax__wsq_push(src, task_at(ts, 0), &inj);
	ck_assert_ptr_eq(ax__wsq_steal(dst, src), task_at(ts, 0));
	ck_assert_uint_eq(ax__wsq_len(src), 0);
	ck_assert_uint_eq(ax__wsq_len(dst), 0);
	free(ts);
	free(src);
	free(dst);
	ax__inject_destroy(&inj);
}
END_TEST

/* Interleavings, explored under seeds: the owner pushes, pops and moves
 * half of a full ring out (as ax__wsq_push does: read, then claim), and
 * up to two thieves read and claim, each step chosen by the seed, so
 * that a claim lands at every point of the others'.  Taking is always
 * from the head, so whatever succeeds must take exactly the tasks next
 * in push order; a claim that lost its race must take nothing. */
enum { MAX_PUSH = 4000 };

typedef struct taker {
	ax__wsq_take tk;
	int pending;
} taker;

static void claim_ok(const ax__wsq_take *tk, uint64_t *next_taken)
{
	for (uint32_t i = 0; i < tk->n; i++) {
		if (tk->t[i]->id != *next_taken)
			ck_abort_msg("took task %llu where %llu was next",
			      (unsigned long long)tk->t[i]->id,
			      (unsigned long long)*next_taken);
		(*next_taken)++;
	}
}

typedef struct explored {
	unsigned long claims, lost, moves;
} explored;

static void explore(uint64_t seed, ax_task *ts, ax__inject *inj, explored *ex)
{
	ax__wsq *q = wsq_new();
	uint64_t rng = seed * 0x9E3779B97F4A7C15ull, pushed = 0, taken = 0;
	taker th[3]; /* [0]: the owner's overflow move; [1], [2]: thieves */
	memset(th, 0, sizeof th);
	unsigned failed = 0, claims = 0;
	unsigned pushw = seed % 3 == 2 ? 0 : 3 + (unsigned)(seed % 3) * 4;
	while (pushed < MAX_PUSH || taken < pushed) {
		uint64_t r = ax__rand(&rng);
		/* Pushes weigh 3 or 7 in 16, or 63 in 64, by seed: the ring
		 * stays short under some seeds and fills (and overflows)
		 * under others. */
		unsigned x = (unsigned)(r % 16), op;
		int push = pushw ? x < pushw : (r >> 20) % 64 != 0;
		if (push && pushed < MAX_PUSH)
			op = 0;
		else if (x % 4 == 0)
			op = 3;
		else
			op = 4 + x % 3; /* 4: the owner's move; 5, 6: thieves */
		uint32_t len = ax__wsq_len(q);
		switch (op) {
		case 0:
			/* Owner push; a full ring goes through the owner's
			 * move (ax__wsq_push's read-then-claim, step by step). */
			if (len < AX_WSQ_CAP) {
				if (ax__wsq_push(q, task_at(ts, pushed), inj) != 0)
					ck_abort_msg("a push with room overflowed");
				pushed++;
			} else if (!th[0].pending) {
				ax__wsq_take_begin(q, AX_WSQ_CAP / 2, &th[0].tk);
				th[0].pending = 1;
			}
			break;
		case 3: {
			/* Owner pop (one CAS: a step of its own). */
			ax_task *t = ax__wsq_pop(q);
			if (t) {
				if (t->id != taken)
					ck_abort_msg("popped task %llu where %llu was next",
						     (unsigned long long)t->id,
						     (unsigned long long)taken);
				taken++;
			}
			break;
		}
		default: {
			/* A step of a pending take: begin, or commit. */
			unsigned who = op - 4;
			taker *k = &th[who];
			if (!k->pending) {
				if (who == 0)
					break;
				ax__wsq_take_begin(q, 0, &k->tk);
				k->pending = 1;
				break;
			}
			k->pending = 0;
			if (k->tk.n == 0)
				break;
			claims++;
			if (ax__wsq_take_commit(q, &k->tk)) {
				claim_ok(&k->tk, &taken);
				ex->moves += who == 0;
			} else {
				failed++;
			}
			break;
		}
		}
		/* (Check's asserts write to a pipe each: plain tests here.) */
		if (ax__wsq_len(q) != pushed - taken || pushed - taken > AX_WSQ_CAP)
			ck_abort_msg("queue holds %u tasks, %llu pushed, %llu taken",
				     ax__wsq_len(q), (unsigned long long)pushed,
				     (unsigned long long)taken);
	}
	ex->claims += claims;
	ex->lost += failed;
	free(q);
}

START_TEST(test_explore_interleavings)
{
	ax_task *ts = tasks_new(MAX_PUSH);
	ax__inject inj;
	ck_assert_int_eq(ax__inject_init(&inj), 0);
	unsigned seeds = 400;
	explored ex = { 0, 0, 0 };
	for (uint64_t seed = 1; seed <= seeds; seed++)
		explore(seed, ts, &inj, &ex);
	/* The seeds reach the races this is for: claims that lost to
	 * another taker, and moves of a full ring's half. */
	ck_assert_uint_gt(ex.lost, 100);
	ck_assert_uint_gt(ex.moves, 10);
	ck_assert_uint_gt(ex.claims, ex.lost);
	ck_assert_uint_eq(atomic_load(&inj.len), 0);
	ax__inject_destroy(&inj);
	free(ts);
}
END_TEST

/* The exploration reaches a claim that loses to the owner's pop and one
 * that loses to another thief (so the assertions above saw both). */
START_TEST(test_explore_lost_claims)
{
	ax_task *ts = tasks_new(4);
	ax__wsq *q = wsq_new();
	for (size_t i = 0; i < 4; i++) {
		uint32_t tl = atomic_load(&q->tail);
		atomic_store(&q->buf[tl & AX_WSQ_MASK], task_at(ts, i));
		atomic_store(&q->tail, tl + 1);
	}
	ax__wsq_take a, b;
	ax__wsq_take_begin(q, 0, &a);
	ax__wsq_take_begin(q, 0, &b);
	ck_assert_uint_eq(a.n, 2);
	ck_assert_uint_eq(ax__wsq_pop(q)->id, 0);
	ck_assert_int_eq(ax__wsq_take_commit(q, &a), 0); /* lost to the pop */
	ax__wsq_take_begin(q, 0, &a);
	ck_assert_uint_eq(a.n, 2);
	ck_assert_uint_eq(a.t[0]->id, 1);
	ck_assert_int_eq(ax__wsq_take_commit(q, &a), 1);
	ck_assert_int_eq(ax__wsq_take_commit(q, &b), 0); /* lost to a */
	ck_assert_uint_eq(ax__wsq_pop(q)->id, 3);
	ck_assert_ptr_null(ax__wsq_pop(q));
	free(q);
	free(ts);
}
END_TEST

/* Threads.  Jobs form trees: job i runs, counts itself, and spawns its
 * children on its worker (some into the LIFO slot); roots come from
 * outside the workers (ax__sched_push_remote), from several threads at
 * once.  Every job must run exactly once, and the workers (which park
 * whenever they find nothing) must all be woken for the shutdown. */
typedef struct harness {
	ax__sched s;
	ax_task *ts;
	size_t njobs;
	_Atomic unsigned char *runs;
	atomic_size_t done;
	size_t roots;
	unsigned fanout;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	atomic_ulong parks;
} harness;

typedef struct wctx {
	harness *h;
	ax__worker *w;
} wctx;

/* The jobs form a forest: 0 .. roots - 1 are the roots, and job k past
 * them is child number (k - roots) % fanout of job (k - roots) / fanout,
 * which is smaller than k: every job has one parent, which runs first. */
static void run_job(harness *h, ax__worker *w, ax_task *t)
{
	uint64_t i = t->id;
	unsigned char was = atomic_fetch_add(&h->runs[i], 1);
	if (was != 0)
		ck_abort_msg("job %llu ran twice", (unsigned long long)i);
	for (unsigned c = 0; c < h->fanout; c++) {
		uint64_t k = h->roots + i * h->fanout + c;
		if (k >= h->njobs)
			break;
		ax__sched_push_local(&h->s, w, task_at(h->ts, k), c == 0);
	}
	if (atomic_fetch_add(&h->done, 1) + 1 == h->njobs) {
		pthread_mutex_lock(&h->lock);
		pthread_cond_signal(&h->cond);
		pthread_mutex_unlock(&h->lock);
	}
}

static void *worker_main(void *arg)
{
	wctx *c = arg;
	for (;;) {
		ax_task *t = ax__sched_next(&c->h->s, c->w);
		if (t) {
			run_job(c->h, c->w, t);
			continue;
		}
		atomic_fetch_add(&c->h->parks, 1);
		if (ax__sched_park(&c->h->s, c->w, -1) == 0)
			return NULL;
	}
}

typedef struct injector {
	harness *h;
	size_t from, to;
} injector;

static void *inject_main(void *arg)
{
	injector *in = arg;
	for (size_t i = in->from; i < in->to; i++)
		ck_assert_int_eq(ax__sched_push_remote(&in->h->s, task_at(in->h->ts, i)), 0);
	return NULL;
}

static void run_harness(unsigned workers, size_t roots, unsigned fanout, size_t njobs,
			unsigned injectors)
{
	harness *h = calloc(1, sizeof *h);
	ck_assert_int_eq(ax__sched_init(&h->s, workers, 7), 0);
	h->ts = tasks_new(njobs);
	h->njobs = njobs;
	h->roots = roots;
	h->fanout = fanout;
	h->runs = calloc(njobs, 1);
	pthread_mutex_init(&h->lock, NULL);
	pthread_cond_init(&h->cond, NULL);
	pthread_t wt[8], it[8];
	wctx wc[8];
	injector in[8];
	for (unsigned i = 0; i < workers; i++) {
		wc[i] = (wctx){ h, &h->s.w[i] };
		ck_assert_int_eq(pthread_create(&wt[i], NULL, worker_main, &wc[i]), 0);
	}
	for (unsigned i = 0; i < injectors; i++) {
		in[i] = (injector){ h, roots * i / injectors, roots * (i + 1) / injectors };
		ck_assert_int_eq(pthread_create(&it[i], NULL, inject_main, &in[i]), 0);
	}
	for (unsigned i = 0; i < injectors; i++)
		pthread_join(it[i], NULL);
	pthread_mutex_lock(&h->lock);
	while (atomic_load(&h->done) < njobs)
		pthread_cond_wait(&h->cond, &h->lock);
	pthread_mutex_unlock(&h->lock);
	ax__sched_shutdown(&h->s);
	for (unsigned i = 0; i < workers; i++)
		pthread_join(wt[i], NULL);
	for (size_t i = 0; i < njobs; i++)
		ck_assert_msg(atomic_load(&h->runs[i]) == 1, "job %zu ran %u times", i,
			      (unsigned)atomic_load(&h->runs[i]));
	ck_assert_ptr_null(ax__inject_close(&h->s.inj));
	ck_assert_int_eq(ax__sched_push_remote(&h->s, task_at(h->ts, 0)), -ESHUTDOWN);
	uint64_t steals = 0;
	for (unsigned i = 0; i < workers; i++) {
		ck_assert_uint_eq(ax__wsq_len(&h->s.w[i].q), 0);
		ck_assert_ptr_null(atomic_load(&h->s.w[i].lifo));
		steals += atomic_load(&h->s.w[i].steals);
	}
	(void)steals;
	ax__sched_destroy(&h->s);
	pthread_cond_destroy(&h->cond);
	pthread_mutex_destroy(&h->lock);
	free(h->runs);
	free(h->ts);
	free(h);
}

/* One root spawns everything (spawn_many's shape): the other workers
 * live on what they steal and on the overflow. */
START_TEST(test_threads_one_spawner)
{
	for (unsigned workers = 2; workers <= 4; workers++)
		run_harness(workers, 1, 20000, 20001, 1);
}
END_TEST

/* Trees of small fan-out fed from three outside threads at once: wake
 * storms from outside, LIFO slots, steals of short queues. */
START_TEST(test_threads_trees)
{
	for (unsigned workers = 2; workers <= 4; workers++)
		run_harness(workers, 3000, 2, 30000, 3);
}
END_TEST

/* A worker parks each time it runs dry and one job at a time arrives
 * from outside: a wake lost between a worker's last look and its sleep
 * would leave the job unrun and this test waiting to its time limit. */
START_TEST(test_threads_park_unpark)
{
	for (unsigned workers = 1; workers <= 3; workers++) {
		harness *h = calloc(1, sizeof *h);
		size_t n = 2000;
		ck_assert_int_eq(ax__sched_init(&h->s, workers, 3), 0);
		h->ts = tasks_new(n);
		h->njobs = n;
		h->roots = n;
		h->fanout = 0;
		h->runs = calloc(n, 1);
		pthread_mutex_init(&h->lock, NULL);
		pthread_cond_init(&h->cond, NULL);
		pthread_t wt[4];
		wctx wc[4];
		for (unsigned i = 0; i < workers; i++) {
			wc[i] = (wctx){ h, &h->s.w[i] };
			ck_assert_int_eq(pthread_create(&wt[i], NULL, worker_main, &wc[i]), 0);
		}
		for (size_t i = 0; i < n; i++) {
			ck_assert_int_eq(ax__sched_push_remote(&h->s, task_at(h->ts, i)), 0);
			/* Wait for it to run: the workers go back to parking. */
			while (atomic_load(&h->done) < i + 1)
				sched_yield();
		}
		ax__sched_shutdown(&h->s);
		for (unsigned i = 0; i < workers; i++)
			pthread_join(wt[i], NULL);
		ck_assert_uint_gt(atomic_load(&h->parks), 0);
		ax__sched_destroy(&h->s);
		pthread_cond_destroy(&h->cond);
		pthread_mutex_destroy(&h->lock);
		free(h->runs);
		free(h->ts);
		free(h);
	}
}
END_TEST

/* The window a parking worker has to close: a task pushed after its
 * last look found nothing, by a thread that saw no worker asleep and so
 * woke none.  The worker's look under the idle lock finds it: park
 * returns at once instead of sleeping to its time limit. */
START_TEST(test_park_sees_missed_push)
{
	ax__sched s;
	ck_assert_int_eq(ax__sched_init(&s, 2, 1), 0);
	ax_task *ts = tasks_new(2);
	ax__worker *w = &s.w[0];
	ck_assert_ptr_null(ax__sched_next(&s, w));
	/* Nobody sleeps: no token is left for the worker. */
	ck_assert_int_eq(ax__sched_push_remote(&s, task_at(ts, 0)), 0);
	ck_assert_int_eq(s.idle.tokens, 0);
	ck_assert_int_eq(ax__sched_park(&s, w, 200), 1);
	ck_assert_ptr_eq(ax__sched_next(&s, w), task_at(ts, 0));
	/* The same for a task another worker queued locally. */
	ax__sched_push_local(&s, &s.w[1], task_at(ts, 1), 0);
	ck_assert_int_eq(ax__sched_park(&s, w, 200), 1);
	ck_assert_ptr_eq(ax__sched_next(&s, w), task_at(ts, 1));
	/* Nothing anywhere: the park runs to its time limit. */
	ck_assert_int_eq(ax__sched_park(&s, w, 1), 2);
	ax__sched_shutdown(&s);
	ck_assert_int_eq(ax__sched_park(&s, w, -1), 0);
	free(ts);
	ax__sched_destroy(&s);
}
END_TEST

/* The LIFO slot runs next on its worker, a few times in a row, and is
 * taken by another worker when its own is busy elsewhere (a task of
 * its that blocks the thread would otherwise strand the task it woke). */
START_TEST(test_lifo_slot)
{
	ax__sched s;
	ck_assert_int_eq(ax__sched_init(&s, 2, 1), 0);
	ax_task *ts = tasks_new(3);
	ax__worker *w0 = &s.w[0], *w1 = &s.w[1];
	ax__sched_push_local(&s, w0, task_at(ts, 0), 0);
	ax__sched_push_local(&s, w0, task_at(ts, 1), 1);
	/* A newer wake takes the slot; the older goes to the queue. */
	ax__sched_push_local(&s, w0, task_at(ts, 2), 1);
	ck_assert_ptr_eq(ax__sched_next(&s, w0), task_at(ts, 2));
	ck_assert_ptr_eq(ax__sched_next(&s, w0), task_at(ts, 0));
	ck_assert_ptr_eq(ax__sched_next(&s, w0), task_at(ts, 1));
	ck_assert_ptr_null(ax__sched_next(&s, w0));
	/* w0 busy: w1 takes what sits in w0's slot. */
	ax__sched_push_local(&s, w0, task_at(ts, 1), 1);
	ck_assert(ax__sched_has_work(&s));
	ck_assert_ptr_eq(ax__sched_next(&s, w1), task_at(ts, 1));
	ck_assert_ptr_null(ax__sched_next(&s, w0));
	ck_assert(!ax__sched_has_work(&s));
	free(ts);
	ax__sched_destroy(&s);
}
END_TEST

static Suite *wsq_suite(void)
{
	Suite *s = suite_create("wsq");
	TCase *tc = tcase_create("queues");
	tcase_add_test(tc, test_fifo);
	tcase_add_test(tc, test_overflow);
	tcase_add_test(tc, test_steal_half);
	tcase_add_test(tc, test_explore_lost_claims);
	tcase_add_test(tc, test_explore_interleavings);
	tcase_add_test(tc, test_park_sees_missed_push);
	tcase_add_test(tc, test_lifo_slot);
	tcase_set_timeout(tc, 120);
	suite_add_tcase(s, tc);
	tc = tcase_create("threads");
	tcase_add_test(tc, test_threads_one_spawner);
	tcase_add_test(tc, test_threads_trees);
	tcase_add_test(tc, test_threads_park_unpark);
	tcase_set_timeout(tc, 300);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(wsq_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
