/* check_present.c - presenter mode's model: the executor's state at step k
 * rebuilt from events 0..k of a recorded trace (ready queue in order, each
 * task's state and what it waits on where, wakers and who holds them,
 * timers by deadline, locks with holder and waiters, the clock, the
 * output so far), the same going forward or back; events in words;
 * jumps to a task's next poll, to a time and to the findings. */
#include "config.h"

#include "../../tui/present.h"
#include "../testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define EV(s) "{" s "}"

/* Lesson 15's starter as the trace shows it: main spawns ana, bo and cy
 * and waits to join them; ana takes the blocking lock and suspends on a
 * 10 ms sleep with it held; bo asks for the lock and the thread stops. */
static const char deadlock_json[] =
	"{\"version\":2,\"outcome\":{\"end\":\"stopped\",\"message\":\"deadlock: ...\"},"
	"\"stdout\":\"[0 ms] ana: locking the counter\\n[0 ms] bo: locking the counter\\n\","
	"\"tasks\":["
	"{\"id\":1,\"name\":\"main\",\"future\":\"main_async\",\"state\":\"pending\"},"
	"{\"id\":2,\"future\":\"count_view\",\"state\":\"pending\"},"
	"{\"id\":3,\"future\":\"count_view\",\"state\":\"pending\"},"
	"{\"id\":4,\"future\":\"count_view\",\"state\":\"pending\"}],"
	"\"findings\":[{\"id\":\"lock-across-await\",\"message\":\"deadlock: bo waits for the "
	"lock ana holds\",\"file\":\"/w/15.c\",\"line\":25,\"task\":{\"id\":3}}],"
	"\"trace\":{\"on\":true,\"events\":["
	EV("\"kind\":\"rt_start\",\"t\":0,\"flag\":true") ","			/* 0 */
	EV("\"kind\":\"spawn\",\"t\":0,\"task\":1,\"name\":\"main_async\"") ","	/* 1 */
	EV("\"kind\":\"ready\",\"t\":0,\"task\":1") ","				/* 2 */
	EV("\"kind\":\"poll\",\"t\":0,\"task\":1") ","				/* 3 */
	EV("\"kind\":\"spawn\",\"t\":0,\"task\":2,\"by\":1,\"name\":\"count_view\","
	   "\"file\":\"/w/15.c\",\"line\":52") ","					/* 4 */
	EV("\"kind\":\"ready\",\"t\":0,\"task\":2") ","				/* 5 */
	EV("\"kind\":\"spawn\",\"t\":0,\"task\":3,\"by\":1,\"name\":\"count_view\","
	   "\"file\":\"/w/15.c\",\"line\":52") ","					/* 6 */
	EV("\"kind\":\"ready\",\"t\":0,\"task\":3") ","				/* 7 */
	EV("\"kind\":\"spawn\",\"t\":0,\"task\":4,\"by\":1,\"name\":\"count_view\","
	   "\"file\":\"/w/15.c\",\"line\":52") ","					/* 8 */
	EV("\"kind\":\"ready\",\"t\":0,\"task\":4") ","				/* 9 */
	EV("\"kind\":\"waker_clone\",\"t\":0,\"task\":1,\"by\":1,\"name\":\"join\"") ","	/* 10 */
	EV("\"kind\":\"poll_end\",\"t\":0,\"task\":1,\"result\":\"pending\",\"name\":\"join\","
	   "\"file\":\"/w/15.c\",\"line\":54") ","					/* 11 */
	EV("\"kind\":\"poll\",\"t\":0,\"task\":2") ","				/* 12 */
	EV("\"kind\":\"lock_acquire\",\"t\":0,\"task\":2,\"obj\":1,\"lock_kind\":\"blocking\","
	   "\"file\":\"/w/15.c\",\"line\":25,\"out_len\":32") ","			/* 13 */
	EV("\"kind\":\"waker_clone\",\"t\":0,\"task\":2,\"by\":2,\"name\":\"sleep\"") ","	/* 14 */
	EV("\"kind\":\"timer_arm\",\"t\":0,\"task\":2,\"obj\":1,\"deadline\":10000000") ","	/* 15 */
	EV("\"kind\":\"poll_end\",\"t\":0,\"task\":2,\"result\":\"pending\",\"name\":\"sleep\","
	   "\"file\":\"/w/15.c\",\"line\":31") ","					/* 16 */
	EV("\"kind\":\"poll\",\"t\":0,\"task\":3") ","				/* 17 */
	EV("\"kind\":\"lock_wait\",\"t\":0,\"task\":3,\"obj\":1,\"lock_kind\":\"blocking\","
	   "\"file\":\"/w/15.c\",\"line\":25,\"out_len\":62") "]}}";		/* 18 */

static axc_report *load(const char *json)
{
	axc_report *r = NULL;
	char err[200];
	ck_assert_msg(axc_report_read(json, strlen(json), &r, err, sizeof err) == 0, "%s", err);
	return r;
}

START_TEST(deadlock_state_at_the_end)
{
	axc_report *r = load(deadlock_json);
	pres_state s;
	ck_assert_int_eq(pres_state_at(r, 18, &s), 0);
	ck_assert_uint_eq(s.step, 18);
	/* bo is being polled and blocked on the lock ana holds. */
	ck_assert_int_eq(s.running, 3);
	const pres_task *ana = pres_task_of(&s, 2), *bo = pres_task_of(&s, 3);
	ck_assert_int_eq(bo->state, PRES_BLOCKED);
	ck_assert_uint_eq(bo->blocked_on, 1);
	ck_assert_uint_eq(s.nlocks, 1);
	ck_assert_int_eq(s.locks[0].holder, 2);
	ck_assert_int_eq(s.locks[0].kind, 1);
	ck_assert_int_eq(s.locks[0].line, 25);
	ck_assert_uint_eq(s.locks[0].nwaiters, 1);
	ck_assert_int_eq(s.locks[0].waiters[0], 3);
	/* ana waits on its sleep at line 31, a waker held by that sleep,
	 * its timer at 10 ms: it could go on, if only the thread were free. */
	ck_assert_int_eq(ana->state, PRES_WAITING);
	ck_assert_str_eq(ana->wait_on, "sleep");
	ck_assert_int_eq(ana->wait_line, 31);
	ck_assert_int_eq(ana->wakers, 1);
	ck_assert_uint_eq(s.ntimers, 1);
	ck_assert_uint_eq(s.timers[0].deadline, 10000000);
	ck_assert_int_eq(s.timers[0].task, 2);
	/* cy never got its turn. */
	ck_assert_uint_eq(s.nready, 1);
	ck_assert_int_eq(s.ready[0], 4);
	ck_assert_int_eq(pres_task_of(&s, 4)->polls, 0);
	ck_assert_uint_eq(s.nwakers, 2);
	ck_assert_str_eq(s.wakers[0].holder, "join");
	ck_assert_str_eq(s.wakers[1].holder, "sleep");
	ck_assert_int_eq(s.line, 25);
	ck_assert_uint_eq(s.out_len, 62);
	ck_assert_str_eq(pres_task_of(&s, 1)->name, "main");
	pres_state_free(&s);
	char buf[256];
	pres_describe(r, 18, buf, sizeof buf);
	ck_assert_msg(strstr(buf, "#3 count_view waits for the blocking lock 1 at 15.c:25: the "
				  "whole thread stops"), "%s", buf);
	axc_report_free(r);
}
END_TEST

/* Back and forth: the state at a step does not depend on the way there. */
START_TEST(back_and_forth_agree)
{
	axc_report *r = load(deadlock_json);
	pres_state a, b;
	ck_assert_int_eq(pres_state_at(r, 16, &a), 0);
	/* After ana suspended: nobody running, bo and cy queued in order,
	 * the lock held with nobody waiting. */
	ck_assert_int_eq(a.running, 0);
	ck_assert_uint_eq(a.nready, 2);
	ck_assert_int_eq(a.ready[0], 3);
	ck_assert_int_eq(a.ready[1], 4);
	ck_assert_int_eq(a.locks[0].holder, 2);
	ck_assert_uint_eq(a.locks[0].nwaiters, 0);
	ck_assert_int_eq(pres_task_of(&a, 3)->state, PRES_READY);
	ck_assert_uint_eq(a.out_len, 32);
	pres_state_free(&a);
	ck_assert_int_eq(pres_state_at(r, 18, &b), 0);
	pres_state_free(&b);
	ck_assert_int_eq(pres_state_at(r, 16, &a), 0);
	ck_assert_uint_eq(a.nready, 2);
	ck_assert_uint_eq(a.locks[0].nwaiters, 0);
	pres_state_free(&a);
	/* Before the lock existed. */
	ck_assert_int_eq(pres_state_at(r, 12, &a), 0);
	ck_assert_uint_eq(a.nlocks, 0);
	ck_assert_int_eq(a.running, 2);
	ck_assert_uint_eq(a.nready, 2);
	pres_state_free(&a);
	axc_report_free(r);
}
END_TEST

START_TEST(jumps)
{
	axc_report *r = load(deadlock_json);
	ck_assert_uint_eq(pres_next_poll(r, 0, 0), 3);
	ck_assert_uint_eq(pres_next_poll(r, 3, 0), 12);
	ck_assert_uint_eq(pres_next_poll(r, 3, 3), 17);
	ck_assert_uint_eq(pres_next_poll(r, 17, 3), (size_t)-1);
	ck_assert_uint_eq(pres_at_time(r, 0), 0);
	size_t *steps, *order, which = 99;
	ck_assert_int_eq(pres_finding_steps(r, &steps, &order), 0);
	/* bo's lock-across-await finding is at its line 25: the lock wait. */
	ck_assert_uint_eq(pres_next_finding(r, steps, order, 0, &which), 18);
	ck_assert_uint_eq(which, 0);
	ck_assert_uint_eq(pres_next_finding(r, steps, order, 18, &which), (size_t)-1);
	free(steps);
	free(order);
	axc_report_free(r);
}
END_TEST

/* Lesson 4's two shapes: sequential awaits leave one fetch's timer at a
 * time; a join arms all three at once.  The clock jumps to each. */
static const char join_json[] =
	"{\"version\":2,\"outcome\":{\"end\":\"exited\",\"status\":0},"
	"\"tasks\":[{\"id\":1,\"name\":\"main\",\"future\":\"main_async\",\"state\":\"done\"}],"
	"\"trace\":{\"on\":true,\"events\":["
	EV("\"kind\":\"spawn\",\"t\":0,\"task\":1") ","
	EV("\"kind\":\"ready\",\"t\":0,\"task\":1") ","
	EV("\"kind\":\"poll\",\"t\":0,\"task\":1") ","
	EV("\"kind\":\"timer_arm\",\"t\":0,\"task\":1,\"obj\":1,\"deadline\":100000000") ","
	EV("\"kind\":\"timer_arm\",\"t\":0,\"task\":1,\"obj\":2,\"deadline\":300000000") ","
	EV("\"kind\":\"timer_arm\",\"t\":0,\"task\":1,\"obj\":3,\"deadline\":200000000") ","
	EV("\"kind\":\"poll_end\",\"t\":0,\"task\":1,\"result\":\"pending\",\"name\":\"join\"") ","
	EV("\"kind\":\"clock\",\"t\":100000000,\"deadline\":100000000") ","
	EV("\"kind\":\"timer_fire\",\"t\":100000000,\"task\":1,\"obj\":1") ","
	EV("\"kind\":\"wake\",\"t\":100000000,\"task\":1,\"source\":\"timer\"") ","
	EV("\"kind\":\"ready\",\"t\":100000000,\"task\":1") "]}}";

START_TEST(timers_by_deadline_and_the_clock)
{
	axc_report *r = load(join_json);
	pres_state s;
	ck_assert_int_eq(pres_state_at(r, 6, &s), 0);
	ck_assert_uint_eq(s.ntimers, 3);
	ck_assert_uint_eq(s.timers[0].deadline, 100000000);
	ck_assert_uint_eq(s.timers[1].deadline, 200000000);
	ck_assert_uint_eq(s.timers[2].deadline, 300000000);
	ck_assert_uint_eq(s.now, 0);
	ck_assert_int_eq(pres_task_of(&s, 1)->state, PRES_WAITING);
	pres_state_free(&s);
	ck_assert_int_eq(pres_state_at(r, 10, &s), 0);
	ck_assert_uint_eq(s.now, 100000000);
	ck_assert_uint_eq(s.ntimers, 2);
	ck_assert_int_eq(pres_task_of(&s, 1)->state, PRES_READY);
	pres_state_free(&s);
	char buf[200];
	pres_describe(r, 7, buf, sizeof buf);
	ck_assert_str_eq(buf, "every task waits: the clock jumps to t = 100.000 ms");
	pres_describe(r, 9, buf, sizeof buf);
	ck_assert_str_eq(buf, "#1 main is woken by its timer");
	ck_assert_uint_eq(pres_at_time(r, 50000000), 7);
	axc_report_free(r);
}
END_TEST

static int has(const md_doc *d, const char *needle)
{
	for (int i = 0; i < d->n; i++)
		if (strstr(d->lines[i].text, needle))
			return i;
	return -1;
}

/* The screen of the deadlock, at 80x24 (21 rows for the body). */
START_TEST(deadlock_screen_fits_and_says_it)
{
	axc_report *r = load(deadlock_json);
	pres_state s;
	ck_assert_int_eq(pres_state_at(r, 18, &s), 0);
	pres_src src = { 0 };
	md_doc d;
	pres_view_opts o = { .cols = 77, .rows = 21, .finding = 0 };
	ck_assert_int_eq(pres_view(r, &s, &o, &src, &d), 0);
	ck_assert_int_le(d.n, 21);
	ck_assert_int_ge(has(&d, "step 19 of 19"), 0);
	/* The sentence wraps rather than being cut. */
	ck_assert_int_eq(has(&d, "> #3 count_view waits for the blocking lock 1 at 15.c:25: the "
				 "whole"), 1);
	ck_assert_int_eq(has(&d, "  stops"), 2);
	ck_assert_int_ge(has(&d, "THREAD BLOCKED: #3 count_view waits for a blocking lock"), 0);
	ck_assert_int_ge(has(&d, "ready queue (front first): #4 count_view"), 0);
	ck_assert_int_ge(has(&d, "#3 count_view      BLOCKED  on lock 1 held by #2 count_view"), 0);
	ck_assert_int_ge(has(&d, "#2 count_view      waiting  on sleep at 15.c:31  wakers 1"), 0);
	ck_assert_int_ge(has(&d, "lock 1 blocking: #2 count_view holds it (15.c:25); waits: "
				 "#3 count_view"), 0);
	ck_assert_int_ge(has(&d, "timers: t=10.000ms wakes #2 count_view"), 0);
	ck_assert_int_ge(has(&d, "output so far (2 lines)"), 0);
	ck_assert_int_ge(has(&d, "[0 ms] bo: locking the counter"), 0);
	ck_assert_int_ge(has(&d, "finding lock-across-await at 15.c:25"), 0);
	for (int i = 0; i < d.n; i++)
		ck_assert_int_le(md_cols(d.lines[i].text, (int)strlen(d.lines[i].text)), 77);
	md_free(&d);
	pres_state_free(&s);
	/* Earlier: nobody blocked, the output had one line. */
	ck_assert_int_eq(pres_state_at(r, 13, &s), 0);
	o.finding = (size_t)-1;
	ck_assert_int_eq(pres_view(r, &s, &o, &src, &d), 0);
	ck_assert_int_lt(has(&d, "BLOCKED"), 0);
	ck_assert_int_ge(has(&d, "output so far (1 line)"), 0);
	ck_assert_int_ge(has(&d, "running: #2 count_view"), 0);
	md_free(&d);
	pres_state_free(&s);
	pres_src_free(&src);
	axc_report_free(r);
}
END_TEST

/* The deadlock with its source on disk: a file indented with tabs (the
 * lessons' style) and the finding to show, on a body of 77x21 (80x24 less
 * the margins and bars).  Tabs are expanded (a tab would push the line
 * past the edge), and the finding is kept however tight the rows are. */
START_TEST(source_with_tabs_and_finding_fit)
{
	char dir[] = "/tmp/axpresXXXXXX";
	ck_assert_ptr_nonnull(mkdtemp(dir));
	char path[64];
	snprintf(path, sizeof path, "%s/15.c", dir);
	FILE *f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	for (int i = 1; i <= 40; i++)
		fprintf(f, "\t\t/* line %d */ printf(\"[%%d ms] %%s: locking the counter\\n\", "
			   "(int)(ax_now() / 1000000), self->who);\n", i);
	fclose(f);
	/* The report, its "/w/15.c" pointing at the file. */
	char *json = malloc(sizeof deadlock_json * 2);
	ck_assert_ptr_nonnull(json);
	json[0] = '\0';
	for (const char *p = deadlock_json, *q; *p; p = q + 7) {
		q = strstr(p, "/w/15.c");
		if (!q) {
			strcat(json, p);
			break;
		}
		strncat(json, p, (size_t)(q - p));
		strcat(json, path);
	}
	axc_report *r = load(json);
	free(json);
	pres_state s;
	ck_assert_int_eq(pres_state_at(r, 18, &s), 0);
	pres_src src = { 0 };
	md_doc d;
	pres_view_opts o = { .cols = 77, .rows = 21, .finding = 0 };
	ck_assert_int_eq(pres_view(r, &s, &o, &src, &d), 0);
	ck_assert_int_le(d.n, 21);
	ck_assert_int_ge(has(&d, "finding lock-across-await at 15.c:25"), 0);
	ck_assert_int_ge(has(&d, ">   25 |         /* line 25 */"), 0);
	for (int i = 0; i < d.n; i++) {
		ck_assert_ptr_null(strchr(d.lines[i].text, '\t'));
		ck_assert_int_le(md_cols(d.lines[i].text, (int)strlen(d.lines[i].text)), 77);
	}
	md_free(&d);
	/* Fewer rows: the tasks and the output give way, the finding stays. */
	o.rows = 16;
	ck_assert_int_eq(pres_view(r, &s, &o, &src, &d), 0);
	ck_assert_int_le(d.n, 16);
	ck_assert_int_ge(has(&d, "finding lock-across-await"), 0);
	ck_assert_int_ge(has(&d, "#3 count_view      BLOCKED"), 0);
	md_free(&d);
	pres_state_free(&s);
	pres_src_free(&src);
	axc_report_free(r);
	unlink(path);
	rmdir(dir);
}
END_TEST

/* A future made in main() before the runtime starts carries the raw
 * monotonic clock; the run's time starts at the runtime's start, so that
 * event is at t = 0 and the clock never shows the raw value. */
START_TEST(events_before_the_runtime_are_at_zero)
{
	static const char json[] =
		"{\"version\":2,\"outcome\":{\"end\":\"exited\",\"status\":0},"
		"\"trace\":{\"on\":true,\"events\":["
		EV("\"kind\":\"future_create\",\"t\":63182424583662,\"future\":1,"
		   "\"name\":\"lesson_main\"") ","
		EV("\"kind\":\"rt_start\",\"t\":0,\"flag\":true") ","
		EV("\"kind\":\"spawn\",\"t\":0,\"task\":1,\"future\":1") ","
		EV("\"kind\":\"ready\",\"t\":0,\"task\":1") ","
		EV("\"kind\":\"clock\",\"t\":5000000,\"deadline\":5000000") "]}}";
	axc_report *r = load(json);
	pres_state s;
	ck_assert_int_eq(pres_state_at(r, 0, &s), 0);
	ck_assert_uint_eq(s.now, 0);
	pres_state_free(&s);
	ck_assert_int_eq(pres_state_at(r, 3, &s), 0);
	ck_assert_uint_eq(s.now, 0);
	pres_state_free(&s);
	ck_assert_int_eq(pres_state_at(r, 4, &s), 0);
	ck_assert_uint_eq(s.now, 5000000);
	pres_state_free(&s);
	ck_assert_uint_eq(pres_at_time(r, 1000000), 4);
	ck_assert_uint_eq(pres_at_time(r, 0), 0);
	axc_report_free(r);
}
END_TEST

/* The harness's records never reach the room. */
START_TEST(output_without_records)
{
	const char *json = "{\"version\":2,\"outcome\":{\"end\":\"exited\"},\"stdout\":"
			   "\"one\\n@@axh:ab12\\tcheck x\\ntwo@@axh:ab12\\ty\\nthree\\n\"}";
	axc_report *r = load(json);
	char *o = pres_output(r, r->out_len);
	ck_assert_str_eq(o, "one\ntwo\nthree\n");
	free(o);
	o = pres_output(r, 4);
	ck_assert_str_eq(o, "one\n");
	free(o);
	axc_report_free(r);
}
END_TEST

/* Lesson 14's starter on the virtual clock: a blocking sleep inside
 * main's poll moves the clock (clock, then the probe's stall) while the
 * heartbeat waits in the queue; later, on the real clock, a stall with no
 * clock event before it. */
static const char stall_json[] =
	"{\"version\":2,\"outcome\":{\"end\":\"exited\",\"status\":0},"
	"\"tasks\":[{\"id\":1,\"name\":\"main\",\"future\":\"lesson_main\",\"state\":\"done\"},"
	"{\"id\":2,\"future\":\"heartbeat\",\"state\":\"done\"}],"
	"\"trace\":{\"on\":true,\"events\":["
	EV("\"kind\":\"rt_start\",\"t\":0,\"flag\":true") ","				/* 0 */
	EV("\"kind\":\"spawn\",\"t\":0,\"task\":1") ","					/* 1 */
	EV("\"kind\":\"ready\",\"t\":0,\"task\":1") ","					/* 2 */
	EV("\"kind\":\"poll\",\"t\":0,\"task\":1") ","					/* 3 */
	EV("\"kind\":\"spawn\",\"t\":0,\"task\":2,\"by\":1") ","			/* 4 */
	EV("\"kind\":\"ready\",\"t\":0,\"task\":2") ","					/* 5 */
	EV("\"kind\":\"clock\",\"t\":20000000,\"deadline\":20000000") ","		/* 6 */
	EV("\"kind\":\"stall\",\"t\":20000000,\"task\":1,\"deadline\":20000000") ","	/* 7 */
	EV("\"kind\":\"poll_end\",\"t\":20000000,\"task\":1,\"result\":\"pending\","
	   "\"name\":\"join_handle\"") ","							/* 8 */
	EV("\"kind\":\"poll\",\"t\":20000000,\"task\":2") ","				/* 9 */
	EV("\"kind\":\"stall\",\"t\":30000000,\"task\":2,\"deadline\":30000000") ","	/* 10 */
	EV("\"kind\":\"poll_end\",\"t\":30000000,\"task\":2,\"result\":\"ready\"") ","	/* 11 */
	EV("\"kind\":\"ready\",\"t\":30000000,\"task\":1") ","				/* 12 */
	EV("\"kind\":\"clock\",\"t\":50000000,\"deadline\":50000000") "]}}";		/* 13 */

START_TEST(a_stall_from_its_start)
{
	axc_report *r = load(stall_json);
	pres_state s;
	char buf[300];
	/* The clock moves inside main's poll: the thread is held from 0. */
	ck_assert_int_eq(pres_state_at(r, 6, &s), 0);
	ck_assert_uint_eq(s.stalled_until, 20000000);
	ck_assert(s.stall_from_known);
	ck_assert_uint_eq(s.stall_from, 0);
	ck_assert_int_eq(s.stall_task, 1);
	ck_assert_int_eq(pres_task_of(&s, 2)->state, PRES_READY);
	ck_assert_uint_eq(pres_task_of(&s, 2)->ready_since, 0);
	pres_src src = { 0 };
	md_doc d;
	pres_view_opts o = { .cols = 77, .rows = 21, .finding = (size_t)-1 };
	ck_assert_int_eq(pres_view(r, &s, &o, &src, &d), 0);
	ck_assert_int_ge(has(&d, "THREAD BLOCKED by #1 main from t = 0.000 ms to 20.000 ms"), 0);
	ck_assert_int_ge(has(&d, "#2 heartbeat       ready    since t = 0.000 ms"), 0);
	md_free(&d);
	pres_state_free(&s);
	pres_describe(r, 6, buf, sizeof buf);
	ck_assert_str_eq(buf, "the clock moves to t = 20.000 ms inside the poll of #1 main: a "
			      "blocking call holds the thread, nothing else can run");
	/* The probe's stall event is the same stall. */
	ck_assert_int_eq(pres_state_at(r, 7, &s), 0);
	ck_assert(s.stall_from_known);
	ck_assert_uint_eq(s.stall_from, 0);
	pres_state_free(&s);
	/* Over once the thread goes on. */
	ck_assert_int_eq(pres_state_at(r, 8, &s), 0);
	ck_assert_uint_eq(s.stalled_until, 0);
	ck_assert(!s.stall_from_known);
	pres_state_free(&s);
	/* A stall with no clock event before it: its end only. */
	ck_assert_int_eq(pres_state_at(r, 10, &s), 0);
	ck_assert_uint_eq(s.stalled_until, 30000000);
	ck_assert(!s.stall_from_known);
	ck_assert_int_eq(pres_view(r, &s, &o, &src, &d), 0);
	ck_assert_int_ge(has(&d, "THREAD BLOCKED by #2 heartbeat until t = 30.000 ms"), 0);
	md_free(&d);
	pres_state_free(&s);
	/* Between polls the clock jumps because every task waits; a task
	 * queued just now shows no "since". */
	ck_assert_int_eq(pres_state_at(r, 13, &s), 0);
	ck_assert_uint_eq(s.stalled_until, 0);
	ck_assert_uint_eq(pres_task_of(&s, 1)->ready_since, 30000000);
	pres_state_free(&s);
	ck_assert_int_eq(pres_state_at(r, 12, &s), 0);
	ck_assert_int_eq(pres_view(r, &s, &o, &src, &d), 0);
	ck_assert_int_lt(has(&d, "since"), 0);
	md_free(&d);
	pres_state_free(&s);
	pres_describe(r, 13, buf, sizeof buf);
	ck_assert_str_eq(buf, "every task waits: the clock jumps to t = 50.000 ms");
	pres_src_free(&src);
	axc_report_free(r);
}
END_TEST

/* A list of timers or wakers longer than the line starts with its count. */
START_TEST(long_lists_are_counted)
{
	axc_report *r = load(join_json);
	pres_state s;
	ck_assert_int_eq(pres_state_at(r, 6, &s), 0);
	pres_src src = { 0 };
	md_doc d;
	pres_view_opts o = { .cols = 77, .rows = 21, .finding = (size_t)-1 };
	ck_assert_int_eq(pres_view(r, &s, &o, &src, &d), 0);
	ck_assert_int_ge(has(&d, "timers (3): t=100.000ms wakes #1 main, t=200.000ms"), 0);
	md_free(&d);
	o.cols = 120;
	ck_assert_int_eq(pres_view(r, &s, &o, &src, &d), 0);
	ck_assert_int_ge(has(&d, "timers: t=100.000ms wakes #1 main, t=200.000ms"), 0);
	md_free(&d);
	pres_state_free(&s);
	pres_src_free(&src);
	axc_report_free(r);
}
END_TEST

static Suite *present_suite(void)
{
	Suite *s = suite_create("present");
	TCase *tc = tcase_create("model");
	tcase_add_test(tc, deadlock_state_at_the_end);
	tcase_add_test(tc, back_and_forth_agree);
	tcase_add_test(tc, jumps);
	tcase_add_test(tc, timers_by_deadline_and_the_clock);
	tcase_add_test(tc, deadlock_screen_fits_and_says_it);
	tcase_add_test(tc, source_with_tabs_and_finding_fit);
	tcase_add_test(tc, events_before_the_runtime_are_at_zero);
	tcase_add_test(tc, output_without_records);
	tcase_add_test(tc, a_stall_from_its_start);
	tcase_add_test(tc, long_lists_are_counted);
	suite_add_tcase(s, tc);
	return s;
}

TEST_MAIN(present_suite)
