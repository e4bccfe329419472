/* serve_cli.c - `asynclab serve`: start the class server on the
 * instructor's machine, print what learners and the dashboard need (the
 * addresses, the join code, the dashboard code), log who joins and which
 * pushes are refused, and stop cleanly on Ctrl-C or SIGTERM. */
#include "config.h"

#include "cli.h"
#include "serve.h"

#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <limits.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define DEFAULT_CLASS_DIR "asynclab-class"

static void log_line(void *ud, const char *line)
{
	(void)ud;
	char ts[16];
	time_t now = time(NULL);
	struct tm tm;
	localtime_r(&now, &tm);
	strftime(ts, sizeof ts, "%H:%M:%S", &tm);
	printf("%s  %s\n", ts, line);
	fflush(stdout);
}

/* The machine's IPv4 addresses other than loopback, for the join line. */
static void print_addresses(uint16_t port, const char *bind, const char *code)
{
	if (bind && strcmp(bind, "0.0.0.0")) {
		printf("Learners join with:  asynclab init --class %s:%u --code %s\n", bind,
		       (unsigned)port, code);
		return;
	}
	struct ifaddrs *ifs = NULL, *i;
	int n = 0;
	if (getifaddrs(&ifs) == 0) {
		for (i = ifs; i; i = i->ifa_next) {
			if (!i->ifa_addr || i->ifa_addr->sa_family != AF_INET)
				continue;
			char ip[INET_ADDRSTRLEN];
			const struct sockaddr_in *sa = (const struct sockaddr_in *)i->ifa_addr;
			if ((ntohl(sa->sin_addr.s_addr) >> 24) == 127)
				continue;
			inet_ntop(AF_INET, &sa->sin_addr, ip, sizeof ip);
			printf("%s  asynclab init --class %s:%u --code %s\n",
			       n++ ? "                   " : "Learners join with:", ip,
			       (unsigned)port, code);
		}
		freeifaddrs(ifs);
	}
	if (!n)
		printf("Learners join with:  asynclab init --class THIS-HOST:%u --code %s\n",
		       (unsigned)port, code);
}

static int mkdir_one(const char *dir)
{
	if (mkdir(dir, 0755) == 0 || errno == EEXIST)
		return 0;
	return -errno;
}

int cli_serve(int argc, char **argv)
{
	int rc = cli_help_version("serve", argc, argv);
	if (rc >= 0)
		return rc;
	const char *dir = DEFAULT_CLASS_DIR, *bind = NULL;
	long port = AXW_DEFAULT_PORT;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (!strcmp(a, "--port") || !strcmp(a, "--bind") || !strcmp(a, "--dir")) {
			if (!v || !*v)
				return cli_usage_error("serve", "'%s' needs a value", a);
			i++;
			if (!strcmp(a, "--port")) {
				char *end;
				port = strtol(v, &end, 10);
				if (*end || port < 0 || port > 65535)
					return cli_usage_error("serve", "--port wants a number from 0 "
									"to 65535 (0: any free port)");
			} else if (!strcmp(a, "--bind")) {
				bind = v;
			} else {
				dir = v;
			}
		} else {
			return cli_usage_error("serve", a[0] == '-' ? "unknown option '%s'"
								    : "unexpected argument '%s'", a);
		}
	}
	int e = mkdir_one(dir);
	if (e < 0) {
		fprintf(stderr, "asynclab serve: cannot create the class folder %s: %s\n", dir,
			strerror(-e));
		return CLI_USAGE;
	}
	char *db = NULL;
	if (asprintf(&db, "%s/%s", dir, AXL_CLASSDB_FILE) < 0)
		return CLI_FAIL;
	/* The signals are taken with sigwait below; block them before the
	 * server's threads start so that they inherit the mask. */
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	setvbuf(stdout, NULL, _IOLBF, 0);
	axw_serve_opts o = { .db_path = db, .bind = bind, .port = (uint16_t)port,
			     .log = log_line };
	axw_server *s = NULL;
	char *err = NULL;
	e = axw_serve_start(&o, &s, &err);
	if (e < 0) {
		fprintf(stderr, "asynclab serve: %s\n", err ? err : strerror(-e));
		free(err);
		free(db);
		return e == -EINVAL ? CLI_USAGE : CLI_FAIL;
	}
	uint16_t p = axw_serve_port(s);
	printf("asynclab class server listening on port %u (%s)\n", (unsigned)p,
	       bind ? bind : "every interface");
	print_addresses(p, bind, axw_serve_join_code(s));
	printf("Dashboard here:      asynclab class --watch %s\n", dir);
	printf("Dashboard elsewhere: asynclab class --watch HOST:%u --code %s\n", (unsigned)p,
	       axw_serve_view_code(s));
	printf("The class is kept in %s (a restart keeps it).  Ctrl-C stops the server.\n", db);
	int sig = 0;
	sigwait(&set, &sig);
	axw_serve_stats st;
	axw_serve_stats_get(s, &st);
	axw_serve_stop(s);
	printf("Stopped (%s): %llu pushes stored, %llu learners joined, %llu refused.\n",
	       strsignal(sig), (unsigned long long)st.stored, (unsigned long long)st.joined,
	       (unsigned long long)st.refused);
	free(db);
	return CLI_OK;
}

/* `asynclab push`: send the workspace's progress to its class now and say
 * how it went (the background sender does the same without a word). */
int cli_push(int argc, char **argv)
{
	int rc = cli_help_version("push", argc, argv);
	if (rc >= 0)
		return rc;
	if (argc == 2 && !strcmp(argv[1], "--background"))
		return axw_push_background();
	if (argc > 1)
		return cli_usage_error("push", argv[1][0] == '-' ? "unknown option '%s'"
								 : "unexpected argument '%s'", argv[1]);
	cli c;
	cli_init(&c, "push");
	int e = axl_workspace_find(&c.ws);
	if (e < 0) {
		fprintf(stderr, "asynclab push: no workspace here (`asynclab init` makes one)\n");
		rc = CLI_USAGE;
		goto out;
	}
	axw_class_cfg *cfg = NULL;
	char why[256] = "";
	e = axw_class_load(c.ws, &cfg, why, sizeof why);
	if (e == -ENOENT) {
		fprintf(stderr, "asynclab push: this workspace is in no class; join one with "
				"`asynclab init --class HOST:PORT --code CODE`\n");
		rc = CLI_USAGE;
		goto out;
	}
	if (e < 0) {
		fprintf(stderr, "asynclab push: %s\n", why);
		rc = CLI_FAIL;
		goto out;
	}
	/* Whatever is there now is worth sending, queued or not. */
	axw_push_state st;
	axw_push_state_read(c.ws, &st);
	if (st.queued <= st.sent)
		axw_push_queue(c.ws);
	axw_push_result r;
	e = axw_push_drain(c.ws, 0, &r);
	axw_push_state_read(c.ws, &st);
	if (e == 0 && st.queued <= st.sent) {
		printf("Your progress is with the class at %s%s%s%s.\n", cfg->server,
		       r.outcome[0] ? " (" : "", r.outcome, r.outcome[0] ? ")" : "");
		rc = CLI_OK;
	} else if (e == 0) {
		printf("A push to %s is under way in the background.\n", cfg->server);
		rc = CLI_OK;
	} else {
		printf("Not sent: %s\n%s\n", r.error[0] ? r.error : strerror(-e),
		       e == -EAGAIN ? "It stays queued and goes with your next verify or hint "
				      "(or `asynclab push`)."
				    : "Check the class address and code with your instructor, then "
				      "`asynclab init --class HOST:PORT --code CODE`.");
		rc = CLI_FAIL;
	}
	axw_class_free(cfg);
out:
	cli_free(&c);
	return rc;
}

int cli_join_class(cli *c, const char *server, const char *code)
{
	char *norm = NULL;
	if (axw_class_parse_server(server, &norm) < 0)
		return cli_usage_error(c->cmd, "--class wants HOST:PORT (e.g. 192.168.1.20:%d), "
					       "not '%s'", AXW_DEFAULT_PORT, server);
	char why[256] = "";
	int hello = axw_class_hello(norm, code, 3000, why, sizeof why), e;
	if (hello == -EPERM) {
		fprintf(stderr, "asynclab %s: %s: %s\nAsk your instructor for the code `asynclab "
				"serve` shows.\n", c->cmd, norm, why);
		free(norm);
		return CLI_USAGE;
	}
	axw_class_cfg *cfg = NULL;
	char ignored[256];
	/* Joining again (a new address or code) keeps the workspace's token:
	 * it is what proves this workspace's record is its own. */
	axw_class_load(c->ws, &cfg, ignored, sizeof ignored);
	if (!cfg && !(cfg = calloc(1, sizeof *cfg))) {
		free(norm);
		return CLI_FAIL;
	}
	free(cfg->server);
	free(cfg->code);
	cfg->server = norm;
	cfg->code = strdup(code);
	e = cfg->code ? axw_class_save(c->ws, cfg) : -ENOMEM;
	if (e < 0) {
		fprintf(stderr, "asynclab %s: cannot store the class settings in %s: %s\n", c->cmd,
			cli_rel(c->ws->state), strerror(-e));
		axw_class_free(cfg);
		return CLI_FAIL;
	}
	if (hello == 0)
		printf("Class: joined %s; every verify and hint sends your progress there.\n",
		       cfg->server);
	else
		printf("Class: %s does not answer now (%s); your progress is queued and sent "
		       "once it does.\n", cfg->server, why);
	axw_push_kick(c->ws, "/proc/self/exe");
	axw_class_free(cfg);
	return 0;
}

/* Read a name from the terminal; NULL when the learner gives none. */
static char *ask_name(void)
{
	char line[256];
	for (int tries = 0; tries < 3; tries++) {
		printf("Your name, as your instructor will see it (Enter to skip): ");
		fflush(stdout);
		if (!fgets(line, sizeof line, stdin))
			return NULL;
		line[strcspn(line, "\r\n")] = '\0';
		char *s = line;
		while (*s == ' ' || *s == '\t')
			s++;
		size_t n = strlen(s);
		while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
			s[--n] = '\0';
		if (!n)
			return NULL;
		if (axl_learner_name_ok(s))
			return strdup(s);
		printf("Please use 1 to %d ordinary characters.\n", AXL_LEARNER_NAME_MAX);
	}
	return NULL;
}

int cli_learner(cli *c, const char *name, bool need_name)
{
	char *asked = NULL;
	if (!name && !c->prog->learner_name && isatty(STDIN_FILENO) && isatty(STDOUT_FILENO))
		name = asked = ask_name();
	int e = axl_progress_identify(c->prog, name);
	free(asked);
	if (e < 0) {
		fprintf(stderr, "asynclab %s: cannot record your name: %s\n", c->cmd, strerror(-e));
		return CLI_FAIL;
	}
	if (need_name && !c->prog->learner_name)
		return cli_usage_error(c->cmd, "joining a class needs your name: add --name NAME");
	/* The first lesson's clock starts now, so a first try that passes
	 * still shows the time it took. */
	if (c->cat && c->cat->n)
		axl_progress_start(c->prog, cli_current(c)->id, (int64_t)time(NULL));
	return 0;
}
