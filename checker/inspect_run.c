/* inspect_run.c - runs the program in a sandboxed child: its own session
 * (no controlling terminal, so it cannot push input into the shell that
 * started the lab; the terminal's modes are restored after it), limits on
 * wall time, address space, file size, processes and output, no core
 * dumps, the probe preloaded, and stdout, stderr and the probe's event
 * stream read concurrently in one poll loop.  The child execs bubblewrap
 * with the namespaces and seccomp filter of sandbox.c, whose init starts
 * the program and reports how it ended; where bubblewrap cannot run, the
 * child execs the program itself.  When we are root the child also drops
 * to an unused user id, because RLIMIT_NPROC does not apply to root and a
 * fork bomb must still be stopped; that id also lets us kill every
 * process the program made, even ones that left the group. */
#include "config.h"

#include "inspect.h"
#include "sandbox.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

#define PROBE_FD 3
#define TICK_MS 20
/* A program that keeps writing this many times the kept output is
 * flooding: it is stopped. */
#define FLOOD_FACTOR 16
/* After the program ends, how long descendants may keep the pipes open. */
#define DRAIN_MS 300
#define SANDBOX_GID 65534
#define STAGE_DIR "/tmp"
#define STAGE_PREFIX "asynclab-stage-"

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* ---- the child's environment ----------------------------------------- */

struct strv {
	char **v;
	size_t n, cap;
};

static int strv_push(struct strv *s, char *str)
{
	if (!str)
		return -ENOMEM;
	if (s->n + 2 > s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 64;
		char **v = realloc(s->v, cap * sizeof *v);
		if (!v) {
			free(str);
			return -ENOMEM;
		}
		s->v = v;
		s->cap = cap;
	}
	s->v[s->n++] = str;
	s->v[s->n] = NULL;
	return 0;
}

static void strv_free(struct strv *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->v[i]);
	free(s->v);
	memset(s, 0, sizeof *s);
}

static char *fmt(const char *f, ...) __attribute__((format(printf, 1, 2)));
static char *fmt(const char *f, ...)
{
	va_list ap;
	char *s;
	va_start(ap, f);
	int r = vasprintf(&s, f, ap);
	va_end(ap);
	return r < 0 ? NULL : s;
}

/* Whether environ entry e sets a variable already in env. */
static bool already(const struct strv *env, const char *e)
{
	size_t n = strcspn(e, "=");
	for (size_t i = 0; i < env->n; i++)
		if (!strncmp(env->v[i], e, n) && env->v[i][n] == '=')
			return true;
	return false;
}

/* Ours first, then the caller's extra entries, then our environment
 * minus what those set. */
static int make_env(const axc_opts *o, const char *probe, const char *stage,
		    struct strv *env)
{
	int r = strv_push(env, fmt("ASYNCLAB_PROBE_FD=%d", PROBE_FD));
	if (!r && !o->no_probe && access(probe, R_OK) == 0)
		r = strv_push(env, fmt("LD_PRELOAD=%s", probe));
	if (!r && stage) {
		const char *old = getenv("LD_LIBRARY_PATH");
		r = strv_push(env, old && *old ? fmt("LD_LIBRARY_PATH=%s:%s", stage, old)
					       : fmt("LD_LIBRARY_PATH=%s", stage));
	}
	if (!r)
		r = strv_push(env, fmt("ASYNCLAB_CLOCK=%s",
				       o->clock == AXC_CLOCK_VIRTUAL ? "virtual" : "real"));
	if (!r && o->seed_set)
		r = strv_push(env, fmt("ASYNCLAB_SEED=%llu", (unsigned long long)o->seed));
	if (!r && o->trace)
		r = strv_push(env, fmt("ASYNCLAB_TRACE=1"));
	if (!r && o->trace && o->trace_max)
		r = strv_push(env, fmt("ASYNCLAB_TRACE_MAX=%llu", (unsigned long long)o->trace_max));
	for (int i = 0; i < AXC_TH_COUNT && !r; i++)
		if (o->thresholds[i] >= 0)
			r = strv_push(env, fmt("%s=%ld", axc_threshold(i)->env, o->thresholds[i]));
	for (int k = 0; k < 2 && !r; k++) {
		unsigned m = k ? o->allow : o->only;
		char list[512] = "";
		for (int i = 0; i < AXC_ID_COUNT; i++)
			if (m & (1u << i))
				snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s",
					 list[0] ? "," : "", axc_id_name(i));
		if (m)
			r = strv_push(env, fmt("ASYNCLAB_CHECK_%s=%s", k ? "ALLOW" : "ONLY", list));
	}
	/* The probe is preloaded ahead of the sanitizer runtime the program
	 * links; that order is fine for us. */
	if (!r && axc__sanitized() && !getenv("ASAN_OPTIONS"))
		/* ... and a crash should stay a signal, as without sanitizers. */
		r = strv_push(env, strdup("ASAN_OPTIONS=verify_asan_link_order=0:detect_leaks=0:"
					  "handle_segv=0:handle_sigbus=0:handle_sigfpe=0:abort_on_error=1"));
	for (size_t i = 0; i < o->nenv && !r; i++)
		if (!already(env, o->env[i]))
			r = strv_push(env, strdup(o->env[i]));
	for (char **e = environ; *e && !r; e++)
		if (!already(env, *e) && (!o->no_probe || strncmp(*e, "LD_PRELOAD=", 11)))
			r = strv_push(env, strdup(*e));
	return r;
}

/* Inside the sandbox bubblewrap and its first process run without the
 * probe: the init hands LD_PRELOAD on to the program.  Temporary files go
 * to the sandbox's private /tmp. */
static int box_env(struct strv *env)
{
	for (size_t i = 0; i < env->n; i++)
		if (!strncmp(env->v[i], "LD_PRELOAD=", 11)) {
			char *n = fmt("ASYNCLAB_SANDBOX_PRELOAD=%s", env->v[i] + 11);
			if (!n)
				return -ENOMEM;
			free(env->v[i]);
			env->v[i] = n;
		} else if (!strncmp(env->v[i], "TMPDIR=", 7)) {
			char *n = strdup("TMPDIR=/tmp");
			if (!n)
				return -ENOMEM;
			free(env->v[i]);
			env->v[i] = n;
		}
	return 0;
}

/* ---- process accounting through /proc -------------------------------- */

/* Sum the threads of processes in group pgid (pgid > 0) or owned by uid
 * (pgid == 0), zombies too unless live_only; with rss_kb, their resident
 * memory too (sanitizer runtimes reserve far more address space than
 * RLIMIT_AS could allow, so in those builds memory is bounded by this). */
static int count_tasks(pid_t pgid, uid_t uid, bool live_only, uint64_t *rss_kb)
{
	DIR *d = opendir("/proc");
	if (!d)
		return 0;
	int total = 0;
	uint64_t pages = 0;
	struct dirent *de;
	while ((de = readdir(d))) {
		if (de->d_name[0] < '1' || de->d_name[0] > '9')
			continue;
		char path[300], buf[1024];
		snprintf(path, sizeof path, "/proc/%s/stat", de->d_name);
		int fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		if (pgid == 0) {
			char st[300];
			snprintf(st, sizeof st, "/proc/%s", de->d_name);
			struct stat sb;
			if (fstatat(AT_FDCWD, st, &sb, 0) < 0 || sb.st_uid != uid) {
				close(fd);
				continue;
			}
		}
		ssize_t n = read(fd, buf, sizeof buf - 1);
		close(fd);
		if (n <= 0)
			continue;
		buf[n] = '\0';
		const char *rp = strrchr(buf, ')');
		int pgrp = 0;
		long threads = 1;
		unsigned long long rss = 0;
		char state = '?';
		/* After "pid (comm)": state ppid pgrp ... field 20 is num_threads,
		 * field 24 rss (pages). */
		if (!rp || sscanf(rp + 2, "%c %*d %d %*d %*d %*d %*u %*u %*u %*u %*u %*u %*u %*d %*d %*d %*d %ld %*d %*u %*u %llu",
				  &state, &pgrp, &threads, &rss) != 4)
			continue;
		if (live_only && (state == 'Z' || state == 'X'))
			continue;
		if (pgid == 0 || pgrp == pgid) {
			total += (int)threads;
			pages += rss;
		}
	}
	closedir(d);
	if (rss_kb)
		*rss_kb = pages * (uint64_t)sysconf(_SC_PAGESIZE) / 1024;
	return total;
}

/* As root: kill every process of the sandbox uid, from a helper that
 * takes that uid, so kill(-1) reaches exactly those processes.  (kill(-1)
 * reports success whenever any process exists, so /proc says when the
 * sweep is done; zombies waiting for init do not count.) */
static void sweep_uid(uid_t uid)
{
	/* The helper only makes async-signal-safe calls, as the caller may
	 * have threads; the counting happens here. */
	for (int i = 0; i < 250 && count_tasks(0, uid, true, NULL) > 0; i++) {
		pid_t h = fork();
		if (h == 0) {
			if (setgroups(0, NULL) < 0 || setgid(SANDBOX_GID) < 0 || setuid(uid) < 0)
				_exit(1);
			kill(-1, SIGKILL);
			_exit(0);
		}
		if (h < 0)
			return;
		while (waitpid(h, NULL, 0) < 0 && errno == EINTR)
			;
		usleep(2000);
	}
}

/* ---- the child ------------------------------------------------------- */

struct child_setup {
	const axc_opts *o;
	const char *exe;
	char **argv, **envp;
	int in, out, err, ev; /* descriptors at >= 10 */
	int xfd;	      /* gets errno when the exec fails; close-on-exec */
	bool drop;
	uid_t uid;
	rlim_t nproc;
	pid_t parent;
	char **box_argv; /* bubblewrap's command line, or NULL: no sandbox */
	int status, filter; /* for the sandbox: descriptors at >= 10 */
};

#define EXEC_FD (PROBE_FD + 1)

/* Before the exec: tell the parent why we could not run the program. */
static void die(const char *what)
{
	int e = errno;
	dprintf(2, "asynclab check: %s: %s\n", what, strerror(e));
	if (write(EXEC_FD, &e, sizeof e) < 0)
		_exit(126);
	_exit(127);
}

static void child_main(const struct child_setup *c)
{
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	for (int s = 1; s < NSIG; s++)
		if (s != SIGKILL && s != SIGSTOP)
			signal(s, SIG_DFL);
	if (dup2(c->in, 0) < 0 || dup2(c->out, 1) < 0 || dup2(c->err, 2) < 0 ||
	    dup2(c->ev, PROBE_FD) < 0 || dup2(c->xfd, EXEC_FD) < 0)
		_exit(127);
	if (c->box_argv) {
		/* The sandbox's init closes EXEC_FD when the program started. */
		if (dup2(c->status, AXC_SANDBOX_STATUS_FD) < 0 ||
		    dup2(c->filter, AXC_SANDBOX_SECCOMP_FD) < 0)
			_exit(127);
		close_range(AXC_SANDBOX_SECCOMP_FD + 1, ~0u, 0);
	} else {
		if (fcntl(EXEC_FD, F_SETFD, FD_CLOEXEC) < 0)
			_exit(127);
		close_range(EXEC_FD + 1, ~0u, 0);
	}
	/* A session of its own, without a controlling terminal: /dev/tty
	 * fails, and TIOCSTI into a terminal that is not its own is refused.
	 * Its pid still names its process group. */
	if (setsid() < 0)
		die("new session");
	if (c->o->workdir && chdir(c->o->workdir) < 0)
		die(c->o->workdir);

	struct rlimit core = { 0, 0 };
	setrlimit(RLIMIT_CORE, &core);
	/* No file larger than the sandbox's scratch space. */
	rlim_t fs = (rlim_t)AXC_SANDBOX_SCRATCH_MB << 20;
	struct rlimit fsize = { fs, fs };
	if (setrlimit(RLIMIT_FSIZE, &fsize) < 0)
		die("file size limit");
	/* Sanitizer runtimes reserve terabytes of address space. */
	rlim_t as = (rlim_t)c->o->mem_mb << 20;
	struct rlimit mem = { as, as };
	if (c->o->mem_mb && !axc__sanitized() && setrlimit(RLIMIT_AS, &mem) < 0)
		die("memory limit");
	struct rlimit np = { c->nproc, c->nproc };
	if (c->o->nproc > 0 && setrlimit(RLIMIT_NPROC, &np) < 0)
		die("process limit");
	if (c->drop) {
		if (setgroups(0, NULL) < 0 || setgid(SANDBOX_GID) < 0 || setuid(c->uid) < 0)
			die("dropping privileges");
	}
	/* If the lab dies, so does the program. */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != c->parent)
		_exit(127);
	if (c->box_argv) {
		execvpe(c->box_argv[0], c->box_argv, c->envp);
		die(c->box_argv[0]);
	}
	execve(c->exe, c->argv, c->envp);
	die(c->exe);
}

/* ---- the lab's terminal ---------------------------------------------- */

/* The program has no controlling terminal, but as the same user it may
 * still open the terminal's device by name and change its modes (echo
 * off, raw): the lab puts them back after every run. */
struct tty_save {
	int fd;
	struct termios tio;
};

static void tty_save(struct tty_save *t)
{
	t->fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (t->fd >= 0 && tcgetattr(t->fd, &t->tio) < 0) {
		close(t->fd);
		t->fd = -1;
	}
}

static void tty_restore(struct tty_save *t)
{
	if (t->fd < 0)
		return;
	struct termios now;
	/* Only from the foreground (a background tcsetattr stops us with
	 * SIGTTOU), and only when something changed. */
	if (tcgetpgrp(t->fd) == getpgrp() && tcgetattr(t->fd, &now) == 0 &&
	    (now.c_iflag != t->tio.c_iflag || now.c_oflag != t->tio.c_oflag ||
	     now.c_cflag != t->tio.c_cflag || now.c_lflag != t->tio.c_lflag ||
	     memcmp(now.c_cc, t->tio.c_cc, sizeof now.c_cc)))
		tcsetattr(t->fd, TCSANOW, &t->tio);
	close(t->fd);
	t->fd = -1;
}

/* ---- the parent's poll loop ------------------------------------------ */

struct sink {
	char *buf;
	size_t len, cap, total;
};

static void sink_add(struct sink *s, const char *d, size_t n, size_t keep)
{
	s->total += n;
	if (s->len >= keep)
		return;
	if (n > keep - s->len)
		n = keep - s->len;
	if (s->len + n + 1 > s->cap) {
		size_t cap = s->cap ? s->cap : 4096;
		while (cap < s->len + n + 1)
			cap *= 2;
		char *b = realloc(s->buf, cap);
		if (!b)
			return;
		s->buf = b;
		s->cap = cap;
	}
	memcpy(s->buf + s->len, d, n);
	s->len += n;
	s->buf[s->len] = '\0';
}

static int dup_high(int fd)
{
	int h = fcntl(fd, F_DUPFD_CLOEXEC, 10);
	close(fd);
	return h;
}

/* Copy from to to with mode 0755.  0 or -errno. */
static int copy_file(const char *from, const char *to)
{
	int in = open(from, O_RDONLY | O_CLOEXEC);
	if (in < 0)
		return -errno;
	int out = open(to, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0755);
	if (out < 0) {
		int e = -errno;
		close(in);
		return e;
	}
	char buf[65536];
	ssize_t n;
	int rc = 0;
	while ((n = read(in, buf, sizeof buf)) > 0)
		if (write(out, buf, (size_t)n) != n) {
			rc = -EIO;
			break;
		}
	if (n < 0)
		rc = -errno;
	close(in);
	if (close(out) < 0 && !rc)
		rc = -errno;
	return rc;
}

/* As root the program runs under a uid of its own, which may not be able
 * to reach the build tree, the library's folder or the program itself (a
 * home folder of mode 0700, Debian's default, is enough to stop it).  It
 * gets copies in a folder anyone can read instead; the folder lives until
 * the result is freed, because symbolisation reads the modules the probe
 * names. */
static int stage_files(const axc_opts *o, const axc__paths *p, const char *exe,
		       axc__result *r, char **exe_out, char **probe_out, char **init_out)
{
	/* Named after us, so a later run can tell ours from a live one's
	 * when we are killed before removing it. */
	char *dir = fmt("%s/%s%ld-XXXXXX", STAGE_DIR, STAGE_PREFIX, (long)getpid());
	if (!dir)
		return -ENOMEM;
	if (!mkdtemp(dir) || chmod(dir, 0755) < 0) {
		int e = -errno;
		free(dir);
		return e;
	}
	r->stage = dir;
	const char *base = strrchr(exe, '/');
	*exe_out = fmt("%s/%s", dir, base ? base + 1 : exe);
	*probe_out = fmt("%s/libasynclab-probe.so", dir);
	char *lib = fmt("%s/libasynclab.so.0", p->libdir);
	char *lib_to = fmt("%s/libasynclab.so.0", dir);
	if (!*exe_out || !*probe_out || !lib || !lib_to) {
		free(lib);
		free(lib_to);
		return -ENOMEM;
	}
	int rc = copy_file(exe, *exe_out);
	/* A prebuilt program may find the library elsewhere (installed). */
	if (!rc && access(lib, R_OK) == 0)
		rc = copy_file(lib, lib_to);
	if (!rc && !o->no_probe && access(p->probe, R_OK) == 0)
		rc = copy_file(p->probe, *probe_out);
	if (!rc && init_out) {
		*init_out = fmt("%s/asynclab-sandbox-init", dir);
		rc = *init_out ? copy_file(p->sandbox_init, *init_out) : -ENOMEM;
	}
	free(lib);
	free(lib_to);
	return rc;
}

static void stage_remove(const char *dir)
{
	DIR *d = opendir(dir);
	if (d) {
		struct dirent *e;
		while ((e = readdir(d)) != NULL)
			if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
				unlinkat(dirfd(d), e->d_name, 0);
		closedir(d);
	}
	rmdir(dir);
}

/* Staging folders of runs killed before they could remove theirs (kill
 * -9, a crash): those whose lab is gone, and those of the older unnumbered
 * form a day old. */
void axc__stage_sweep(void)
{
	DIR *d = opendir(STAGE_DIR);
	if (!d)
		return;
	size_t pl = strlen(STAGE_PREFIX);
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		if (strncmp(e->d_name, STAGE_PREFIX, pl))
			continue;
		const char *rest = e->d_name + pl;
		char *end;
		long pid = strtol(rest, &end, 10);
		bool stale;
		struct stat sb;
		if (end != rest && *end == '-' && pid > 0)
			stale = kill((pid_t)pid, 0) < 0 && errno == ESRCH;
		else
			stale = strlen(rest) == 6 &&
				fstatat(dirfd(d), e->d_name, &sb, AT_SYMLINK_NOFOLLOW) == 0 &&
				S_ISDIR(sb.st_mode) && sb.st_mtime < time(NULL) - 86400;
		/* Only our own (root's staging is root's). */
		if (stale && fstatat(dirfd(d), e->d_name, &sb, AT_SYMLINK_NOFOLLOW) == 0 &&
		    S_ISDIR(sb.st_mode) && sb.st_uid == geteuid()) {
			char *path = fmt("%s/%s", STAGE_DIR, e->d_name);
			if (path)
				stage_remove(path);
			free(path);
		}
	}
	closedir(d);
}

/* bubblewrap's command line for exe (run by init, with probe), with what
 * the run needs visible inside even when it is in /tmp (which the sandbox
 * replaces): the staging folder, the program, the library and the probe. */
static char **box_command(const axc_opts *o, const axc__paths *p, const char *stage,
			  const char *exe, const char *probe, const char *init,
			  char **argv, unsigned drop_uid)
{
	char abs_exe[4096];
	const char *the_exe = exe;
	if (the_exe[0] != '/' && realpath(the_exe, abs_exe))
		the_exe = abs_exe;
	const char *visible[] = { stage ? stage : p->libdir, the_exe, p->libdir, probe, init };
	axc__sandbox_spec spec = {
		.init = init,
		.exe = exe,
		.argv = argv,
		.workdir = o->workdir,
		.visible = visible,
		.nvisible = 5,
		.drop_uid = drop_uid,
	};
	return axc__sandbox_argv(&spec);
}

/* What the inspector keeps while it watches the program run. */
struct watch {
	const axc_opts *o;
	axc__result *r;
	pid_t pid;	/* the child: its process group holds the whole run */
	uint64_t t0;	/* when it was started */
	bool boxed;	/* in the sandbox (its init samples the address space) */
	bool drop;	/* as root, under the spare uid */
	uid_t uid;
	rlim_t extra;	/* tasks of the sandbox itself, not counted */
	struct sink so, se; /* its stdout and stderr */
};

/* Watch the program until it has exited and its pipes are drained: its
 * output and events read as they come; the time, output and (in sanitizer
 * builds) memory limits applied; its address space and tasks sampled.
 * fds are its stdout, stderr and event pipes, closed here.  Returns its
 * wait status (0 when it was not reaped). */
static int watch_child(struct watch *w, int fds[3])
{
	const axc_opts *o = w->o;
	axc__result *r = w->r;
	pid_t pid = w->pid;
	for (int i = 0; i < 3; i++)
		fcntl(fds[i], F_SETFL, O_NONBLOCK);
	uint64_t deadline = o->time_ms ? w->t0 + o->time_ms * 1000000u : UINT64_MAX;
	uint64_t drain_until = 0, last_count = 0;
	size_t keep = o->output_bytes;
	bool exited = false, killed = false;
	int status = 0;

	while (fds[0] >= 0 || fds[1] >= 0 || fds[2] >= 0 || !exited) {
		uint64_t now = now_ns();
		if (!exited) {
			siginfo_t si = { 0 };
			if (waitid(P_PID, (id_t)pid, &si, WEXITED | WNOHANG | WNOWAIT) == 0 &&
			    si.si_pid == pid) {
				/* Stop what it left behind while its pid still
				 * names the group, then reap it. */
				killpg(pid, SIGKILL);
				struct rusage ru;
				while (wait4(pid, &status, 0, &ru) < 0 && errno == EINTR)
					;
				/* Touched memory, for a program that died between
				 * two samples of its address space. */
				if ((uint64_t)ru.ru_maxrss > r->peak_vm_kb)
					r->peak_vm_kb = (uint64_t)ru.ru_maxrss;
				exited = true;
				drain_until = now + DRAIN_MS * 1000000u;
			} else {
				/* (Inside the sandbox, its init watches this.) */
				uint64_t vm = w->boxed ? 0 : axc__vm_peak_kb(pid);
				if (vm > r->peak_vm_kb)
					r->peak_vm_kb = vm;
				if (now - last_count >= 100000000u) {
					uint64_t rss = 0;
					int n = w->drop ? count_tasks(0, w->uid, false, &rss)
							: count_tasks(pid, 0, false, &rss);
					n = n > (int)w->extra ? n - (int)w->extra : 0;
					if (n > r->peak_tasks)
						r->peak_tasks = n;
					last_count = now;
					/* No RLIMIT_AS under sanitizers: watch the
					 * group's resident memory instead. */
					bool by_rss = o->mem_mb && axc__sanitized();
					if (by_rss && rss > r->peak_vm_kb)
						r->peak_vm_kb = rss;
					if (by_rss && rss > o->mem_mb * 1024 && !killed) {
						r->limit = "memory";
						r->killed = true;
						killpg(pid, SIGKILL);
						killed = true;
					}
				}
				if (now >= deadline && !killed) {
					r->timed_out = true;
					r->limit = "time";
					r->killed = true;
					killpg(pid, SIGKILL);
					killed = true;
				}
			}
		} else if (now >= drain_until) {
			break;
		}
		struct pollfd pf[3];
		for (int i = 0; i < 3; i++)
			pf[i] = (struct pollfd){ .fd = fds[i], .events = POLLIN };
		if (poll(pf, 3, TICK_MS) < 0 && errno != EINTR)
			break;
		for (int i = 0; i < 3; i++) {
			if (fds[i] < 0 || !pf[i].revents)
				continue;
			char chunk[16384];
			ssize_t n = read(fds[i], chunk, sizeof chunk);
			if (n < 0 && (errno == EAGAIN || errno == EINTR))
				continue;
			if (n <= 0) {
				close(fds[i]);
				fds[i] = -1;
				continue;
			}
			if (i == 2)
				axc__ev_feed(&r->ev, chunk, (size_t)n);
			else
				sink_add(i == 0 ? &w->so : &w->se, chunk, (size_t)n, keep);
		}
		if (!killed && w->so.total + w->se.total > (uint64_t)FLOOD_FACTOR * keep + keep) {
			r->limit = "output";
			r->killed = true;
			killpg(pid, SIGKILL);
			killed = true;
		}
	}
	for (int i = 0; i < 3; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	return status;
}

/* The run's result from its wait status and what was seen while it ran:
 * exit status or signal, its output, and the limit that stopped it when
 * the kernel enforced one (which leaves no mark of its own). */
static void settle_result(struct watch *w, int status)
{
	const axc_opts *o = w->o;
	axc__result *r = w->r;
	r->wall_ns = now_ns() - w->t0;
	r->status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
	r->sig = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
	r->out = w->so.buf ? w->so.buf : strdup("");
	r->err = w->se.buf ? w->se.buf : strdup("");
	r->out_len = w->so.len;
	r->err_len = w->se.len;
	r->truncated = w->so.total > w->so.len || w->se.total > w->se.len;
	bool abnormal = r->sig != 0 || r->status != 0;
	/* The limits the kernel enforces leave no mark of their own; infer
	 * them from what we saw while the program ran. */
	if (!r->limit || r->timed_out) {
		if (o->nproc > 0 && r->peak_tasks >= o->nproc && (abnormal || r->timed_out))
			r->limit = "processes";
		else if (!r->timed_out && abnormal && o->mem_mb && !axc__sanitized() &&
			 r->peak_vm_kb >= o->mem_mb * 1024 * 3 / 4)
			r->limit = "memory";
	}
}

int axc__run_child(const axc_opts *o, const axc__paths *p, const char *exe, axc__result *r)
{
	static int swept;
	if (!__atomic_exchange_n(&swept, 1, __ATOMIC_RELAXED))
		axc__stage_sweep();
	memset(r, 0, sizeof *r);
	axc__ev_init(&r->ev);
	r->probe_missing = !o->no_probe && access(p->probe, R_OK) != 0;
	struct strv env = { 0 }, argv = { 0 };
	char *staged_exe = NULL, *staged_probe = NULL, *staged_init = NULL;
	char **box_argv = NULL;
	int rc = 0, filter = -1;
	bool drop = geteuid() == 0;
	/* As root, an id no one else uses, so the process count starts at
	 * zero: new for each run, as zombies of the last may still count. */
	static unsigned runs;
	uid_t uid = drop ? (uid_t)(0x70000000u + (((unsigned)getpid() & 0xffffu) << 8) +
				   (__atomic_fetch_add(&runs, 1, __ATOMIC_RELAXED) & 0xffu))
			 : getuid();
	bool boxed = axc__sandbox_on(drop ? (unsigned)uid : 0);
	if (drop)
		rc = stage_files(o, p, exe, r, &staged_exe, &staged_probe,
				 boxed ? &staged_init : NULL);
	rc = rc ? rc : make_env(o, staged_probe ? staged_probe : p->probe, r->stage, &env);
	rc = rc ? rc : boxed ? box_env(&env) : 0;
	rc = rc ? rc : strv_push(&argv, strdup(exe));
	for (size_t i = 0; i < o->nargs && !rc; i++)
		rc = strv_push(&argv, strdup(o->args[i]));
	if (!rc && boxed) {
		filter = axc__sandbox_filter_fd();
		if (filter < 0)
			rc = filter;
	}
	if (!rc && boxed) {
		box_argv = box_command(o, p, r->stage, staged_exe ? staged_exe : exe,
				       staged_probe ? staged_probe : p->probe,
				       staged_init ? staged_init : p->sandbox_init, argv.v,
				       drop ? (unsigned)uid : 0);
		if (!box_argv)
			rc = -ENOMEM;
	}
	if (rc) {
		strv_free(&env);
		strv_free(&argv);
		free(staged_exe);
		free(staged_probe);
		free(staged_init);
		if (filter >= 0)
			close(filter);
		return rc;
	}

	int po[2] = { -1, -1 }, pe[2] = { -1, -1 }, pv[2] = { -1, -1 }, px[2] = { -1, -1 };
	int ps[2] = { -1, -1 };
	int in = open(o->stdin_path ? o->stdin_path : "/dev/null", O_RDONLY | O_CLOEXEC);
	if (in < 0 || pipe2(po, O_CLOEXEC) < 0 || pipe2(pe, O_CLOEXEC) < 0 ||
	    pipe2(pv, O_CLOEXEC) < 0 || pipe2(px, O_CLOEXEC) < 0 || pipe2(ps, O_CLOEXEC) < 0) {
		rc = -errno;
		goto out;
	}
	struct child_setup c = {
		.o = o, .exe = staged_exe ? staged_exe : exe, .argv = argv.v, .envp = env.v,
		.parent = getpid(),
		.in = dup_high(in), .out = dup_high(po[1]), .err = dup_high(pe[1]),
		.ev = dup_high(pv[1]), .xfd = dup_high(px[1]), .status = dup_high(ps[1]),
		.filter = filter >= 0 ? dup_high(filter) : -1, .box_argv = box_argv,
		.drop = drop, .uid = uid,
	};
	in = po[1] = pe[1] = pv[1] = px[1] = ps[1] = filter = -1;
	/* bubblewrap and the sandbox's init count too. */
	rlim_t extra = boxed ? AXC_SANDBOX_TASKS : 0;
	if (c.drop)
		c.nproc = (rlim_t)o->nproc + extra;
	else
		c.nproc = (rlim_t)(count_tasks(0, c.uid, false, NULL) + o->nproc) + extra;

	struct tty_save tty;
	tty_save(&tty);
	uint64_t t0 = now_ns();
	pid_t pid = fork();
	if (pid == 0)
		child_main(&c);
	int fork_err = errno;
	close(c.in);
	close(c.out);
	close(c.err);
	close(c.ev);
	close(c.xfd);
	close(c.status);
	if (c.filter >= 0)
		close(c.filter);
	if (pid < 0) {
		tty_restore(&tty);
		rc = -fork_err;
		goto out;
	}
	/* (No setpgid here: the child's setsid would then fail.) */
	/* EOF: the exec happened.  An errno: it did not, and nothing ran. */
	int exec_err = 0;
	ssize_t xn;
	while ((xn = read(px[0], &exec_err, sizeof exec_err)) < 0 && errno == EINTR)
		;
	if (xn == (ssize_t)sizeof exec_err) {
		while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
			;
		tty_restore(&tty);
		rc = -(exec_err ? exec_err : ENOEXEC);
		goto out;
	}

	struct watch w = { .o = o, .r = r, .pid = pid, .t0 = t0, .boxed = boxed,
			   .drop = c.drop, .uid = c.uid, .extra = extra };
	int fds[3] = { po[0], pe[0], pv[0] };
	int status = watch_child(&w, fds);
	po[0] = pe[0] = pv[0] = -1;
	/* Whatever is left of the program, wherever it went. */
	killpg(pid, SIGKILL);
	if (c.drop)
		sweep_uid(c.uid);
	tty_restore(&tty);
	axc__ev_finish(&r->ev);
	if (boxed) {
		/* How the program itself ended, from the sandbox's init (none
		 * when we stopped it, or bubblewrap could not start). */
		axc_sandbox_status st;
		fcntl(ps[0], F_SETFL, O_NONBLOCK);
		if (read(ps[0], &st, sizeof st) == (ssize_t)sizeof st && st.magic == AXC_SANDBOX_MAGIC) {
			status = st.status;
			if (st.peak_vm_kb > r->peak_vm_kb)
				r->peak_vm_kb = st.peak_vm_kb;
			if (st.maxrss_kb > r->peak_vm_kb)
				r->peak_vm_kb = st.maxrss_kb;
		}
	}

	settle_result(&w, status);
out:
	for (int i = 0; i < 2; i++) {
		if (po[i] >= 0)
			close(po[i]);
		if (pe[i] >= 0)
			close(pe[i]);
		if (pv[i] >= 0)
			close(pv[i]);
		if (px[i] >= 0)
			close(px[i]);
		if (ps[i] >= 0)
			close(ps[i]);
	}
	if (filter >= 0)
		close(filter);
	axc__sandbox_argv_free(box_argv);
	free(staged_init);
	if (in >= 0)
		close(in);
	strv_free(&env);
	strv_free(&argv);
	free(staged_exe);
	free(staged_probe);
	return rc;
}

void axc__result_free(axc__result *r)
{
	if (r->stage) {
		stage_remove(r->stage);
		free(r->stage);
	}
	free(r->out);
	free(r->err);
	axc__ev_free(&r->ev);
	memset(r, 0, sizeof *r);
}
