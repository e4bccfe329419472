/* sandbox.c - the isolation around a program under check: bubblewrap's
 * command line, the seccomp filter it loads, and whether the machine
 * lets us use either.  See sandbox.h and docs/checker.md ("The sandbox"). */
#include "config.h"

#include "sandbox.h"
#include "safe_text.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <seccomp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define SANDBOX_GID 65534

static const char *bwrap_path(void)
{
	const char *b = getenv("ASYNCLAB_BWRAP");
	return b && *b ? b : "bwrap";
}

/* ---- the command line ------------------------------------------------- */

struct vec {
	char **v;
	size_t n, cap;
	bool oom;
};

static void add(struct vec *v, const char *s)
{
	if (v->oom)
		return;
	if (v->n + 2 > v->cap) {
		size_t cap = v->cap ? v->cap * 2 : 64;
		char **nv = realloc(v->v, cap * sizeof *nv);
		if (!nv) {
			v->oom = true;
			return;
		}
		v->v = nv;
		v->cap = cap;
	}
	char *d = strdup(s);
	if (!d) {
		v->oom = true;
		return;
	}
	v->v[v->n++] = d;
	v->v[v->n] = NULL;
}

/* Folders the sandbox replaces with its own empty ones. */
static const char *const replaced[] = { "/tmp", "/var/tmp", "/run", "/dev/shm" };

static bool under(const char *path, const char *dir)
{
	size_t n = strlen(dir);
	return !strncmp(path, dir, n) && (path[n] == '/' || path[n] == '\0');
}

/* The namespaces and the view of the files: everything read-only, then
 * fresh /proc, /dev, /tmp, /dev/shm, /var/tmp, /run; the writable ones
 * are capped at AXC_SANDBOX_SCRATCH_MB. */
static void common_args(struct vec *v)
{
	char size[32];
	snprintf(size, sizeof size, "%llu", (unsigned long long)AXC_SANDBOX_SCRATCH_MB << 20);
	add(v, bwrap_path());
	add(v, "--unshare-all"); /* user, ipc, pid, net, uts, cgroup */
	add(v, "--unshare-user");
	add(v, "--disable-userns");
	add(v, "--die-with-parent");
	add(v, "--as-pid-1");
	add(v, "--ro-bind");
	add(v, "/");
	add(v, "/");
	add(v, "--proc");
	add(v, "/proc");
	add(v, "--dev");
	add(v, "/dev");
	for (int i = 0; i < 3; i++) {
		static const char *const scratch[] = { "/tmp", "/dev/shm", "/var/tmp" };
		if (i == 2 && access("/var/tmp", F_OK) != 0)
			continue;
		add(v, "--size");
		add(v, size);
		add(v, "--tmpfs");
		add(v, scratch[i]);
	}
	if (access("/run", F_OK) == 0) {
		add(v, "--tmpfs");
		add(v, "/run");
	}
}

/* Whether the program's uid may enter path: ours (uid 0), or when root
 * the uid it drops to, which owns nothing outside. */
static bool reachable(const char *path, unsigned uid)
{
	struct stat last;
	if (stat(path, &last) < 0)
		return false;
	bool dir = S_ISDIR(last.st_mode);
	if (!uid)
		return access(path, dir ? X_OK : R_OK) == 0;
	char buf[4096];
	if (snprintf(buf, sizeof buf, "%s", path) >= (int)sizeof buf)
		return false;
	for (char *sl = buf;; sl++) {
		sl = strchr(sl, '/');
		char keep = 0;
		if (sl) {
			keep = sl[1];
			sl[1] = '\0';
		}
		struct stat sb;
		if (stat(buf, &sb) < 0)
			return false;
		mode_t x = sb.st_uid == uid ? S_IXUSR : sb.st_gid == SANDBOX_GID ? S_IXGRP : S_IXOTH;
		if (!sl && !dir)
			x <<= 2; /* a file: read, not search */
		if (!(sb.st_mode & x))
			return false;
		if (!sl)
			return true;
		sl[1] = keep;
	}
}

char **axc__sandbox_argv(const axc__sandbox_spec *s)
{
	struct vec v = { 0 };
	common_args(&v);
	char cwd[4096];
	const char *wd = s->workdir;
	if (!wd && getcwd(cwd, sizeof cwd))
		wd = cwd;
	/* What the run needs from the replaced folders (a program built in
	 * /tmp, a staging folder), read-only: files and folders. */
	for (size_t i = 0; i <= s->nvisible; i++) {
		const char *p = i < s->nvisible ? s->visible[i] : wd;
		if (!p || p[0] != '/')
			continue;
		bool seen = false;
		for (size_t j = 0; j < i && j < s->nvisible && !seen; j++)
			seen = s->visible[j] && s->visible[j][0] == '/' && under(p, s->visible[j]);
		/* A folder the program's uid cannot enter is not shown (it
		 * could not have used it). */
		if (seen || !reachable(p, s->drop_uid))
			continue;
		for (size_t k = 0; k < sizeof replaced / sizeof *replaced; k++)
			if (under(p, replaced[k]) && strcmp(p, replaced[k])) {
				add(&v, "--ro-bind");
				add(&v, p);
				add(&v, p);
				break;
			}
	}
	char fd[16];
	snprintf(fd, sizeof fd, "%d", AXC_SANDBOX_SECCOMP_FD);
	add(&v, "--seccomp");
	add(&v, fd);
	add(&v, "--");
	add(&v, s->init);
	/* The init changes folder: as root the program's uid may not enter
	 * a private one (it then runs in /, as it could not have used that
	 * folder anyway), which bubblewrap would take as an error. */
	if (wd) {
		add(&v, "-C");
		add(&v, wd);
	}
	add(&v, s->exe);
	for (size_t i = 1; s->argv && s->argv[0] && s->argv[i]; i++)
		add(&v, s->argv[i]);
	if (v.oom) {
		axc__sandbox_argv_free(v.v);
		return NULL;
	}
	return v.v;
}

void axc__sandbox_argv_free(char **argv)
{
	for (size_t i = 0; argv && argv[i]; i++)
		free(argv[i]);
	free(argv);
}

/* ---- the seccomp filter ---------------------------------------------- */

int axc__sandbox_filter_fd(void)
{
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
	if (!ctx)
		return -ENOMEM;
	int rc = 0;
	/* Typing into a terminal, or reading its screen (TIOCLINUX): the
	 * command is 32 bits, the upper half of the register ignored by the
	 * kernel, so only the lower half is compared. */
	static const unsigned long ioctls[] = { TIOCSTI, TIOCLINUX };
	for (size_t i = 0; i < sizeof ioctls / sizeof *ioctls && !rc; i++)
		rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(ioctl), 1,
				      SCMP_A1(SCMP_CMP_MASKED_EQ, 0xffffffffu, ioctls[i]));
	/* The kernel's keyrings are not namespaced; mounts and namespaces are
	 * the sandbox's business; the rest reach into the kernel or other
	 * processes and no exercise needs them. */
	static const char *const denied[] = {
		"keyctl", "add_key", "request_key", "mount", "umount2", "pivot_root",
		"chroot", "unshare", "setns", "open_tree", "move_mount", "fsopen",
		"fsconfig", "fsmount", "fspick", "syslog", "acct", "quotactl",
		"uselib", "perf_event_open", "bpf", "userfaultfd", "kexec_load",
		"kexec_file_load", "init_module", "finit_module", "delete_module",
		"process_vm_writev", "name_to_handle_at", "open_by_handle_at",
	};
	for (size_t i = 0; i < sizeof denied / sizeof *denied && !rc; i++) {
		int nr = seccomp_syscall_resolve_name(denied[i]);
		if (nr != __NR_SCMP_ERROR)
			rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), nr, 0);
	}
	int fd = -1;
	if (!rc) {
		fd = memfd_create("asynclab-seccomp", MFD_CLOEXEC);
		if (fd < 0)
			rc = -errno;
	}
	if (!rc)
		rc = seccomp_export_bpf(ctx, fd);
	if (!rc && lseek(fd, 0, SEEK_SET) < 0)
		rc = -errno;
	seccomp_release(ctx);
	if (rc) {
		if (fd >= 0)
			close(fd);
		return rc < 0 ? rc : -EINVAL;
	}
	return fd;
}

/* ---- whether we can ---------------------------------------------------- */

/* A trial: bubblewrap with our namespaces and mounts runs `true` as the
 * uid programs will run as.  NULL when it worked, else why not. */
static char *trial(unsigned drop_uid)
{
	int pe[2];
	if (pipe2(pe, O_CLOEXEC) < 0)
		return strdup(strerror(errno));
	struct vec v = { 0 };
	common_args(&v);
	add(&v, "true");
	if (v.oom) {
		axc__sandbox_argv_free(v.v);
		close(pe[0]);
		close(pe[1]);
		return strdup("out of memory");
	}
	fflush(NULL);
	pid_t pid = fork();
	if (pid == 0) {
		int nul = open("/dev/null", O_RDWR);
		if (nul < 0 || dup2(nul, 0) < 0 || dup2(nul, 1) < 0 || dup2(pe[1], 2) < 0)
			_exit(126);
		if (drop_uid &&
		    (setgroups(0, NULL) < 0 || setgid(SANDBOX_GID) < 0 || setuid(drop_uid) < 0)) {
			dprintf(2, "cannot take uid %u: %s\n", drop_uid, strerror(errno));
			_exit(126);
		}
		execvp(v.v[0], v.v);
		dprintf(2, "%s: %s%s\n", v.v[0], strerror(errno),
			errno == ENOENT ? " (the Debian package is bubblewrap)" : "");
		_exit(127);
	}
	int fork_err = errno;
	close(pe[1]);
	axc__sandbox_argv_free(v.v);
	if (pid < 0) {
		close(pe[0]);
		return strdup(strerror(fork_err));
	}
	char msg[512];
	size_t len = 0;
	ssize_t n;
	while ((n = read(pe[0], msg + len, sizeof msg - 1 - len)) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		len += (size_t)n;
		if (len == sizeof msg - 1)
			break;
	}
	msg[len] = '\0';
	close(pe[0]);
	int st = 0;
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
		return NULL;
	msg[strcspn(msg, "\n")] = '\0';
	if (!msg[0])
		snprintf(msg, sizeof msg, "%s ended with status %d", bwrap_path(),
			 WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st));
	return strdup(msg);
}

/* 0: not decided, 1: on, 2: off. */
static int state;

void axc__sandbox_forget(void)
{
	__atomic_store_n(&state, 0, __ATOMIC_RELEASE);
}

bool axc__sandbox_on(unsigned drop_uid)
{
	int s = __atomic_load_n(&state, __ATOMIC_ACQUIRE);
	if (s)
		return s == 1;
	const char *env = getenv("ASYNCLAB_SANDBOX");
	char *why = NULL;
	if (env && !strcmp(env, "off"))
		why = strdup("ASYNCLAB_SANDBOX=off");
	else
		why = trial(drop_uid);
	int want = why ? 2 : 1;
	int expected = 0;
	if (__atomic_compare_exchange_n(&state, &expected, want, false, __ATOMIC_ACQ_REL,
					__ATOMIC_ACQUIRE) &&
	    why) {
		fputs("asynclab: note: programs run without the sandbox (", stderr);
		axc_safe_fputs(why, stderr, 0);
		fputs("): only the time, memory, process and output limits apply\n", stderr);
	}
	free(why);
	return __atomic_load_n(&state, __ATOMIC_ACQUIRE) == 1;
}
