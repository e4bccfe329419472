/* check_misuse.c - misuses that compile but are bugs at run time end in a
 * clear abort that names the misuse (not a crash elsewhere or a hang):
 * a JoinHandle awaited twice, AX_AWAIT_BOX of a NULL box or with a
 * destination of the wrong size.  Each runs in a child process whose
 * stderr is read. */
#include "../testutil.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* Run fn in a child; return its stderr (static buffer) and status. */
static const char *in_child(void (*fn)(void), int *status)
{
	static char buf[4096];
	int p[2];
	ck_assert_int_eq(pipe(p), 0);
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		dup2(p[1], 2);
		close(p[0]);
		fn();
		_exit(0);
	}
	close(p[1]);
	size_t n = 0;
	ssize_t r;
	while (n < sizeof buf - 1 && (r = read(p[0], buf + n, sizeof buf - 1 - n)) > 0)
		n += (size_t)r;
	buf[n] = '\0';
	close(p[0]);
	ck_assert_int_eq(waitpid(pid, status, 0), pid);
	return buf;
}

AX_ASYNC(seven, int, )
{
	AX_BEGIN;
	AX_AWAIT(ax_sleep_ms(1));
	AX_RETURN(7);
	AX_END;
}

AX_ASYNC(join_twice, int, ax_task *h; ax_res a; ax_res b;)
{
	AX_BEGIN;
	self->h = AX_SPAWN(AX_CALL(seven));
	AX_AWAIT_TO(self->a, ax_join(self->h));
	AX_AWAIT_TO(self->b, ax_join(self->h));
	AX_RETURN((int)self->b.val);
	AX_END;
}

static void run_join_twice(void)
{
	ax_rt *rt = test_rt(0);
	(void)AX_BLOCK_ON(rt, AX_CALL(join_twice));
	ax_rt_free(rt);
}

START_TEST(test_join_handle_awaited_twice)
{
	int st;
	const char *err = in_child(run_join_twice, &st);
	ck_assert_msg(WIFSIGNALED(st) && WTERMSIG(st) == SIGABRT,
		      "status %d, stderr: %s", st, err);
	ck_assert_msg(strstr(err, "JoinHandle awaited twice"), "stderr: %s", err);
	ck_assert_msg(strstr(err, "check_misuse.c:"), "no line in: %s", err);
}
END_TEST

/* Two joins of one handle at once (both pending). */
AX_ASYNC(join_both, int, ax_task *h; ax_vals v;)
{
	AX_BEGIN;
	self->h = AX_SPAWN(AX_CALL(seven));
	AX_AWAIT_TO(self->v, AX_JOIN(ax_join(self->h), ax_join(self->h)));
	AX_RETURN(self->v.n);
	AX_END;
}

static void run_join_both(void)
{
	ax_rt *rt = test_rt(0);
	(void)AX_BLOCK_ON(rt, AX_CALL(join_both));
	ax_rt_free(rt);
}

START_TEST(test_join_handle_joined_twice_at_once)
{
	int st;
	const char *err = in_child(run_join_both, &st);
	ck_assert_msg(WIFSIGNALED(st) && WTERMSIG(st) == SIGABRT,
		      "status %d, stderr: %s", st, err);
	ck_assert_msg(strstr(err, "JoinHandle awaited twice"), "stderr: %s", err);
}
END_TEST

AX_ASYNC(box_wrong_size, int, ax_future *b; char c;)
{
	AX_BEGIN;
	self->b = AX_BOX(AX_CALL(seven));
	AX_AWAIT_BOX_TO(self->c, self->b);
	AX_RETURN(self->c);
	AX_END;
}

static void run_box_wrong_size(void)
{
	ax_rt *rt = test_rt(0);
	(void)AX_BLOCK_ON(rt, AX_CALL(box_wrong_size));
	ax_rt_free(rt);
}

START_TEST(test_await_box_wrong_size)
{
	int st;
	const char *err = in_child(run_box_wrong_size, &st);
	ck_assert_msg(WIFSIGNALED(st) && WTERMSIG(st) == SIGABRT,
		      "status %d, stderr: %s", st, err);
	ck_assert_msg(strstr(err, "AX_AWAIT_BOX: the boxed future's output is not the size"),
		      "stderr: %s", err);
}
END_TEST

AX_ASYNC(box_ok, int, ax_future *b; int n;)
{
	AX_BEGIN;
	self->b = AX_BOX(AX_CALL(seven));
	AX_AWAIT_BOX_TO(self->n, self->b);
	self->b = AX_BOX(ax_sleep_ms(5));
	AX_AWAIT_BOX(self->b);
	AX_RETURN(self->n);
	AX_END;
}

START_TEST(test_await_box)
{
	ax_rt *rt = test_rt(0);
	ck_assert_int_eq(AX_BLOCK_ON(rt, AX_CALL(box_ok)), 7);
	ck_assert_uint_eq(ax_now(), MS(6));
	TEST_RT_END_FREED(rt);
}
END_TEST

static Suite *misuse_suite(void)
{
	Suite *s = suite_create("misuse");
	TCase *tc = tcase_create("misuse");
	tcase_add_test(tc, test_join_handle_awaited_twice);
	tcase_add_test(tc, test_join_handle_joined_twice_at_once);
	tcase_add_test(tc, test_await_box_wrong_size);
	tcase_add_test(tc, test_await_box);
	suite_add_tcase(s, tc);
	return s;
}

TEST_MAIN(misuse_suite)
