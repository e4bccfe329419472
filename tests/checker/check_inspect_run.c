/* check_inspect_run.c - the inspector with real programs: build errors,
 * a program that reports an address the inspector must symbolise to its
 * line, and the sandbox against an endless loop, a fork bomb, a crash,
 * unbounded allocation and an output flood, each ending with a clear
 * verdict while the caller keeps running; then the command line. */
#include "config.h"

#include "inspect_testutil.h"

#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "../testutil.h"

static const char *prog_files[] = { "prog.c" };

static axc_opts opts(void)
{
	axc_opts o;
	axc_opts_init(&o);
	o.files = prog_files;
	o.nfiles = 1;
	o.time_ms = 5000;
	o.no_probe = true; /* these programs write their own events */
	return o;
}

static axc_report *check(const char *code, const axc_opts *o)
{
	write_file("prog.c", code);
	axc_report *rep = NULL;
	ck_assert_int_eq(axc_run(o, &rep), 0);
	ck_assert_ptr_nonnull(rep);
	assert_report_schema(rep);
	return rep;
}

START_TEST(test_clean_run)
{
	axc_opts o = opts();
	axc_report *rep = check("#include <stdio.h>\nint main(void) { puts(\"hi\"); return 0; }\n", &o);
	ck_assert(rep->built);
	const char *cmd = rep->build_command;
	ck_assert_ptr_nonnull(strstr(cmd, " -g "));
	ck_assert_ptr_nonnull(strstr(cmd, "-lasynclab"));
	ck_assert_int_eq(rep->outcome.end, AXC_END_EXITED);
	ck_assert_int_eq(rep->outcome.status, 0);
	ck_assert_str_eq(rep->out, "hi\n");
	ck_assert_int_eq(axc_verdict(rep), 0);
	axc_report_free(rep);
}
END_TEST

START_TEST(test_build_error_keeps_compiler_lines)
{
	axc_opts o = opts();
	axc_report *rep = check("int main(void)\n{\n\treturn nope;\n}\n", &o);
	ck_assert(!rep->built);
	ck_assert_msg(strstr(rep->build_output, "prog.c:3:"), "%s", rep->build_output);
	ck_assert_int_eq(rep->outcome.end, AXC_END_NOT_BUILT);
	ck_assert_int_eq(rep->outcome.status, -1);
	ck_assert_int_eq(axc_verdict(rep), 2);
	axc_report_free(rep);
}
END_TEST

/* A program standing in for the probe: it reports a finding at the line
 * that calls report() (return address - 1) with its caller as the stack. */
static const char symbol_prog[] =
	"#define _GNU_SOURCE\n"
	"#include <dlfcn.h>\n"
	"#include <stdio.h>\n"
	"#include <stdlib.h>\n"
	"#include <unistd.h>\n"
	"static unsigned long off(void *a)\n"
	"{\n"
	"\tDl_info di;\n"
	"\tdladdr(a, &di);\n"
	"\treturn (unsigned long)((char *)a - (char *)di.dli_fbase);\n"
	"}\n"
	"static void __attribute__((noinline)) report(void)\n"
	"{\n"
	"\tchar *ra = (char *)__builtin_return_address(0) - 1;\n"
	"\tchar *ra1 = (char *)__builtin_return_address(1) - 1;\n"
	"\tchar exe[4096];\n"
	"\tssize_t n = readlink(\"/proc/self/exe\", exe, sizeof exe - 1);\n"
	"\texe[n > 0 ? n : 0] = 0;\n"
	"\tdprintf(atoi(getenv(\"ASYNCLAB_PROBE_FD\")),\n"
	"\t\t\"{\\\"ev\\\":\\\"hello\\\",\\\"v\\\":1,\\\"clock\\\":\\\"real\\\",\\\"exe\\\":\\\"%s\\\"}\\n\"\n"
	"\t\t\"{\\\"ev\\\":\\\"finding\\\",\\\"id\\\":\\\"blocking-call\\\",\\\"message\\\":\\\"sleep in a poll\\\",\"\n"
	"\t\t\"\\\"loc\\\":{\\\"mod\\\":\\\"%s\\\",\\\"off\\\":\\\"0x%lx\\\"},\"\n"
	"\t\t\"\\\"stack\\\":[{\\\"mod\\\":\\\"%s\\\",\\\"off\\\":\\\"0x%lx\\\"},{\\\"mod\\\":\\\"%s\\\",\\\"off\\\":\\\"0x%lx\\\"}]}\\n\",\n"
	"\t\texe, exe, off(ra), exe, off(ra), exe, off(ra1));\n"
	"}\n"
	"static void __attribute__((noinline)) worker(void)\n"
	"{\n"
	"\treport();\n"			/* line 28 */
	"}\n"
	"int main(void)\n"
	"{\n"
	"\tworker();\n"			/* line 32 */
	"\treturn 0;\n"
	"}\n";

START_TEST(test_address_symbolised_to_line)
{
	axc_opts o = opts();
	axc_report *rep = check(symbol_prog, &o);
	ck_assert_msg(rep->built, "%s", rep->build_output);
	ck_assert_uint_ge(rep->nfindings, 1);
	const axc_finding *f = &rep->findings[0];
	ck_assert_str_eq(f->file, "prog.c"); /* as given to the compiler */
	ck_assert_int_eq(f->line, 28);
	ck_assert_str_eq(f->function, "worker");
	ck_assert_uint_eq(f->nstack, 2);
	ck_assert_int_eq(f->stack[1].line, 32);
	ck_assert_str_eq(f->stack[1].function, "main");
	ck_assert_str_eq(f->stack[1].file, "prog.c");
	ck_assert_int_eq(axc_verdict(rep), 1);
	char *t = render_text(rep, NULL);
	ck_assert_msg(strstr(t, "prog.c:28:"), "%s", t);
	ck_assert_msg(strstr(t, "warning: sleep in a poll [blocking-call]"), "%s", t);
	ck_assert_msg(strstr(t, "prog.c:32:1: note: called from main"), "%s", t);
	free(t);
	axc_report_free(rep);
}
END_TEST

static uint64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

START_TEST(test_endless_loop_stopped_at_time_limit)
{
	axc_opts o = opts();
	o.time_ms = 700;
	uint64_t t0 = now_ms();
	axc_report *rep = check("int main(void) { for (;;) ; }\n", &o);
	ck_assert_uint_lt(now_ms() - t0, 4000);
	ck_assert_int_eq(rep->outcome.end, AXC_END_LIMIT);
	ck_assert_int_eq(rep->outcome.limit, AXC_LIMIT_TIME);
	/* No task ever ran (not even a probe here): nothing the checker could
	 * judge, and no finding made up. */
	ck_assert(!rep->outcome.tasks_ran);
	ck_assert_uint_eq(rep->nfindings, 0);
	ck_assert_int_eq(axc_verdict(rep), 2);
	axc_report_free(rep);
}
END_TEST

/* Live (not zombie) processes of this test's sandbox user ids. */
static int sandbox_live(void)
{
	if (geteuid() != 0)
		return 0;
	unsigned base = 0x70000000u + (((unsigned)getpid() & 0xffffu) << 8);
	DIR *d = opendir("/proc");
	struct dirent *de;
	int n = 0;
	while ((de = readdir(d))) {
		char path[300], buf[512];
		struct stat sb;
		snprintf(path, sizeof path, "/proc/%s", de->d_name);
		if (de->d_name[0] < '1' || de->d_name[0] > '9' || stat(path, &sb) < 0 ||
		    sb.st_uid < base || sb.st_uid > base + 255)
			continue;
		snprintf(path, sizeof path, "/proc/%s/stat", de->d_name);
		int fd = open(path, O_RDONLY);
		ssize_t k = fd >= 0 ? read(fd, buf, sizeof buf - 1) : -1;
		if (fd >= 0)
			close(fd);
		if (k <= 0)
			continue;
		buf[k] = '\0';
		const char *rp = strrchr(buf, ')');
		if (rp && rp[2] != 'Z' && rp[2] != 'X')
			n++;
	}
	closedir(d);
	return n;
}

START_TEST(test_fork_bomb_contained)
{
	axc_opts o = opts();
	o.time_ms = 1500;
	o.nproc = 16;
	axc_report *rep = check("#include <unistd.h>\nint main(void) { for (;;) fork(); }\n", &o);
	ck_assert_int_eq(rep->outcome.limit, AXC_LIMIT_PROCESSES);
	ck_assert_int_eq(axc_verdict(rep), 2);
	ck_assert_int_eq(sandbox_live(), 0);
	axc_report_free(rep);
	/* The caller is fine and can check the next program. */
	rep = check("int main(void) { return 0; }\n", &o);
	ck_assert_int_eq(axc_verdict(rep), 0);
	axc_report_free(rep);
}
END_TEST

START_TEST(test_children_capped_and_cleaned_up)
{
	axc_opts o = opts();
	o.nproc = 8;
	axc_report *rep = check("#include <stdio.h>\n#include <unistd.h>\n"
			    "int main(void) { int ok = 0;\n"
			    "  for (int i = 0; i < 50; i++) { pid_t p = fork(); if (p == 0) { sleep(60); _exit(0); } ok += p > 0; }\n"
			    "  printf(\"%d\\n\", ok); return 0; }\n", &o);
	int forked = atoi(rep->out);
	ck_assert_int_gt(forked, 0);
	ck_assert_int_lt(forked, 8);
	/* The sleeping children were stopped with the program. */
	ck_assert_int_eq(sandbox_live(), 0);
	axc_report_free(rep);
}
END_TEST

START_TEST(test_segfault_reported_with_signal)
{
	axc_opts o = opts();
	/* A call through a null function pointer: a SIGSEGV that sanitizers
	 * do not turn into a report of their own. */
	axc_report *rep = check("static void (*volatile jump)(void);\n"
			    "int main(void) { jump(); return 0; }\n", &o);
	ck_assert_int_eq(rep->outcome.end, AXC_END_SIGNAL);
	ck_assert_str_eq(rep->outcome.signal_name, "SIGSEGV");
	ck_assert_int_eq(rep->outcome.status, -1);
	const axc_crash *crash = rep->crash;
	ck_assert_ptr_nonnull(crash);
	ck_assert_str_eq(crash->signal_name, "SIGSEGV");
	/* Without the probe there is no stack, and the report says so. */
	ck_assert_uint_eq(crash->nstack, 0);
	ck_assert_ptr_nonnull(crash->note);
	ck_assert_int_eq(axc_verdict(rep), 2);
	char *t = render_text(rep, NULL);
	ck_assert_msg(strstr(t, "crashed with SIGSEGV"), "%s", t);
	free(t);
	axc_report_free(rep);
}
END_TEST

START_TEST(test_memory_limit)
{
	/* (Under sanitizers the limit is on the resident memory.) */
	axc_opts o = opts();
	o.mem_mb = 96;
	axc_report *rep = check("#include <stdlib.h>\n#include <string.h>\n"
			    "int main(void) { for (;;) { char *p = malloc(1 << 20); memset(p, 1, 1 << 20); } }\n",
			    &o);
	ck_assert_int_eq(rep->outcome.limit, AXC_LIMIT_MEMORY);
	ck_assert_int_eq(axc_verdict(rep), 2);
	axc_report_free(rep);
}
END_TEST

START_TEST(test_output_flood_truncated_and_stopped)
{
	axc_opts o = opts();
	o.output_bytes = 4096;
	/* The flood must meet the output limit first however slow the
	 * machine (a loaded one, under a sanitizer or valgrind): the time
	 * limit is far away, and only its outcome tells which one won. */
	o.time_ms = 25000;
	axc_report *rep = check("#include <stdio.h>\nint main(void) { for (;;) puts(\"flood\"); }\n", &o);
	ck_assert_int_eq(rep->outcome.end, AXC_END_LIMIT);
	ck_assert_int_eq(rep->outcome.limit, AXC_LIMIT_OUTPUT);
	ck_assert(rep->output_truncated);
	ck_assert_uint_eq(rep->out_len, 4096);
	ck_assert_ptr_null(rep->crash); /* we stopped it */
	ck_assert_int_eq(axc_verdict(rep), 2);
	axc_report_free(rep);
}
END_TEST

START_TEST(test_long_output_truncated_only)
{
	axc_opts o = opts();
	o.output_bytes = 4096;
	axc_report *rep = check("#include <stdio.h>\n"
			    "int main(void) { for (int i = 0; i < 2000; i++) puts(\"0123456789\"); return 0; }\n",
			    &o);
	ck_assert(rep->output_truncated);
	ck_assert_int_eq(rep->outcome.end, AXC_END_EXITED);
	ck_assert_int_eq(axc_verdict(rep), 0);
	axc_report_free(rep);
}
END_TEST

/* As root the program runs under a uid of its own: a program in a private
 * folder (a 0700 home, Debian's default) must still run. */
START_TEST(test_private_folder_as_root)
{
	if (geteuid() != 0)
		return; /* only root drops to a sandbox uid */
	ck_assert_int_eq(chmod(workdir(), 0700), 0);
	write_file("p.c", "#include <stdio.h>\nint main(void) { puts(\"private\"); return 0; }\n");
	ck_assert_int_eq(system("cc -o prog p.c"), 0);
	axc_opts o;
	axc_opts_init(&o);
	o.program = "./prog";
	o.time_ms = 5000;
	o.no_probe = true;
	axc_report *rep = NULL;
	ck_assert_int_eq(axc_run(&o, &rep), 0);
	ck_assert_msg(rep->outcome.status == 0, "%s", rep->err);
	ck_assert_str_eq(rep->out, "private\n");
	axc_report_free(rep);
}
END_TEST

START_TEST(test_environment_and_arguments)
{
	axc_opts o = opts();
	static const char *args[] = { "two words" };
	static const char *env[] = { "EXTRA=1" };
	o.args = args;
	o.nargs = 1;
	o.env = env;
	o.nenv = 1;
	o.clock = AXC_CLOCK_VIRTUAL;
	o.seed = 7;
	o.seed_set = true;
	o.thresholds[AXC_TH_STALL_MS] = 50;
	o.only = (1u << AXC_BUSY_WAKE) | (1u << AXC_LOST_WAKER);
	axc_report *rep = check("#include <stdio.h>\n#include <stdlib.h>\n"
			    "int main(int argc, char **argv) { printf(\"%d|%s|%s|%s|%s|%s|%s\\n\", argc, argv[1],\n"
			    "  getenv(\"ASYNCLAB_CLOCK\"), getenv(\"ASYNCLAB_SEED\"),\n"
			    "  getenv(\"ASYNCLAB_CHECK_STALL_MS\"), getenv(\"ASYNCLAB_CHECK_ONLY\"), getenv(\"EXTRA\")); return 0; }\n", &o);
	ck_assert_str_eq(rep->out, "2|two words|virtual|7|50|lost-waker,busy-wake|1\n");
	axc_report_free(rep);
}
END_TEST

/* A program that tries to type into the shell that started the lab: it
 * opens the terminal (its controlling one, or by name), turns echo off and
 * pushes a command with TIOCSTI. */
static const char tty_prog[] =
	"#include <fcntl.h>\n#include <stdio.h>\n#include <stdlib.h>\n"
	"#include <signal.h>\n#include <sys/ioctl.h>\n#include <termios.h>\n#include <unistd.h>\n"
	"int main(void) {\n"
	"  signal(SIGTTOU, SIG_IGN);\n"
	"  int fd = open(\"/dev/tty\", O_RDWR);\n"
	"  printf(\"ctty:%d\\n\", fd >= 0);\n"
	"  if (fd < 0) fd = open(getenv(\"TTY_PATH\"), O_RDWR | O_NOCTTY);\n"
	"  if (fd < 0) return 0;\n"
	"  struct termios t; tcgetattr(fd, &t); t.c_lflag &= ~(tcflag_t)ECHO; tcsetattr(fd, TCSANOW, &t);\n"
	"  for (const char *s = \"echo INJECTED\\n\"; *s; s++) ioctl(fd, TIOCSTI, s);\n"
	"  return 0;\n"
	"}\n";

/* In a child of the test, a session whose controlling terminal is a fresh
 * pty, as a shell's: runs tty_prog and exits with bit 0 set when input was
 * pushed into the terminal, bit 1 when echo stayed off, bit 2 when the
 * program had the terminal as its controlling one, 64 on a setup error. */
static int run_on_a_terminal(void)
{
	if (setsid() < 0)
		return 64;
	int m = posix_openpt(O_RDWR | O_NOCTTY);
	if (m < 0 || grantpt(m) < 0 || unlockpt(m) < 0)
		return 64;
	const char *name = ptsname(m);
	int s = name ? open(name, O_RDWR) : -1;
	if (s < 0 || ioctl(s, TIOCSCTTY, 0) < 0)
		return 64;
	/* As root the program runs under another uid: let it open the
	 * device by name anyway, as a program of the same user could. */
	if (geteuid() == 0 && chmod(name, 0666) < 0)
		return 64;
	char env_tty[128];
	snprintf(env_tty, sizeof env_tty, "TTY_PATH=%s", name);
	const char *env[] = { env_tty };
	axc_opts o = opts();
	o.env = env;
	o.nenv = 1;
	write_file("prog.c", tty_prog);
	axc_report *rep = NULL;
	if (axc_run(&o, &rep) != 0 || !rep)
		return 64;
	if (rep->outcome.status != 0)
		return 65;
	int bits = strstr(rep->out, "ctty:1") ? 4 : 0;
	axc_report_free(rep);
	struct termios t;
	if (tcgetattr(s, &t) < 0)
		return 64;
	if (!(t.c_lflag & ECHO))
		bits |= 2;
	/* TIOCSTI queues its bytes at once: anything there is there now. */
	struct pollfd pf = { .fd = s, .events = POLLIN };
	if (poll(&pf, 1, 0) > 0)
		bits |= 1;
	return bits;
}

START_TEST(test_no_typing_into_the_terminal)
{
	fflush(NULL);
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0)
		_exit(run_on_a_terminal());
	int st = 0;
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert(WIFEXITED(st));
	int bits = WEXITSTATUS(st);
	ck_assert_int_lt(bits, 64);
	ck_assert_msg(!(bits & 4), "the program had the lab's terminal as its controlling terminal (%d)", bits);
	ck_assert_msg(!(bits & 1), "the program pushed input into the lab's terminal");
	ck_assert_msg(!(bits & 2), "the terminal was left without echo");
}
END_TEST

/* A run killed with -9 leaves its staging folder: the next one removes
 * it, and leaves a live run's alone. */
START_TEST(test_stale_staging_removed)
{
	fflush(NULL);
	pid_t gone = fork();
	ck_assert_int_ge(gone, 0);
	if (gone == 0)
		_exit(0);
	ck_assert_int_eq(waitpid(gone, NULL, 0), gone);
	char dead[128], live[128], file[160];
	snprintf(dead, sizeof dead, "/tmp/asynclab-stage-%d-Ab12Cd", (int)gone);
	snprintf(live, sizeof live, "/tmp/asynclab-stage-%d-Ab12Cd", (int)getppid());
	ck_assert_int_eq(mkdir(dead, 0755), 0);
	ck_assert_int_eq(mkdir(live, 0755), 0);
	snprintf(file, sizeof file, "%s/prog", dead);
	FILE *f = fopen(file, "w");
	ck_assert_ptr_nonnull(f);
	fputs("left behind", f);
	fclose(f);
	axc__stage_sweep();
	ck_assert_int_ne(access(dead, F_OK), 0);
	ck_assert_int_eq(access(live, F_OK), 0);
	ck_assert_int_eq(rmdir(live), 0);
	/* And a run removes its own. */
	axc_opts o = opts();
	axc_report *rep = check("int main(void) { return 0; }\n", &o);
	axc_report_free(rep);
	DIR *d = opendir("/tmp");
	struct dirent *de;
	char mine[64];
	snprintf(mine, sizeof mine, "asynclab-stage-%d-", (int)getpid());
	while ((de = readdir(d)))
		ck_assert_msg(strncmp(de->d_name, mine, strlen(mine)), "%s left", de->d_name);
	closedir(d);
}
END_TEST

static Suite *inspect_run_suite(void)
{
	Suite *s = suite_create("inspect_run");
	TCase *tc = tcase_create("sandbox");
	tcase_add_checked_fixture(tc, workdir_enter, workdir_leave);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_clean_run);
	tcase_add_test(tc, test_build_error_keeps_compiler_lines);
	tcase_add_test(tc, test_address_symbolised_to_line);
	tcase_add_test(tc, test_endless_loop_stopped_at_time_limit);
	tcase_add_test(tc, test_fork_bomb_contained);
	tcase_add_test(tc, test_children_capped_and_cleaned_up);
	tcase_add_test(tc, test_segfault_reported_with_signal);
	tcase_add_test(tc, test_memory_limit);
	tcase_add_test(tc, test_output_flood_truncated_and_stopped);
	tcase_add_test(tc, test_long_output_truncated_only);
	tcase_add_test(tc, test_environment_and_arguments);
	tcase_add_test(tc, test_private_folder_as_root);
	tcase_add_test(tc, test_no_typing_into_the_terminal);
	tcase_add_test(tc, test_stale_staging_removed);
	suite_add_tcase(s, tc);
	return s;
}

TEST_MAIN(inspect_run_suite)
