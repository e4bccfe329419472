/* sandbox_init.c - asynclab-sandbox-init, the first process inside the
 * sandbox (pid 1 of its PID namespace, started by bubblewrap): it starts
 * the program, watches its peak address space, and when the program ends
 * tells the checker exactly how (exit status or signal, which bubblewrap
 * itself would fold into a number) through a descriptor, then exits,
 * which ends every other process of the namespace with it.
 *
 *   asynclab-sandbox-init [-C FOLDER] PROGRAM [ARG...]
 *
 * FOLDER is where the program runs, when this uid may enter it (else /).
 *
 * Descriptors: 3 the probe's events (passed on), 4 gets errno when the
 * program cannot be started (closed when it was), 5 gets the outcome.
 * ASYNCLAB_SANDBOX_PRELOAD becomes the program's LD_PRELOAD (bubblewrap
 * and this helper run without the probe). */
#include "config.h"

#include "sandbox.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc >= 3 && !strcmp(argv[1], "-C")) {
		if (chdir(argv[2]) < 0 && chdir("/") < 0)
			return 2;
		argv += 2;
		argc -= 2;
	}
	if (argc < 2) {
		fprintf(stderr, "usage: asynclab-sandbox-init [-C FOLDER] PROGRAM [ARG...]\n");
		return 2;
	}
	if (fcntl(AXC_SANDBOX_EXEC_FD, F_SETFD, FD_CLOEXEC) < 0 ||
	    fcntl(AXC_SANDBOX_STATUS_FD, F_SETFD, FD_CLOEXEC) < 0) {
		fprintf(stderr, "asynclab-sandbox-init: descriptors 4 and 5 are not open\n");
		return 2;
	}
	const char *pre = getenv("ASYNCLAB_SANDBOX_PRELOAD");
	if (pre) {
		if (setenv("LD_PRELOAD", pre, 1) < 0)
			return 2;
		unsetenv("ASYNCLAB_SANDBOX_PRELOAD");
	}
	sigset_t chld, old;
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	sigprocmask(SIG_BLOCK, &chld, &old);

	pid_t pid = fork();
	if (pid < 0) {
		int e = errno;
		if (write(AXC_SANDBOX_EXEC_FD, &e, sizeof e) < 0)
			return 126;
		return 127;
	}
	if (pid == 0) {
		sigprocmask(SIG_SETMASK, &old, NULL);
		execv(argv[1], argv + 1);
		int e = errno;
		if (write(AXC_SANDBOX_EXEC_FD, &e, sizeof e) < 0)
			_exit(126);
		_exit(127);
	}
	close(AXC_SANDBOX_EXEC_FD);
	close(3);

	axc_sandbox_status st = { .magic = AXC_SANDBOX_MAGIC };
	for (;;) {
		uint64_t vm = axc__vm_peak_kb(pid);
		if (vm > st.peak_vm_kb)
			st.peak_vm_kb = vm;
		/* Reap whatever ends: the program, or orphans left to us. */
		int status;
		struct rusage ru;
		pid_t w;
		bool done = false;
		while ((w = wait4(-1, &status, WNOHANG, &ru)) > 0)
			if (w == pid) {
				st.status = status;
				st.maxrss_kb = (uint64_t)ru.ru_maxrss;
				done = true;
			}
		if (done)
			break;
		if (w < 0 && errno == ECHILD)
			return 3;
		struct timespec tick = { 0, 10 * 1000 * 1000 };
		sigtimedwait(&chld, NULL, &tick);
	}
	ssize_t n;
	while ((n = write(AXC_SANDBOX_STATUS_FD, &st, sizeof st)) < 0 && errno == EINTR)
		;
	return 0;
}
