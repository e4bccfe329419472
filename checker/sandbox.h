/* sandbox.h - the isolation around a program under check (sandbox.c): a
 * bubblewrap container (new user, PID, network, mount, IPC and UTS
 * namespaces; a read-only view of the system; a private, size-capped
 * /tmp and /dev/shm) with a seccomp filter, started by inspect_run.c.
 * Where bubblewrap or the namespaces are not available, programs run
 * with the limits alone and the lab says so once. */
#ifndef AXC_SANDBOX_H
#define AXC_SANDBOX_H

#include <fcntl.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Descriptors the sandbox's first process (asynclab-sandbox-init) gets. */
#define AXC_SANDBOX_EXEC_FD 4	/* errno when the program could not start */
#define AXC_SANDBOX_STATUS_FD 5 /* an axc_sandbox_status when it ended */
#define AXC_SANDBOX_SECCOMP_FD 6 /* the filter, for bubblewrap */
#define AXC_SANDBOX_MAGIC 0x61786231u

/* Writable space inside: the private /tmp and /dev/shm, each, and the
 * largest file the program may write (RLIMIT_FSIZE). */
#define AXC_SANDBOX_SCRATCH_MB 64
/* Processes of the sandbox itself (bubblewrap and the init) that count
 * towards the process limit. */
#define AXC_SANDBOX_TASKS 2

/* The peak address space of process pid in KB (0 when unknown), sampled
 * by the inspector outside the sandbox and by the init inside it. */
static inline uint64_t axc__vm_peak_kb(int pid)
{
	char path[64], buf[4096];
	snprintf(path, sizeof path, "/proc/%d/status", pid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	ssize_t n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	const char *v = strstr(buf, "VmPeak:");
	return v ? strtoull(v + 7, NULL, 10) : 0;
}

typedef struct axc_sandbox_status {
	uint32_t magic;
	int32_t status; /* as from waitpid */
	uint64_t maxrss_kb, peak_vm_kb;
} axc_sandbox_status;

/* Whether programs run inside the sandbox: decided once per process (a
 * trial run of bubblewrap as the uid programs will run as, uid when root
 * and ours otherwise); when not, one note on stderr says why.
 * ASYNCLAB_SANDBOX=off turns it off (with the note), ASYNCLAB_BWRAP names
 * the bubblewrap program (default: bwrap on PATH). */
bool axc__sandbox_on(unsigned drop_uid);
/* Forget that decision (for tests: the next run decides again). */
void axc__sandbox_forget(void);

/* A descriptor holding the seccomp filter for bubblewrap's --seccomp
 * (close-on-exec; read from offset 0), or -errno. */
int axc__sandbox_filter_fd(void);

/* What the sandbox needs to know about one run. */
typedef struct axc__sandbox_spec {
	const char *init;     /* asynclab-sandbox-init */
	const char *exe;      /* the program */
	char *const *argv;    /* its arguments, argv[0] first */
	const char *workdir;  /* where it runs (NULL: our working directory) */
	const char *const *visible; /* files and folders it must see even when
				     * under a folder the sandbox replaces */
	size_t nvisible;
	unsigned drop_uid;    /* the uid it runs as when we are root; else 0 */
} axc__sandbox_spec;

/* bubblewrap's command line for spec (NULL-terminated, free with
 * axc__sandbox_argv_free), or NULL when out of memory. */
char **axc__sandbox_argv(const axc__sandbox_spec *spec);
void axc__sandbox_argv_free(char **argv);

#endif
