/* main.c - the asynclab program's entry point: dispatch to a subcommand
 * (init, list, verify, run, hint, solution, reset, progress, class,
 * lesson-lint, check) or, with no arguments, open the interactive lab. */
#include "config.h"

#include "cli.h"
#include "lab.h"

#include <stdlib.h>
#include <string.h>

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
		     "details.\nWith no command, asynclab opens the interactive lab (options --ascii,\n--color, --no-color).\n");
}

/* The lab's own options: no command, only how to draw. */
static int is_lab_option(const char *a)
{
	return !strcmp(a, "--ascii") || !strcmp(a, "--color") || !strcmp(a, "--no-color");
}

int main(int argc, char **argv)
{
	/* No command: the interactive lab (it says so and points to the
	 * subcommands when there is no terminal). */
	if (argc < 2 || is_lab_option(argv[1]))
		return axtui_main(argc, argv);
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
