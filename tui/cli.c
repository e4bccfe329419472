/* cli.c - what the subcommands share: the command table and help texts,
 * usage errors, loading the catalog, finding (or creating) the workspace
 * and its progress, naming lessons, colour. */
#include "config.h"

#include "cli.h"
#include "serve.h"

#include <asynclab.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const cli_cmd commands[] = {
	{ "init", "asynclab init [--name NAME] [--course FILE] [--class HOST:PORT --code CODE] [DIR]",
	  "create a workspace with copies of the exercises (default ./asynclab-work)",
	  "  --name NAME      your name, as your instructor sees it (asked once on a\n"
	  "                   terminal when not given)\n"
	  "  --course FILE    keep only the lessons FILE lists, in its order, and store\n"
	  "                   the course in the workspace (DIR/.asynclab/course)\n"
	  "  --class HOST:PORT --code CODE\n"
	  "                   join the class your instructor serves: every verify and\n"
	  "                   hint then sends your progress there (also on an existing\n"
	  "                   workspace, to join or move later)\n",
	  cli_init_cmd },
	{ "list", "asynclab list [--json]", "list the lessons and where you are",
	  "  --json   one JSON document\n", cli_list },
	{ "verify", "asynclab verify [LESSON] [--file FILE.c] [--json]\n"
		    "       asynclab verify --all [--json]",
	  "check an exercise against its lesson (exit 0 pass, 1 fail, 2 usage)",
	  "  --file FILE.c  check FILE.c instead of the workspace's exercise\n"
	  "                 (recorded only when FILE is the workspace's own exercise;\n"
	  "                 it says which)\n"
	  "  --all          check every lesson's exercise in the workspace\n"
	  "  --json         one JSON document (per lesson, per check: pass/fail and message)\n",
	  cli_verify },
	{ "run", "asynclab run LESSON",
	  "compile and run an exercise without judging it: its output and findings", NULL,
	  cli_run },
	{ "hint", "asynclab hint [LESSON]", "show the next hint level (it is recorded)", NULL,
	  cli_hint },
	{ "solution", "asynclab solution [LESSON]",
	  "show the reference solution (only once the lesson has passed)", NULL, cli_solution },
	{ "reset", "asynclab reset LESSON",
	  "put the starter back (your file is kept as NN-id.c.bak-TIMESTAMP)", NULL,
	  cli_reset_cmd },
	{ "progress", "asynclab progress [--json | --csv]",
	  "your progress: status, attempts, hints, time per lesson",
	  "  --json   the progress as one JSON document\n"
	  "  --csv    one CSV row per lesson (for spreadsheets)\n", cli_progress },
	{ "class", "asynclab class [--json | --csv | --watch] [--course FILE] PATH...\n"
		   "       asynclab class --watch HOST:PORT --code CODE",
	  "for instructors: many learners' progress per lesson, and where several are stuck",
	  "  PATH           a learner's workspace, a progress.json file, a folder of\n"
	  "                 workspaces or of collected files, or a class server's folder\n"
	  "  --json         one JSON document\n"
	  "  --csv          one CSV row per lesson (for spreadsheets)\n"
	  "  --watch        the live dashboard on the full screen, read again every\n"
	  "                 second (j/k scroll, q quits)\n"
	  "  --code CODE    with --watch HOST:PORT: ask that class server, with the\n"
	  "                 dashboard code `asynclab serve` printed\n"
	  "  --course FILE  the lessons of FILE, in its order (as ASYNCLAB_COURSE)\n"
	  "exit status: 0 every PATH read, 1 some were skipped (said on stderr), 2 usage\n",
	  cli_class },
	{ "serve", "asynclab serve [--port N] [--bind ADDR] [--dir DIR]",
	  "for instructors: the class server learners push their progress to",
	  "  --port N     listen on port N (default 8470; 0: any free port)\n"
	  "  --bind ADDR  listen on one IPv4 address only (default: every interface)\n"
	  "  --dir DIR    keep the class in DIR/class.db (default ./asynclab-class)\n",
	  cli_serve },
	{ "present", "asynclab present LESSON [--file FILE.c] [--save RUN.json]\n"
		     "       asynclab present --report RUN.json",
	  "for instructors: step through a run's scheduler, one event at a time",
	  "  --file FILE.c      run FILE.c instead of the workspace's exercise\n"
	  "  --save RUN.json    keep the run (its report with the trace) to replay later;\n"
	  "                     without a terminal it only records\n"
	  "  --report RUN.json  replay a saved run (--save, or asynclab check --report\n"
	  "                     of a traced run) without compiling anything\n"
	  "keys: -> or n next event, <- or p back, PgDn/PgUp ten, Tab choose a task,\n"
	  "t its next poll, f the next finding, g a time (ms), Home or < the start,\n"
	  "End or > the end, q quit\n",
	  cli_present },
	{ "push", "asynclab push",
	  "send your progress to your class now (verify and hint do it in the background)",
	  NULL, cli_push },
	{ "lesson-lint", "asynclab lesson-lint DIR",
	  "validate a lesson folder (or a folder of lessons): manifest, files, starter, solution",
	  NULL, cli_lint },
	{ "check", "asynclab check [OPTIONS] FILE.c... | --program PROG [ARGS]",
	  "run the checker on your own program (see `asynclab check --help`)", NULL, cli_check },
};

const cli_cmd *cli_commands(size_t *n)
{
	*n = sizeof commands / sizeof *commands;
	return commands;
}

const cli_cmd *cli_command(const char *name)
{
	for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
		if (!strcmp(commands[i].name, name))
			return &commands[i];
	return NULL;
}

int cli_usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "asynclab%s%s: ", cmd ? " " : "", cmd ? cmd : "");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry 'asynclab %s%s--help'.\n", cmd ? cmd : "", cmd ? " " : "");
	return CLI_USAGE;
}

void cli_print_help(const cli_cmd *c, FILE *out)
{
	fprintf(out, "usage: %s\n\n%s.\n", c->usage, c->summary);
	if (c->help)
		fprintf(out, "\noptions:\n%s", c->help);
	fprintf(out, "  --help     this text\n  --version  the version\n");
	if (strcmp(c->name, "init") && strcmp(c->name, "lesson-lint") && strcmp(c->name, "check") &&
	    strcmp(c->name, "class") && strcmp(c->name, "serve") &&
	    strcmp(c->name, "push"))
		fprintf(out, "\nLESSON is an id (join) or a number (4).\n");
	fprintf(out, "See asynclab(1) for the workspace layout and environment variables.\n");
}

void cli_print_version(void)
{
	printf("asynclab %s\n", AX_VERSION);
}

int cli_help_version(const char *cmd, int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--"))
			break;
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			cli_print_help(cli_command(cmd), stdout);
			return CLI_OK;
		}
		if (!strcmp(argv[i], "--version")) {
			cli_print_version();
			return CLI_OK;
		}
	}
	return -1;
}

void cli_init(cli *c, const char *cmd)
{
	memset(c, 0, sizeof *c);
	c->cmd = cmd;
	const char *nc = getenv("NO_COLOR"), *term = getenv("TERM");
	c->color = isatty(STDOUT_FILENO) && !(nc && *nc) && !(term && !strcmp(term, "dumb"));
}

void cli_free(cli *c)
{
	axl_progress_free(c->prog);
	axl_workspace_free(c->ws);
	axl_catalog_free(c->cat);
	memset(c, 0, sizeof *c);
}

int cli_load_catalog(cli *c)
{
	axl_diags d = { 0 };
	const char *dir = axl_lessons_dir();
	int rc = axl_catalog_load(dir, &c->cat, &d);
	for (size_t i = 0; i < d.n; i++)
		fprintf(stderr, "asynclab: warning: %s\n", axc_safe(d.msg[i]));
	axl_diags_free(&d);
	if (rc < 0 || !c->cat->n) {
		fprintf(stderr, "asynclab %s: no lessons found in %s%s\n", c->cmd, dir,
			getenv("ASYNCLAB_LESSONS") ? " (from ASYNCLAB_LESSONS)"
						   : "; set ASYNCLAB_LESSONS to a lessons folder");
		return CLI_USAGE;
	}
	if (c->no_course)
		return 0;
	char *course = axl_course_find();
	rc = course ? cli_apply_course(c, course) : 0;
	free(course);
	return rc;
}

int cli_apply_course(cli *c, const char *path)
{
	axl_diags d = { 0 };
	int rc = axl_catalog_apply_course(c->cat, path, &d);
	for (size_t i = 0; i < d.n; i++)
		fprintf(stderr, "asynclab %s: %s\n", c->cmd, axc_safe(d.msg[i]));
	axl_diags_free(&d);
	if (rc < 0) {
		fprintf(stderr, "asynclab %s: the course %s is not usable%s\n", c->cmd, path,
			getenv("ASYNCLAB_COURSE") && *getenv("ASYNCLAB_COURSE")
				? " (from ASYNCLAB_COURSE)" : "");
		return CLI_USAGE;
	}
	return 0;
}

const char *cli_rel(const char *path)
{
	static char cwd[PATH_MAX];
	if (!getcwd(cwd, sizeof cwd))
		return path;
	size_t n = strlen(cwd);
	if (!strncmp(path, cwd, n) && path[n] == '/')
		return path + n + 1;
	return path;
}

int cli_open_workspace(cli *c)
{
	int rc = axl_workspace_find(&c->ws);
	if (rc == -ENOENT) {
		const char *env = getenv("ASYNCLAB_WORKSPACE");
		const char *dir = env && *env ? env : AXL_DEFAULT_WORKSPACE;
		int copied = 0;
		rc = axl_workspace_init(dir, c->cat, &c->ws, &copied);
		if (rc == 0)
			fprintf(stderr, "asynclab: no workspace found; created one at %s "
					"(%d exercises in %s/)\n",
				cli_rel(c->ws->root), copied, cli_rel(c->ws->exercises));
	}
	if (rc < 0) {
		fprintf(stderr, "asynclab %s: cannot open or create the workspace: %s\n", c->cmd,
			strerror(-rc));
		return CLI_USAGE;
	}
	axl_diags d = { 0 };
	rc = axl_progress_load(c->ws->progress_path, &c->prog, &d);
	for (size_t i = 0; i < d.n; i++)
		fprintf(stderr, "asynclab: warning: %s\n", axc_safe(d.msg[i]));
	axl_diags_free(&d);
	if (!c->prog) {
		fprintf(stderr, "asynclab %s: out of memory\n", c->cmd);
		return CLI_USAGE;
	}
	if (rc < 0 && rc != -EBADMSG) {
		fprintf(stderr, "asynclab %s: cannot read %s: %s\n", c->cmd,
			c->ws->progress_path, strerror(-rc));
		return CLI_USAGE;
	}
	/* Pushes a restart or an outage left queued go out now, in the
	 * background. */
	axw_push_resume(c->ws, "/proc/self/exe");
	return 0;
}

int cli_save_progress(cli *c)
{
	int rc = axl_progress_save(c->prog, c->ws->progress_path);
	if (rc < 0) {
		fprintf(stderr, "asynclab %s: cannot save progress to %s: %s\n", c->cmd,
			c->ws->progress_path, strerror(-rc));
		return CLI_FAIL;
	}
	/* In a class, the new progress goes to the server from a background
	 * process: this command never waits on the network. */
	axw_push_kick(c->ws, "/proc/self/exe");
	return 0;
}

const axl_lesson *cli_lesson(cli *c, const char *key)
{
	const axl_lesson *l = axl_catalog_find(c->cat, key);
	if (l)
		return l;
	fprintf(stderr, "asynclab %s: no lesson '%s'%s%s. Lessons are named by id or number:\n",
		c->cmd, axc_safe(key), c->cat->course ? " in the course " : "",
		c->cat->course ? cli_rel(c->cat->course) : "");
	for (size_t i = 0; i < c->cat->n; i++)
		fprintf(stderr, "  %2d %s\n", c->cat->lessons[i]->order,
			axc_safe(c->cat->lessons[i]->id));
	fprintf(stderr, "(`asynclab list` shows them with their titles.)\n");
	return NULL;
}

const axl_lesson *cli_current(cli *c)
{
	const axl_lesson *l = c->prog ? axl_catalog_find(c->cat, c->prog->current) : NULL;
	if (l)
		return l;
	for (size_t i = 0; i < c->cat->n; i++) {
		const axl_lesson_progress *lp = axl_progress_find(c->prog, c->cat->lessons[i]->id);
		if (!lp || !lp->passed)
			return c->cat->lessons[i];
	}
	return c->cat->lessons[0];
}

const char *cli_status(cli *c, const axl_lesson *l)
{
	const axl_lesson_progress *lp = axl_progress_find(c->prog, l->id);
	if (lp && lp->passed)
		return "passed";
	if (c->prog && cli_current(c) == l)
		return "current";
	if (lp && lp->attempts)
		return "started";
	return "todo";
}

const char *cli_green(const cli *c)
{
	return c->color ? "\033[32m" : "";
}

const char *cli_red(const cli *c)
{
	return c->color ? "\033[31m" : "";
}

const char *cli_bold(const cli *c)
{
	return c->color ? "\033[1m" : "";
}

const char *cli_reset(const cli *c)
{
	return c->color ? "\033[0m" : "";
}
