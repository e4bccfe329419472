/* check_sandbox.c - the sandbox around a program under check, attacked as
 * a hostile exercise would: it cannot reach a listener the test starts on
 * the loopback, kill(-1) does not reach the lab, files it writes to /tmp
 * and /dev/shm are gone after the run, the workspace is read-only (the
 * scratch /tmp is not), TIOCSTI and the kernel's keyrings are refused, and
 * a setsid + double-fork daemon does not outlive the run; exit statuses
 * and signals come through, and a program in /tmp still runs.  Where bubblewrap
 * cannot run, the lab falls back to its limits with one note (tested with
 * a bubblewrap that fails as it does without namespaces); the attacks are
 * then skipped, as they would hit the machine.  Where an attack could
 * reach the test's own user, it runs in a child under a uid of its own. */
#include "config.h"

#include "inspect_testutil.h"
#include "sandbox.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../testutil.h"

/* Whether bubblewrap runs here at all (independently of the lab, so that
 * ASYNCLAB_SANDBOX=off shows these attacks succeeding). */
static bool bwrap_works(void)
{
	return system("bwrap --unshare-all --unshare-user --die-with-parent --ro-bind / / true "
		      ">/dev/null 2>&1") == 0;
}

#define SKIP_WITHOUT_BWRAP()                                                              \
	do {                                                                              \
		if (!bwrap_works()) {                                                     \
			fprintf(stderr, "%s: skipped: bubblewrap cannot run here\n", __func__); \
			return;                                                           \
		}                                                                         \
	} while (0)

/* Build src (as us) into an absolute path the program's uid can run. */
static char *build(const char *name, const char *src)
{
	char c[64], cmd[512];
	snprintf(c, sizeof c, "%s.c", name);
	write_file(c, src);
	snprintf(cmd, sizeof cmd, "cc -o %s %s.c", name, name);
	ck_assert_int_eq(system(cmd), 0);
	char *path = NULL;
	ck_assert_int_ge(asprintf(&path, "%s/%s", workdir(), name), 0);
	chmod(path, 0755);
	return path;
}

static axc_report *run(const char *exe, const char *const *args, size_t nargs)
{
	axc_opts o;
	axc_opts_init(&o);
	o.program = exe;
	o.args = args;
	o.nargs = nargs;
	o.time_ms = 20000;
	o.no_probe = true;
	axc_report *rep = NULL;
	ck_assert_int_eq(axc_run(&o, &rep), 0);
	ck_assert_ptr_nonnull(rep);
	return rep;
}

/* As root, fn runs in a child under a uid of its own (an ordinary user's
 * lab: the sandbox is all that protects it); otherwise in a child as us.
 * Returns the child's wait status. */
static int as_a_user(int (*fn)(void))
{
	/* The init may live where that uid cannot read: a copy it can. */
	char init[128];
	snprintf(init, sizeof init, "%s/init", workdir());
	char cmd[512];
	axc__paths p;
	axc__paths_get(&p);
	snprintf(cmd, sizeof cmd, "cp %s %s && chmod 755 %s", p.sandbox_init, init, init);
	ck_assert_int_eq(system(cmd), 0);
	fflush(NULL);
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		setenv("ASYNCLAB_SANDBOX_INIT", init, 1);
		if (geteuid() == 0) {
			uid_t u = (uid_t)(0x6ffe0000u + ((unsigned)getpid() & 0xffffu));
			if (setgroups(0, NULL) < 0 || setgid(65534) < 0 || setuid(u) < 0)
				_exit(64);
		}
		_exit(fn());
	}
	int st = 0;
	while (waitpid(pid, &st, 0) < 0)
		ck_assert_int_eq(errno, EINTR);
	return st;
}

/* ---- the network ------------------------------------------------------- */

static const char connect_prog[] =
	"#include <arpa/inet.h>\n#include <errno.h>\n#include <stdio.h>\n#include <stdlib.h>\n"
	"#include <string.h>\n#include <sys/socket.h>\n#include <unistd.h>\n"
	"int main(int argc, char **argv) {\n"
	"  struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((unsigned short)atoi(argv[1])) };\n"
	"  inet_pton(AF_INET, \"127.0.0.1\", &a.sin_addr);\n"
	"  int s = socket(AF_INET, SOCK_STREAM, 0);\n"
	"  if (s < 0) { printf(\"socket: %s\\n\", strerror(errno)); return 0; }\n"
	"  if (connect(s, (struct sockaddr *)&a, sizeof a) == 0) puts(\"connected\");\n"
	"  else printf(\"connect: %s\\n\", strerror(errno));\n"
	"  return 0;\n"
	"}\n";

START_TEST(test_no_network)
{
	SKIP_WITHOUT_BWRAP();
	int l = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	ck_assert_int_ge(l, 0);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = 0 };
	inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
	ck_assert_int_eq(bind(l, (struct sockaddr *)&a, sizeof a), 0);
	ck_assert_int_eq(listen(l, 4), 0);
	socklen_t al = sizeof a;
	ck_assert_int_eq(getsockname(l, (struct sockaddr *)&a, &al), 0);
	char port[16];
	snprintf(port, sizeof port, "%u", (unsigned)ntohs(a.sin_port));
	char *exe = build("net", connect_prog);
	const char *args[] = { port };
	axc_report *rep = run(exe, args, 1);
	ck_assert_int_eq(rep->outcome.end, AXC_END_EXITED);
	ck_assert_msg(!strstr(rep->out, "connected\n"), "the program reached 127.0.0.1:%s", port);
	ck_assert_msg(strstr(rep->out, "connect: "), "%s", rep->out);
	/* And nothing is waiting on the listener. */
	struct pollfd pf = { .fd = l, .events = POLLIN };
	ck_assert_int_eq(poll(&pf, 1, 0), 0);
	axc_report_free(rep);
	free(exe);
	close(l);
}
END_TEST

/* ---- processes --------------------------------------------------------- */

static char *kill_exe;

static int kill_all_as_user(void)
{
	axc_report *rep = run(kill_exe, NULL, 0);
	int ok = rep->outcome.end == AXC_END_SIGNAL || rep->outcome.end == AXC_END_EXITED;
	axc_report_free(rep);
	return ok ? 0 : 65;
}

START_TEST(test_kill_all_reaches_only_the_program)
{
	SKIP_WITHOUT_BWRAP();
	/* Without the sandbox, as ourselves, this would end our session. */
	const char *off = getenv("ASYNCLAB_SANDBOX");
	if (geteuid() != 0 && off && !strcmp(off, "off"))
		return;
	kill_exe = build("killall", "#include <signal.h>\n#include <stdio.h>\n"
				    "int main(void) { puts(\"bye\"); fflush(stdout);"
				    " kill(-1, SIGKILL); return 0; }\n");
	int st = as_a_user(kill_all_as_user);
	ck_assert_msg(WIFEXITED(st), "the lab was killed by signal %d", WIFSIGNALED(st) ? WTERMSIG(st) : 0);
	ck_assert_int_eq(WEXITSTATUS(st), 0);
	free(kill_exe);
}
END_TEST

static char *daemon_exe, daemon_name[16];

static int daemon_as_user(void)
{
	const char *args[] = { daemon_name };
	axc_report *rep = run(daemon_exe, args, 1);
	int ok = rep->outcome.end == AXC_END_EXITED && strstr(rep->out, "forked");
	axc_report_free(rep);
	return ok ? 0 : 65;
}

/* Processes named name (their comm), live ones. */
static int count_named(const char *name)
{
	int n = 0;
	DIR *d = opendir("/proc");
	struct dirent *e;
	while (d && (e = readdir(d))) {
		char path[300], comm[64] = "", stat[512] = "";
		snprintf(path, sizeof path, "/proc/%s/comm", e->d_name);
		FILE *f = fopen(path, "r");
		if (!f)
			continue;
		if (fgets(comm, sizeof comm, f))
			comm[strcspn(comm, "\n")] = '\0';
		fclose(f);
		snprintf(path, sizeof path, "/proc/%s/stat", e->d_name);
		f = fopen(path, "r");
		if (f) {
			if (!fgets(stat, sizeof stat, f))
				stat[0] = '\0';
			fclose(f);
		}
		const char *rp = strrchr(stat, ')');
		if (!strcmp(comm, name) && rp && rp[2] != 'Z')
			n++;
	}
	if (d)
		closedir(d);
	return n;
}

START_TEST(test_daemon_does_not_survive)
{
	SKIP_WITHOUT_BWRAP();
	snprintf(daemon_name, sizeof daemon_name, "axd%d", (int)getpid() % 100000);
	daemon_exe = build("daemon",
			   "#include <stdio.h>\n#include <sys/prctl.h>\n#include <unistd.h>\n"
			   "int main(int argc, char **argv) {\n"
			   "  (void)argc; puts(\"forked\"); fflush(stdout);\n"
			   "  if (fork() != 0) return 0;\n"
			   "  setsid();\n"
			   "  if (fork() != 0) _exit(0);\n"
			   "  prctl(PR_SET_NAME, argv[1]);\n"
			   "  close(0); close(1); close(2);\n"
			   "  for (int i = 0; i < 600; i++) sleep(1);\n"
			   "  return 0;\n"
			   "}\n");
	int st = as_a_user(daemon_as_user);
	ck_assert(WIFEXITED(st));
	ck_assert_int_eq(WEXITSTATUS(st), 0);
	/* The run is over: whatever is left of it is still there now. */
	int n = count_named(daemon_name);
	if (n) {
		char cmd[64];
		snprintf(cmd, sizeof cmd, "pkill -KILL -x %s", daemon_name);
		(void)!system(cmd);
	}
	ck_assert_msg(n == 0, "%d daemon(s) outlived the run", n);
	free(daemon_exe);
}
END_TEST

/* ---- files ------------------------------------------------------------- */

START_TEST(test_files_stay_inside)
{
	SKIP_WITHOUT_BWRAP();
	/* A workspace anyone may write to, so only the sandbox stops it. */
	ck_assert_int_eq(chmod(workdir(), 0777), 0);
	char tmpname[64], shmname[64];
	snprintf(tmpname, sizeof tmpname, "/tmp/axc-left-%d", (int)getpid());
	snprintf(shmname, sizeof shmname, "/dev/shm/axc-left-%d", (int)getpid());
	char *exe = build("files",
			  "#include <errno.h>\n#include <stdio.h>\n#include <string.h>\n"
			  "static void put(const char *what, const char *path) {\n"
			  "  FILE *f = fopen(path, \"w\");\n"
			  "  if (f && fputs(\"x\", f) >= 0 && fclose(f) == 0) printf(\"%s: written\\n\", what);\n"
			  "  else printf(\"%s: %s\\n\", what, strerror(errno));\n"
			  "}\n"
			  "int main(int argc, char **argv) {\n"
			  "  (void)argc;\n"
			  "  put(\"tmp\", argv[1]);\n"
			  "  put(\"shm\", argv[2]);\n"
			  "  put(\"workspace\", \"written-by-the-program\");\n"
			  "  return 0;\n"
			  "}\n");
	const char *args[] = { tmpname, shmname };
	axc_report *rep = run(exe, args, 2);
	ck_assert_int_eq(rep->outcome.end, AXC_END_EXITED);
	/* Scratch space works inside... */
	ck_assert_msg(strstr(rep->out, "tmp: written\n"), "%s", rep->out);
	/* ... and is gone after; the workspace is read-only. */
	ck_assert_msg(access(tmpname, F_OK) != 0, "%s stayed", tmpname);
	ck_assert_msg(access(shmname, F_OK) != 0, "%s stayed", shmname);
	ck_assert_msg(access("written-by-the-program", F_OK) != 0, "the program wrote into the workspace");
	ck_assert_msg(strstr(rep->out, "workspace: Read-only file system\n"), "%s", rep->out);
	unlink(tmpname);
	unlink(shmname);
	axc_report_free(rep);
	free(exe);
}
END_TEST

/* ---- the kernel -------------------------------------------------------- */

START_TEST(test_terminal_and_keyring_calls_refused)
{
	SKIP_WITHOUT_BWRAP();
	/* A terminal of its own, made its controlling one, so only the
	 * filter stands between it and TIOCSTI. */
	char *exe = build("kern",
			  "#define _GNU_SOURCE\n#include <errno.h>\n#include <fcntl.h>\n#include <stdio.h>\n"
			  "#include <stdlib.h>\n#include <string.h>\n#include <sys/ioctl.h>\n"
			  "#include <sys/syscall.h>\n#include <unistd.h>\n#include <linux/keyctl.h>\n"
			  "int main(void) {\n"
			  "  int m = posix_openpt(O_RDWR | O_NOCTTY);\n"
			  "  if (m < 0 || grantpt(m) || unlockpt(m)) { puts(\"no pty\"); return 1; }\n"
			  "  setsid();\n"
			  "  int s = open(ptsname(m), O_RDWR);\n"
			  "  if (s < 0 || ioctl(s, TIOCSCTTY, 0) < 0) { puts(\"no ctty\"); return 1; }\n"
			  "  char c = 'x';\n"
			  "  if (ioctl(s, TIOCSTI, &c) == 0) puts(\"TIOCSTI: pushed\");\n"
			  "  else printf(\"TIOCSTI: %s\\n\", strerror(errno));\n"
			  "  long k = syscall(SYS_keyctl, KEYCTL_GET_KEYRING_ID, KEY_SPEC_SESSION_KEYRING, 1);\n"
			  "  if (k >= 0) puts(\"keyctl: ok\"); else printf(\"keyctl: %s\\n\", strerror(errno));\n"
			  "  return 0;\n"
			  "}\n");
	axc_report *rep = run(exe, NULL, 0);
	ck_assert_msg(rep->outcome.end == AXC_END_EXITED && rep->outcome.status == 0, "%s%s",
		      rep->out, rep->err);
	ck_assert_msg(strstr(rep->out, "TIOCSTI: Operation not permitted\n"), "%s", rep->out);
	ck_assert_msg(strstr(rep->out, "keyctl: Operation not permitted\n"), "%s", rep->out);
	axc_report_free(rep);
	free(exe);
}
END_TEST

/* The program sees itself in a PID namespace of its own, and the exit
 * status and signal it ends with come through as they are. */
START_TEST(test_status_and_signal_come_through)
{
	SKIP_WITHOUT_BWRAP();
	char *exe = build("ends", "#include <signal.h>\n#include <stdio.h>\n#include <stdlib.h>\n"
				  "#include <unistd.h>\n"
				  "int main(int argc, char **argv) {\n"
				  "  printf(\"pid %d\\n\", (int)getpid()); fflush(stdout);\n"
				  "  if (argc > 1) raise(SIGABRT);\n"
				  "  return 139;\n"
				  "}\n");
	axc_report *rep = run(exe, NULL, 0);
	ck_assert_int_eq(rep->outcome.end, AXC_END_EXITED);
	ck_assert_int_eq(rep->outcome.status, 139);
	ck_assert_str_eq(rep->out, "pid 2\n");
	axc_report_free(rep);
	const char *args[] = { "abort" };
	rep = run(exe, args, 1);
	ck_assert_int_eq(rep->outcome.end, AXC_END_SIGNAL);
	ck_assert_str_eq(rep->outcome.signal_name, "SIGABRT");
	axc_report_free(rep);
	free(exe);
}
END_TEST

/* A program right in /tmp (which the sandbox replaces) still runs: as an
 * ordinary user's, which runs from where it is. */
static char tmp_exe[64];

static int run_from_tmp(void)
{
	axc_report *rep = run(tmp_exe, NULL, 0);
	int ok = rep->outcome.end == AXC_END_EXITED && !strcmp(rep->out, "from tmp\n");
	if (!ok)
		fprintf(stderr, "%s%s", rep->out, rep->err);
	axc_report_free(rep);
	return ok ? 0 : 65;
}

START_TEST(test_program_in_tmp_runs)
{
	SKIP_WITHOUT_BWRAP();
	char *exe = build("fromtmp", "#include <stdio.h>\nint main(void) { puts(\"from tmp\"); return 0; }\n");
	snprintf(tmp_exe, sizeof tmp_exe, "/tmp/axc-prog-%d", (int)getpid());
	char cmd[256];
	snprintf(cmd, sizeof cmd, "cp %s %s && chmod 755 %s", exe, tmp_exe, tmp_exe);
	ck_assert_int_eq(system(cmd), 0);
	int st = as_a_user(run_from_tmp);
	unlink(tmp_exe);
	ck_assert(WIFEXITED(st));
	ck_assert_int_eq(WEXITSTATUS(st), 0);
	free(exe);
}
END_TEST

/* ---- without namespaces ------------------------------------------------- */

static int fallback_child(void)
{
	/* A bubblewrap that fails as it does where namespaces are off. */
	write_file("fake-bwrap", "#!/bin/sh\necho 'bwrap: No permissions to create new namespace' >&2\nexit 1\n");
	chmod("fake-bwrap", 0755);
	char fake[128];
	snprintf(fake, sizeof fake, "%s/fake-bwrap", workdir());
	setenv("ASYNCLAB_BWRAP", fake, 1);
	unsetenv("ASYNCLAB_SANDBOX");
	axc__sandbox_forget();
	int err = open("stderr.txt", O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (err < 0 || dup2(err, 2) < 0)
		return 64;
	char *exe = build("hello", "#include <stdio.h>\nint main(void) { puts(\"hello\"); return 0; }\n");
	for (int i = 0; i < 2; i++) {
		axc_report *rep = run(exe, NULL, 0);
		if (rep->outcome.end != AXC_END_EXITED || strcmp(rep->out, "hello\n"))
			return 65;
		axc_report_free(rep);
	}
	free(exe);
	return 0;
}

START_TEST(test_fallback_says_so_once)
{
	fflush(NULL);
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0)
		_exit(fallback_child());
	int st = 0;
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert(WIFEXITED(st));
	ck_assert_int_eq(WEXITSTATUS(st), 0);
	FILE *f = fopen("stderr.txt", "r");
	ck_assert_ptr_nonnull(f);
	char all[4096];
	size_t n = fread(all, 1, sizeof all - 1, f);
	all[n] = '\0';
	fclose(f);
	const char *note = "asynclab: note: programs run without the sandbox "
			   "(bwrap: No permissions to create new namespace): only the time, "
			   "memory, process and output limits apply\n";
	const char *at = strstr(all, note);
	ck_assert_msg(at, "%s", all);
	ck_assert_msg(!strstr(at + strlen(note), "without the sandbox"), "said more than once: %s", all);
}
END_TEST

static Suite *sandbox_suite(void)
{
	Suite *s = suite_create("sandbox");
	TCase *tc = tcase_create("attacks");
	tcase_add_checked_fixture(tc, workdir_enter, workdir_leave);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_no_network);
	tcase_add_test(tc, test_kill_all_reaches_only_the_program);
	tcase_add_test(tc, test_daemon_does_not_survive);
	tcase_add_test(tc, test_files_stay_inside);
	tcase_add_test(tc, test_terminal_and_keyring_calls_refused);
	tcase_add_test(tc, test_status_and_signal_come_through);
	tcase_add_test(tc, test_program_in_tmp_runs);
	tcase_add_test(tc, test_fallback_says_so_once);
	suite_add_tcase(s, tc);
	return s;
}

TEST_MAIN(sandbox_suite)
