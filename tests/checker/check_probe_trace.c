/* check_probe_trace.c - the probe's scheduler trace (ASYNCLAB_TRACE=1)
 * with real programs run through the checker: what each kind of event
 * says about a join of two sleeps on the virtual clock, spawned tasks, a
 * blocking lock held across an await (the deadlock it ends in), an async
 * mutex waited for, a stream, the cap on events, the real clock, the
 * output offset, and the questions over the trace (report_trace.c) on
 * those runs.  Without the trace the probe writes none. */
#include "config.h"

#include "inspect_testutil.h"

#include <unistd.h>

#include "../testutil.h"

static const char *prog_files[] = { "prog.c" };

static axc_opts opts(void)
{
	axc_opts o;
	axc_opts_init(&o);
	o.files = prog_files;
	o.nfiles = 1;
	o.time_ms = 20000;
	o.clock = AXC_CLOCK_VIRTUAL;
	o.trace = true;
	return o;
}

static axc_report *run(const char *code, const axc_opts *o)
{
	write_file("prog.c", code);
	axc_report *rep = NULL;
	ck_assert_int_eq(axc_run(o, &rep), 0);
	ck_assert_ptr_nonnull(rep);
	ck_assert_msg(rep->built, "%s", rep->build_output);
	ck_assert_msg(rep->outcome.probe, "the probe did not report");
	assert_report_schema(rep);
	return rep;
}

/* The index of the first event of kind k from index `from` on that
 * matches the filter (task, result; -1: any), or -1. */
static long find(const axc_report *r, size_t from, axc_ev_kind k, int64_t task, int result)
{
	for (size_t i = from; i < r->trace.nevents; i++) {
		const axc_event *e = &r->trace.events[i];
		if (e->kind == k && (task < 0 || e->task == task) &&
		    (result < 0 || (int)e->result == result))
			return (long)i;
	}
	return -1;
}

static size_t count(const axc_report *r, axc_ev_kind k)
{
	size_t n = 0;
	for (size_t i = 0; i < r->trace.nevents; i++)
		n += r->trace.events[i].kind == k;
	return n;
}

#define MSEC 1000000ull

static const char join_prog[] =
	"#include <asynclab.h>\n"
	"#include <stdio.h>\n"
	"AX_ASYNC(nap, int, int ms;)\n"
	"{\n"
	"\tAX_BEGIN;\n"
	"\tAX_AWAIT(ax_sleep_ms(self->ms));\n"			/* line 6 */
	"\tAX_RETURN(self->ms);\n"
	"\tAX_END;\n"
	"}\n"
	"AX_ASYNC(both, int, ax_vals v;)\n"
	"{\n"
	"\tAX_BEGIN;\n"
	"\tprintf(\"start\\n\");\n"
	"\tAX_AWAIT_TO(self->v, AX_JOIN(AX_CALL(nap, .ms = 100), AX_CALL(nap, .ms = 200)));\n" /* 14 */
	"\tprintf(\"done %d\\n\", (int)(self->v.val[0] + self->v.val[1]));\n"
	"\tAX_RETURN(0);\n"
	"\tAX_END;\n"
	"}\n"
	"int main(void)\n"
	"{\n"
	"\tax_rt *rt = ax_rt_new(NULL);\n"
	"\tint r = AX_BLOCK_ON(rt, AX_CALL(both));\n"		/* line 22 */
	"\tax_rt_free(rt);\n"
	"\treturn r;\n"
	"}\n";

START_TEST(test_join_of_two_sleeps)
{
	axc_opts o = opts();
	axc_report *r = run(join_prog, &o);
	ck_assert_int_eq(r->outcome.end, AXC_END_EXITED);
	ck_assert_str_eq(r->out, "start\ndone 300\n");
	ck_assert(r->trace.on);
	ck_assert_uint_eq(r->trace.dropped, 0);
	const axc_event *ev = r->trace.events;

	/* The runtime on the virtual clock, then the root task's spawn with
	 * its future and site, queued, polled first without a resume site. */
	ck_assert_int_eq(ev[0].kind, AXC_EV_RT_START);
	ck_assert(ev[0].flag);
	long sp = find(r, 0, AXC_EV_SPAWN, 1, -1);
	ck_assert_int_ge(sp, 0);
	ck_assert_str_eq(ev[sp].name, "both");
	ck_assert_str_eq(ev[sp].file, "prog.c");
	ck_assert_int_eq(ev[sp].line, 22);
	ck_assert_str_eq(ev[sp].func, "main");
	ck_assert_uint_ne(ev[sp].future, 0);
	long rd = find(r, (size_t)sp, AXC_EV_READY, 1, -1);
	long p1 = find(r, (size_t)sp, AXC_EV_POLL, 1, -1);
	ck_assert(rd > sp && p1 > rd);
	ck_assert_ptr_null(ev[p1].file);

	/* Two timers armed in the first poll, with their deadlines. */
	long a1 = find(r, (size_t)p1, AXC_EV_TIMER_ARM, 1, -1);
	ck_assert_int_gt(a1, p1);
	long a2 = find(r, (size_t)a1 + 1, AXC_EV_TIMER_ARM, 1, -1);
	ck_assert_int_gt(a2, a1);
	ck_assert_uint_eq(ev[a1].deadline, 100 * MSEC);
	ck_assert_uint_eq(ev[a2].deadline, 200 * MSEC);
	ck_assert_uint_ne(ev[a1].obj, ev[a2].obj);
	/* Each sleep stored the task's waker, held by the nap polling it. */
	long wc = find(r, (size_t)p1, AXC_EV_WAKER_CLONE, 1, -1);
	ck_assert(wc > p1 && wc < a1);
	ck_assert_str_eq(ev[wc].name, "nap");
	ck_assert_int_eq(ev[wc].by, 1);

	/* The poll ends PENDING at the join (the leaf it waits on), at the
	 * await of line 14; the output so far is "start\n". */
	long pe = find(r, (size_t)p1, AXC_EV_POLL_END, 1, AXC_POLL_PENDING);
	ck_assert_int_gt(pe, a2);
	ck_assert_str_eq(ev[pe].name, "join_all");
	ck_assert_str_eq(ev[pe].file, "prog.c");
	ck_assert_int_eq(ev[pe].line, 14);
	ck_assert_str_eq(ev[pe].func, "both");
	ck_assert_uint_eq(ev[pe].out_len, 6);

	/* The clock jumps to the first deadline, its timer fires and wakes
	 * the task (source: the timer), which resumes at its await. */
	long c1 = find(r, (size_t)pe, AXC_EV_CLOCK, -1, -1);
	ck_assert_int_gt(c1, pe);
	ck_assert_uint_eq(ev[c1].deadline, 100 * MSEC);
	ck_assert_uint_eq(ev[c1].t, 100 * MSEC);
	long f1 = find(r, (size_t)c1, AXC_EV_TIMER_FIRE, 1, -1);
	ck_assert_int_gt(f1, c1);
	ck_assert_uint_eq(ev[f1].obj, ev[a1].obj);
	long w1 = find(r, (size_t)f1, AXC_EV_WAKE, 1, -1);
	ck_assert_int_gt(w1, f1);
	ck_assert_int_eq(ev[w1].source, AXC_WAKE_TIMER);
	ck_assert_int_eq(ev[w1].by, 0);
	long p2 = find(r, (size_t)w1, AXC_EV_POLL, 1, -1);
	ck_assert_int_gt(p2, w1);
	ck_assert_int_eq(ev[p2].line, 14);
	long c2 = find(r, (size_t)p2, AXC_EV_CLOCK, -1, -1);
	ck_assert_uint_eq(ev[c2].deadline, 200 * MSEC);
	long f2 = find(r, (size_t)c2, AXC_EV_TIMER_FIRE, 1, -1);
	ck_assert_uint_eq(ev[f2].obj, ev[a2].obj);

	/* The last poll is READY, then the task exits (not aborted) and the
	 * runtime stops; the output is complete by then. */
	long pr = find(r, (size_t)f2, AXC_EV_POLL_END, 1, AXC_POLL_READY);
	long ex = find(r, (size_t)pr, AXC_EV_EXIT, 1, -1);
	ck_assert(pr > f2 && ex > pr);
	ck_assert(!ev[ex].flag);
	ck_assert_uint_eq(ev[ex].out_len, 15);
	ck_assert_int_eq(ev[r->trace.nevents - 1].kind, AXC_EV_RT_STOP);

	/* Times never go back. */
	for (size_t i = 1; i < r->trace.nevents; i++)
		ck_assert_uint_ge(ev[i].t, ev[i - 1].t);

	/* The questions: nap 100 is polled twice, nap 200 three times; both
	 * naps alive at once; both created by both's poll; none dropped
	 * early. */
	ck_assert_uint_eq(axc_trace_polls(r, "nap"), 5);
	ck_assert_uint_eq(axc_trace_polls(r, "both"), 3);
	ck_assert_uint_eq(axc_trace_peak_alive(r, "nap"), 2);
	ck_assert(axc_trace_overlapped(r, "nap", "nap"));
	ck_assert_uint_eq(axc_trace_dropped_early(r, "nap"), 0);
	size_t nf;
	const axc_future_life *fl = axc_trace_futures(r, &nf);
	ck_assert_uint_eq(nf, 3);
	ck_assert_str_eq(fl[1].name, "nap");
	ck_assert_int_eq(fl[1].line, 14);
	ck_assert_uint_eq(fl[1].parent, fl[0].id);
	ck_assert(fl[1].completed && fl[1].dropped);
	/* The waker stored by a sleep was used by its timer. */
	ck_assert_uint_ge(axc_trace_woken_elsewhere(r, "both"), 1);
	ck_assert(!axc_trace_lock_over_await(r, -1));
	axc_report_free(r);
}
END_TEST

/* A future made in main() before the runtime exists (as a harness does
 * with its root) is at the run's start on the virtual clock: no event
 * carries the system's clock, and the run's virtual time is what the
 * program slept. */
START_TEST(test_future_made_before_the_runtime)
{
	static const char prog[] =
		"#include <asynclab.h>\n"
		"#include <stdio.h>\n"
		"AX_ASYNC(nap, int, int ms;)\n"
		"{\n"
		"\tAX_BEGIN;\n"
		"\tAX_AWAIT(ax_sleep_ms(self->ms));\n"
		"\tprintf(\"slept %d\\n\", self->ms);\n"
		"\tAX_RETURN(self->ms);\n"
		"\tAX_END;\n"
		"}\n"
		"int main(void)\n"
		"{\n"
		"\t__auto_type root = AX_CALL(nap, .ms = 250);\n"
		"\tax_rt *rt = ax_rt_new(NULL);\n"
		"\tint r = AX_BLOCK_ON(rt, root);\n"
		"\tax_rt_free(rt);\n"
		"\treturn r == 250 ? 0 : 1;\n"
		"}\n";
	axc_opts o = opts();
	axc_report *r = run(prog, &o);
	ck_assert_int_eq(r->outcome.end, AXC_END_EXITED);
	ck_assert_str_eq(r->out, "slept 250\n");
	ck_assert(r->trace.on);
	const axc_event *ev = r->trace.events;
	long fc = find(r, 0, AXC_EV_FUTURE_CREATE, -1, -1);
	long rs = find(r, 0, AXC_EV_RT_START, -1, -1);
	ck_assert_int_ge(fc, 0);
	ck_assert_int_gt(rs, fc); /* made before the runtime started */
	ck_assert_str_eq(ev[fc].name, "nap");
	for (size_t i = 0; i < r->trace.nevents; i++)
		ck_assert_uint_le(ev[i].t, 250 * MSEC);
	ck_assert(r->stats.virtual_clock);
	ck_assert_uint_eq(r->stats.end_ns, 250 * MSEC);
	axc_report_free(r);
}
END_TEST

START_TEST(test_no_trace_without_the_option)
{
	axc_opts o = opts();
	o.trace = false;
	axc_report *r = run(join_prog, &o);
	ck_assert_int_eq(r->outcome.end, AXC_END_EXITED);
	ck_assert(!r->trace.on);
	ck_assert_uint_eq(r->trace.nevents, 0);
	ck_assert_str_eq(r->out, "start\ndone 300\n");
	axc_report_free(r);
}
END_TEST

START_TEST(test_trace_max_counts_the_rest)
{
	axc_opts o = opts();
	o.trace_max = 7;
	axc_report *r = run(join_prog, &o);
	ck_assert(r->trace.on);
	ck_assert_uint_eq(r->trace.nevents, 7);
	ck_assert_uint_gt(r->trace.dropped, 20);
	axc_report_free(r);
}
END_TEST

/* Three requests spawned at once; each takes the blocking lock and awaits
 * with it held: the second blocks the thread on a lock the first holds. */
static const char lock_prog[] =
	"#include <asynclab.h>\n"
	"static ax_bmutex *mu;\n"
	"AX_ASYNC(audit, int, int x;)\n"
	"{\n"
	"\tAX_BEGIN;\n"
	"\tAX_AWAIT(ax_sleep_ms(10));\n"
	"\tAX_RETURN(self->x);\n"
	"\tAX_END;\n"
	"}\n"
	"AX_ASYNC(count, int, int n;)\n"
	"{\n"
	"\tAX_BEGIN;\n"
	"\tax_bmutex_lock(mu);\n"				/* line 13 */
	"\tAX_AWAIT(AX_CALL(audit, .x = 1));\n"			/* line 14 */
	"\tax_bmutex_unlock(mu);\n"
	"\tAX_RETURN(0);\n"
	"\tAX_END;\n"
	"}\n"
	"AX_ASYNC(serve, int, ax_task *a; ax_task *b;)\n"
	"{\n"
	"\tAX_BEGIN;\n"
	"\tself->a = AX_SPAWN(AX_CALL(count));\n"		/* line 22 */
	"\tself->b = AX_SPAWN(AX_CALL(count));\n"
	"\tAX_AWAIT(ax_join(self->a));\n"
	"\tAX_AWAIT(ax_join(self->b));\n"
	"\tAX_RETURN(0);\n"
	"\tAX_END;\n"
	"}\n"
	"int main(void)\n"
	"{\n"
	"\tmu = ax_bmutex_new();\n"
	"\tax_rt *rt = ax_rt_new(NULL);\n"
	"\tint r = AX_BLOCK_ON(rt, AX_CALL(serve));\n"
	"\tax_rt_free(rt);\n"
	"\treturn r;\n"
	"}\n";

START_TEST(test_blocking_lock_across_await)
{
	axc_opts o = opts();
	axc_report *r = run(lock_prog, &o);
	ck_assert_int_eq(r->outcome.end, AXC_END_STOPPED);
	ck_assert(r->trace.on);
	const axc_event *ev = r->trace.events;
	/* Task 2 takes the lock at line 13 and suspends with it, at the
	 * innermost await: audit's sleep. */
	long acq = find(r, 0, AXC_EV_LOCK_ACQUIRE, 2, -1);
	ck_assert_int_ge(acq, 0);
	ck_assert_int_eq(ev[acq].lock_kind, 1);
	ck_assert_int_eq(ev[acq].line, 13);
	ck_assert_str_eq(ev[acq].func, "count");
	long pend = find(r, (size_t)acq, AXC_EV_POLL_END, 2, AXC_POLL_PENDING);
	ck_assert_int_gt(pend, acq);
	ck_assert_int_eq(ev[pend].line, 6);
	ck_assert_str_eq(ev[pend].func, "audit");
	ck_assert_str_eq(ev[pend].name, "sleep");
	/* Task 3 waits for the same lock; the run ends in a deadlock, the
	 * trace's last event. */
	long wait = find(r, (size_t)pend, AXC_EV_LOCK_WAIT, 3, -1);
	ck_assert_int_gt(wait, pend);
	ck_assert_uint_eq(ev[wait].obj, ev[acq].obj);
	ck_assert_int_eq(ev[wait].lock_kind, 1);
	ck_assert_int_eq(ev[r->trace.nevents - 1].kind, AXC_EV_DEADLOCK);
	ck_assert(find(r, 0, AXC_EV_LOCK_RELEASE, -1, -1) < 0);
	ck_assert(axc_trace_lock_over_await(r, 1));
	ck_assert(axc_trace_lock_over_await(r, -1));
	ck_assert(!axc_trace_lock_over_await(r, 0));
	/* Two tasks spawned from serve (as written, no __body). */
	ck_assert_uint_eq(axc_trace_spawns_from(r, "serve"), 2);
	ck_assert_uint_eq(axc_trace_spawns_from(r, "count"), 0);
	long sp = find(r, 0, AXC_EV_SPAWN, 2, -1);
	ck_assert_int_eq(ev[sp].by, 1);
	ck_assert_int_eq(ev[sp].line, 22);
	axc_report_free(r);
}
END_TEST

/* The async mutex instead: held across the await and waited for without
 * blocking the thread; a stream read to its end; a task aborted. */
static const char mutex_prog[] =
	"#include <asynclab.h>\n"
	"static ax_mutex *mu;\n"
	"AX_ASYNC(count, int, int n;)\n"
	"{\n"
	"\tAX_BEGIN;\n"
	"\tAX_AWAIT(ax_mutex_lock(mu));\n"			/* line 6 */
	"\tAX_AWAIT(ax_sleep_ms(10));\n"
	"\tax_mutex_unlock(mu);\n"
	"\tAX_RETURN(0);\n"
	"\tAX_END;\n"
	"}\n"
	"AX_ASYNC(forever, int, int n;)\n"
	"{\n"
	"\tAX_BEGIN;\n"
	"\tAX_AWAIT(ax_sleep_ms(100000));\n"
	"\tAX_RETURN(0);\n"
	"\tAX_END;\n"
	"}\n"
	"AX_ASYNC(serve, int, ax_task *a; ax_task *b; ax_task *c; ax_opt v; int sum;)\n"
	"{\n"
	"\tAX_BEGIN;\n"
	"\tself->a = AX_SPAWN(AX_CALL(count));\n"
	"\tself->b = AX_SPAWN(AX_CALL(count));\n"
	"\tself->c = AX_SPAWN(AX_CALL(forever));\n"
	"\tAX_AWAIT(ax_join(self->a));\n"
	"\tAX_AWAIT(ax_join(self->b));\n"
	"\tax_task_abort(self->c);\n"
	"\tAX_AWAIT(ax_join(self->c));\n"
	"\tstatic ax_stream *s;\n"
	"\ts = ax_stream_range(0, 3);\n"
	"\tfor (;;) {\n"
	"\t\tAX_AWAIT_TO(self->v, ax_next(s));\n"
	"\t\tif (!self->v.some)\n"
	"\t\t\tbreak;\n"
	"\t}\n"
	"\tax_stream_free(s);\n"
	"\tAX_RETURN(0);\n"
	"\tAX_END;\n"
	"}\n"
	"int main(void)\n"
	"{\n"
	"\tmu = ax_mutex_new();\n"
	"\tax_rt *rt = ax_rt_new(NULL);\n"
	"\tint r = AX_BLOCK_ON(rt, AX_CALL(serve));\n"
	"\tax_rt_free(rt);\n"
	"\treturn r;\n"
	"}\n";

START_TEST(test_async_mutex_stream_abort)
{
	axc_opts o = opts();
	axc_report *r = run(mutex_prog, &o);
	ck_assert_msg(r->outcome.end == AXC_END_EXITED && r->outcome.status == 0, "%s", r->err);
	const axc_event *ev = r->trace.events;
	long acq = find(r, 0, AXC_EV_LOCK_ACQUIRE, 2, -1);
	ck_assert_int_ge(acq, 0);
	ck_assert_int_eq(ev[acq].lock_kind, 0);
	ck_assert_int_eq(ev[acq].line, 6);
	long wait = find(r, (size_t)acq, AXC_EV_LOCK_WAIT, 3, -1);
	ck_assert_int_gt(wait, acq);
	ck_assert_uint_eq(ev[wait].obj, ev[acq].obj);
	ck_assert_int_eq(ev[wait].lock_kind, 0);
	ck_assert_int_eq(ev[wait].line, 6);
	long rel = find(r, (size_t)wait, AXC_EV_LOCK_RELEASE, 2, -1);
	ck_assert_int_gt(rel, wait);
	/* The release hands the lock to task 3: woken by task 2. */
	long wk = find(r, (size_t)rel, AXC_EV_WAKE, 3, -1);
	ck_assert_int_gt(wk, rel);
	ck_assert_int_eq(ev[wk].source, AXC_WAKE_TASK);
	ck_assert_int_eq(ev[wk].by, 2);
	ck_assert(axc_trace_lock_over_await(r, 0));
	ck_assert(!axc_trace_lock_over_await(r, 1));
	/* The abort: requested by task 1, task 4 exits aborted. */
	long cn = find(r, 0, AXC_EV_CANCEL, 4, -1);
	ck_assert_int_ge(cn, 0);
	ck_assert_int_eq(ev[cn].by, 1);
	long ex = find(r, (size_t)cn, AXC_EV_EXIT, 4, -1);
	ck_assert_int_gt(ex, cn);
	ck_assert(ev[ex].flag);
	ck_assert_uint_eq(axc_trace_aborted(r, "forever"), 1);
	/* Its sleep's timer was cancelled, not fired. */
	ck_assert_uint_ge(count(r, AXC_EV_TIMER_CANCEL), 1);
	/* Four poll_next calls of the range: three items and its end. */
	ck_assert_uint_eq(axc_trace_stream_nexts(r, "range"), 4);
	long last = -1;
	for (long i = 0; (i = find(r, (size_t)i, AXC_EV_STREAM_NEXT, 1, -1)) >= 0; i++)
		last = i;
	ck_assert_int_eq(ev[last].result, AXC_POLL_DONE);
	axc_report_free(r);
}
END_TEST

/* The real clock: times from the start of the run, in order, and a
 * blocking sleep in a poll shows as a stall. */
static const char stall_prog[] =
	"#include <asynclab.h>\n"
	"#include <unistd.h>\n"
	"AX_ASYNC(slow, int, int n;)\n"
	"{\n"
	"\tAX_BEGIN;\n"
	"\tusleep(20000);\n"
	"\tAX_AWAIT(ax_sleep_ms(5));\n"
	"\tAX_RETURN(0);\n"
	"\tAX_END;\n"
	"}\n"
	"int main(void)\n"
	"{\n"
	"\tax_rt *rt = ax_rt_new(NULL);\n"
	"\tint r = AX_BLOCK_ON(rt, AX_CALL(slow));\n"
	"\tax_rt_free(rt);\n"
	"\treturn r;\n"
	"}\n";

START_TEST(test_real_clock_and_stall)
{
	axc_opts o = opts();
	o.clock = AXC_CLOCK_REAL;
	axc_report *r = run(stall_prog, &o);
	ck_assert_int_eq(r->outcome.end, AXC_END_EXITED);
	const axc_event *ev = r->trace.events;
	ck_assert(!ev[0].flag); /* rt_start: not virtual */
	for (size_t i = 1; i < r->trace.nevents; i++)
		ck_assert_uint_ge(ev[i].t, ev[i - 1].t);
	ck_assert_uint_lt(ev[r->trace.nevents - 1].t, 20000 * MSEC);
	long st = find(r, 0, AXC_EV_STALL, 1, -1);
	ck_assert_int_ge(st, 0);
	ck_assert_uint_ge(ev[st].deadline, 20 * MSEC);
	long arm = find(r, (size_t)st, AXC_EV_TIMER_ARM, 1, -1);
	ck_assert_int_gt(arm, st);
	ck_assert_uint_gt(ev[arm].deadline, ev[st].t);
	axc_report_free(r);
}
END_TEST

/* asynclab check --trace / --trace-max: the report file has the trace. */
static axc_report *cli(const char *const *extra, int nextra)
{
	write_file("prog.c", join_prog);
	const char *args[16] = { "check", "--clock", "virtual", "--report", "r.json" };
	int argc = 5;
	for (int i = 0; i < nextra; i++)
		args[argc++] = extra[i];
	args[argc++] = "prog.c";
	char *argv[16];
	for (int i = 0; i < argc; i++)
		argv[i] = (char *)(uintptr_t)args[i];
	ck_assert_int_eq(axc_main(argc, argv, NULL), 0);
	FILE *f = fopen("r.json", "r");
	ck_assert_ptr_nonnull(f);
	static char buf[1 << 20];
	size_t n = fread(buf, 1, sizeof buf, f);
	fclose(f);
	axc_report *r = NULL;
	char err[200];
	ck_assert_msg(axc_report_read(buf, n, &r, err, sizeof err) == 0, "%s", err);
	return r;
}

START_TEST(test_command_line)
{
	axc_report *r = cli(NULL, 0);
	ck_assert(!r->trace.on);
	ck_assert_uint_eq(r->trace.nevents, 0);
	axc_report_free(r);
	r = cli((const char *[]){ "--trace" }, 1);
	ck_assert(r->trace.on);
	ck_assert_uint_gt(r->trace.nevents, 30);
	ck_assert_uint_eq(r->trace.dropped, 0);
	ck_assert_uint_eq(axc_trace_polls(r, "nap"), 5);
	axc_report_free(r);
	r = cli((const char *[]){ "--trace-max", "4" }, 2);
	ck_assert(r->trace.on);
	ck_assert_uint_eq(r->trace.nevents, 4);
	ck_assert_uint_gt(r->trace.dropped, 0);
	axc_report_free(r);
}
END_TEST

static Suite *probe_trace_suite(void)
{
	Suite *s = suite_create("probe_trace");
	TCase *tc = tcase_create("trace");
	tcase_add_checked_fixture(tc, workdir_enter, workdir_leave);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_join_of_two_sleeps);
	tcase_add_test(tc, test_no_trace_without_the_option);
	tcase_add_test(tc, test_future_made_before_the_runtime);
	tcase_add_test(tc, test_trace_max_counts_the_rest);
	tcase_add_test(tc, test_blocking_lock_across_await);
	tcase_add_test(tc, test_async_mutex_stream_abort);
	tcase_add_test(tc, test_real_clock_and_stall);
	tcase_add_test(tc, test_command_line);
	suite_add_tcase(s, tc);
	return s;
}

TEST_MAIN(probe_trace_suite)
