/* cli.h - the non-interactive subcommands of the asynclab program (init,
 * list, verify, run, hint, solution, reset, progress, class, lesson-lint) and the
 * helpers they share: loading the catalog, finding or creating the
 * workspace, naming lessons, colour, usage errors. */
#ifndef ASYNCLAB_TUI_CLI_H
#define ASYNCLAB_TUI_CLI_H

#include "../checker/safe_text.h"
#include "../lessons/engine.h"

#include <stdbool.h>
#include <stdio.h>

/* Exit statuses of every subcommand. */
enum { CLI_OK = 0, CLI_FAIL = 1, CLI_USAGE = 2 };

typedef struct cli {
	const char *cmd;	/* the subcommand, for messages */
	axl_catalog *cat;
	axl_workspace *ws;
	axl_progress *prog;
	bool color;		/* stdout is a terminal and NO_COLOR is not set */
	bool no_course;		/* cli_load_catalog keeps every lesson */
} cli;

typedef int (*cli_cmd_fn)(int argc, char **argv);

/* A subcommand: name, usage line(s), one-line summary, handler. */
typedef struct cli_cmd {
	const char *name;
	const char *usage;
	const char *summary;
	const char *help; /* the options, one per line, or NULL */
	cli_cmd_fn fn;
} cli_cmd;

const cli_cmd *cli_commands(size_t *n);
const cli_cmd *cli_command(const char *name);

/* Print "asynclab CMD: message" and a pointer to --help on stderr; returns
 * CLI_USAGE. */
int cli_usage_error(const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Print the help of one subcommand on stdout. */
void cli_print_help(const cli_cmd *c, FILE *out);
void cli_print_version(void);

/* Handle --help and --version anywhere in argv (they win over everything
 * else).  Returns -1 when neither is present, else the exit status. */
int cli_help_version(const char *cmd, int argc, char **argv);

void cli_init(cli *c, const char *cmd);
void cli_free(cli *c);
/* Load the catalog and apply the course in effect (ASYNCLAB_COURSE, else
 * the workspace's) unless c->no_course; on failure prints why and returns
 * CLI_USAGE. */
int cli_load_catalog(cli *c);
/* Apply the course file at path to c->cat; prints each problem and returns
 * CLI_USAGE on failure, else 0. */
int cli_apply_course(cli *c, const char *path);
/* Find the workspace, creating ./asynclab-work (or $ASYNCLAB_WORKSPACE)
 * when there is none and saying so on stderr, then load the progress
 * (a corrupt file is reported and kept aside).  Returns 0 or CLI_USAGE. */
int cli_open_workspace(cli *c);
/* Save the progress; prints why it failed.  Returns 0 or CLI_FAIL. */
int cli_save_progress(cli *c);
/* Look up a lesson by id or number; prints a clear message (and the
 * known ids) when there is none. */
const axl_lesson *cli_lesson(cli *c, const char *key);
/* The lesson the learner is on: progress's current, else the first one
 * not passed, else the first. */
const axl_lesson *cli_current(cli *c);
/* "passed", "current", "started" or "todo". */
const char *cli_status(cli *c, const axl_lesson *l);
/* A path relative to cwd when it is below it (for messages). */
const char *cli_rel(const char *path);

/* Colour, when c->color: PASS green, FAIL red, bold. */
const char *cli_green(const cli *c);
const char *cli_red(const cli *c);
const char *cli_bold(const cli *c);
const char *cli_reset(const cli *c);

int cli_init_cmd(int argc, char **argv);
int cli_list(int argc, char **argv);
int cli_verify(int argc, char **argv);
int cli_run(int argc, char **argv);
int cli_hint(int argc, char **argv);
int cli_solution(int argc, char **argv);
int cli_reset_cmd(int argc, char **argv);
int cli_progress(int argc, char **argv);
int cli_class(int argc, char **argv);
/* class --watch (class_watch.c): the dashboard over paths, or over the
 * class server paths[0] (HOST:PORT) when code is given. */
int cli_class_watch(cli *c, const char *const *paths, size_t np, const char *code);
int cli_present(int argc, char **argv);
int cli_lint(int argc, char **argv);
int cli_check(int argc, char **argv);
int cli_serve(int argc, char **argv);
int cli_push(int argc, char **argv);
/* Put c's workspace in the class at server (HOST:PORT) with its join
 * code: check the code when the server answers, store the settings, send
 * the progress.  Prints what happened; 0 or an exit status. */
int cli_join_class(cli *c, const char *server, const char *code);
/* Give c->prog its learner (a stable id; the name given, else asked once
 * on a terminal when it has none).  need_name: joining a class, where a
 * name is required.  0 or an exit status (said why). */
int cli_learner(cli *c, const char *name, bool need_name);

/* Write one CSV field to out, quoted when it holds a comma, quote or
 * newline, then a comma or (last) a newline. */
void cli_csv_field(FILE *out, const char *s, bool last);

/* Render a verification result as text (stdout) or as a JSON object. */
void cli_print_result(const cli *c, const axl_result *r, const char *file);
json_t *cli_result_json(const axl_result *r, const char *file);
/* The lesson (id) of catalog cat that teaches the fix of finding, or NULL
 * (an axc_lesson_fn). */
const char *cli_lesson_of(void *cat, const char *finding);

#endif /* ASYNCLAB_TUI_CLI_H */
