/* inspect_build.c - compiles the user's C files with debug information
 * against libasynclab, from the build tree when we run from it, else from
 * the installed prefix.  The compiler's output is kept verbatim so that
 * its file:line lines reach the user intact. */
#include "config.h"

#include "inspect.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef AXC_BUILD_TOP
#error "inspect.mk defines AXC_BUILD_TOP, AXC_BUILD_INCLUDE, AXC_INST_* ..."
#endif

/* A compiler that runs longer than this is stopped (a pathological
 * #include loop, a huge generated file). */
#define BUILD_TIMEOUT_MS 120000
#define BUILD_OUTPUT_MAX (256 * 1024)

static bool running_from_build_tree(void)
{
	char self[4096];
	ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
	if (n <= 0)
		return false;
	self[n] = '\0';
	size_t tl = strlen(AXC_BUILD_TOP);
	return strncmp(self, AXC_BUILD_TOP, tl) == 0 && self[tl] == '/';
}

bool axc__sanitized(void)
{
	return AXC_SAN_CFLAGS[0] != '\0';
}

static const char *env_or(const char *name, const char *dflt)
{
	const char *v = getenv(name);
	return v && *v ? v : dflt;
}

void axc__paths_get(axc__paths *p)
{
	/* From the build tree when this program lives in it, or when nothing
	 * is installed yet; otherwise the installed prefix. */
	bool bt = running_from_build_tree() ||
		  (access(AXC_INST_LIBDIR "/libasynclab.so", R_OK) != 0 &&
		   access(AXC_BUILD_LIBDIR "/libasynclab.so", R_OK) == 0);
	p->build_tree = bt;
	p->cc = env_or("ASYNCLAB_CC", env_or("CC", "cc"));
	p->include = env_or("ASYNCLAB_INCLUDE", bt ? AXC_BUILD_INCLUDE : AXC_INST_INCLUDE);
	p->libdir = env_or("ASYNCLAB_LIBDIR", bt ? AXC_BUILD_LIBDIR : AXC_INST_LIBDIR);
	p->probe = env_or("ASYNCLAB_PROBE", bt ? AXC_BUILD_PROBE : AXC_INST_PROBE);
	p->sandbox_init = env_or("ASYNCLAB_SANDBOX_INIT",
				 bt ? AXC_BUILD_SANDBOX_INIT : AXC_INST_SANDBOX_INIT);
}

char *axc__shell_join(const char *const *argv)
{
	size_t cap = 1;
	for (size_t i = 0; argv[i]; i++)
		cap += 4 * strlen(argv[i]) + 3;
	char *s = malloc(cap), *p = s;
	if (!s)
		return NULL;
	for (size_t i = 0; argv[i]; i++) {
		const char *a = argv[i];
		if (i)
			*p++ = ' ';
		bool plain = *a != '\0';
		for (const char *c = a; *c; c++)
			if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
				    "0123456789-_./=,:+@%", *c))
				plain = false;
		if (plain) {
			p = stpcpy(p, a);
			continue;
		}
		*p++ = '\'';
		for (const char *c = a; *c; c++) {
			if (*c == '\'')
				p = stpcpy(p, "'\\''");
			else
				*p++ = *c;
		}
		*p++ = '\'';
	}
	*p = '\0';
	return s;
}

static uint64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* Run argv with stdout+stderr captured into *out.  Returns the wait
 * status, or -errno. */
static int run_capture(const char *const *argv, char **out)
{
	int pfd[2];
	if (pipe2(pfd, O_CLOEXEC) < 0)
		return -errno;
	pid_t pid = fork();
	if (pid < 0) {
		int e = errno;
		close(pfd[0]);
		close(pfd[1]);
		return -e;
	}
	if (pid == 0) {
		int devnull = open("/dev/null", O_RDONLY);
		dup2(devnull, 0);
		dup2(pfd[1], 1);
		dup2(pfd[1], 2);
		setpgid(0, 0);
		/* execvp's prototype predates const; it does not write. */
		execvp(argv[0], (char *const *)(uintptr_t)argv);
		dprintf(2, "%s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	setpgid(pid, pid);
	close(pfd[1]);
	size_t len = 0, cap = 4096;
	char *buf = malloc(cap);
	uint64_t deadline = now_ms() + BUILD_TIMEOUT_MS;
	bool killed = false;
	for (;;) {
		struct pollfd p = { .fd = pfd[0], .events = POLLIN };
		uint64_t now = now_ms();
		if (now >= deadline && !killed) {
			killpg(pid, SIGKILL);
			killed = true;
		}
		if (poll(&p, 1, killed ? 1000 : (int)(deadline - now)) <= 0 && killed)
			break;
		char chunk[4096];
		ssize_t n = read(pfd[0], chunk, sizeof chunk);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (buf && len + (size_t)n + 1 > cap && len < BUILD_OUTPUT_MAX) {
			while (len + (size_t)n + 1 > cap)
				cap *= 2;
			char *b = realloc(buf, cap);
			if (!b) {
				free(buf);
				buf = NULL;
			}
			buf = b;
		}
		if (buf && len + (size_t)n + 1 <= cap) {
			memcpy(buf + len, chunk, (size_t)n);
			len += (size_t)n;
		}
	}
	close(pfd[0]);
	int st;
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	if (buf)
		buf[len] = '\0';
	if (killed && buf) {
		char *b = realloc(buf, len + 64);
		if (b) {
			buf = b;
			strcpy(buf + len, "asynclab: the compiler ran too long and was stopped\n");
		}
	}
	*out = buf ? buf : strdup("");
	return st;
}

int axc__build_run(const axc_opts *o, const axc__paths *p, axc__build *b)
{
	memset(b, 0, sizeof *b);
	const char *tmp = getenv("TMPDIR");
	if (!tmp || !*tmp)
		tmp = "/tmp";
	if (asprintf(&b->dir, "%s/asynclab-check-XXXXXX", tmp) < 0) {
		b->dir = NULL;
		return -ENOMEM;
	}
	if (!mkdtemp(b->dir)) {
		int e = errno;
		free(b->dir);
		b->dir = NULL;
		return -e;
	}
	/* The program may run as an unprivileged user (see inspect_run.c),
	 * which must be able to execute it. */
	chmod(b->dir, 0755);
	if (asprintf(&b->exe, "%s/prog", b->dir) < 0) {
		b->exe = NULL;
		return -ENOMEM;
	}

	char *inc = NULL, *libdir = NULL, *rpath = NULL;
	if (asprintf(&inc, "-I%s", p->include) < 0 || asprintf(&libdir, "-L%s", p->libdir) < 0 ||
	    asprintf(&rpath, "-Wl,-rpath,%s", p->libdir) < 0)
		return -ENOMEM;
	size_t n = 0, cap = 32 + o->ncflags + o->nfiles;
	const char **argv = calloc(cap, sizeof *argv);
	if (!argv)
		return -ENOMEM;
	argv[n++] = p->cc;
	argv[n++] = "-g";
	argv[n++] = "-O0";
	argv[n++] = "-std=gnu11";
	argv[n++] = inc;
	/* A library built with sanitizers needs programs that carry the same
	 * runtime.  The program's own undefined behaviour is reported but not
	 * fatal, so a crash stays the signal it would be without sanitizers. */
	char *san = strdup(AXC_SAN_CFLAGS), *save = NULL;
	for (char *t = strtok_r(san, " ", &save); t && n < 8; t = strtok_r(NULL, " ", &save))
		argv[n++] = strncmp(t, "-fno-sanitize-recover", 21) ? t : "-fsanitize-recover=all";
	for (size_t i = 0; i < o->ncflags; i++)
		argv[n++] = o->cflags[i];
	for (size_t i = 0; i < o->nfiles; i++)
		argv[n++] = o->files[i];
	argv[n++] = "-o";
	argv[n++] = b->exe;
	argv[n++] = libdir;
	argv[n++] = "-lasynclab";
	argv[n++] = rpath;
	argv[n++] = "-pthread";
	argv[n] = NULL;

	b->command = axc__shell_join(argv);
	int st = run_capture(argv, &b->output);
	free(argv);
	free(san);
	free(inc);
	free(libdir);
	free(rpath);
	if (st < 0)
		return st;
	b->ok = WIFEXITED(st) && WEXITSTATUS(st) == 0 && access(b->exe, X_OK) == 0;
	return 0;
}

void axc__build_free(axc__build *b)
{
	if (b->exe)
		unlink(b->exe);
	if (b->dir)
		rmdir(b->dir);
	free(b->exe);
	free(b->dir);
	free(b->command);
	free(b->output);
	memset(b, 0, sizeof *b);
}
