/* main.c - the asynclab program's entry point: dispatch to a subcommand
 * (init, list, verify, run, hint, solution, reset, progress, lesson-lint,
 * check) or, with no arguments, say where the learner is and what to do. */
#include "config.h"

#include "cli.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void usage(FILE *out)
{
	size_t n;
	const cli_cmd *cmds = cli_commands(&n);
	fprintf(out, "usage: asynclab [COMMAND] [ARGS]\n\n"
		     "A terminal lab for asynchronous programming in C, the way Rust's futures "
		     "work.\n\ncommands:\n");
	for (size_t i = 0; i < n; i++)
		fprintf(out, "  %-12s %s\n", cmds[i].name, cmds[i].summary);
	fprintf(out, "\n`asynclab COMMAND --help` explains one command; asynclab(1) has the "
		     "details.\nWith no command, asynclab shows where you are in the lessons.\n");
}

/* No arguments.  Without a terminal there is nothing to show interactively:
 * say so and point to the subcommands.  With one, show the lesson list and
 * the next step. */
static int no_command(void)
{
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		fprintf(stderr, "asynclab: not a terminal, so there is no interactive lab here.\n"
				"Use the subcommands: `asynclab list`, `asynclab verify [LESSON]`, "
				"`asynclab hint LESSON`, `asynclab --help` for all of them.\n");
		return CLI_USAGE;
	}
	char name[] = "list";
	char *argv[] = { name, NULL };
	return cli_list(1, argv);
}

int main(int argc, char **argv)
{
	if (argc < 2)
		return no_command();
	const char *cmd = argv[1];
	if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h") || !strcmp(cmd, "help")) {
		if (argc > 2 && cli_command(argv[2])) {
			cli_print_help(cli_command(argv[2]), stdout);
			return CLI_OK;
		}
		usage(stdout);
		return CLI_OK;
	}
	if (!strcmp(cmd, "--version")) {
		cli_print_version();
		return CLI_OK;
	}
	const cli_cmd *c = cli_command(cmd);
	if (!c) {
		if (cmd[0] == '-')
			fprintf(stderr, "asynclab: unknown option '%s'\n", cmd);
		else
			fprintf(stderr, "asynclab: unknown command '%s'\n", cmd);
		fprintf(stderr, "Try 'asynclab --help'.\n");
		return CLI_USAGE;
	}
	return c->fn(argc - 1, argv + 1);
}
