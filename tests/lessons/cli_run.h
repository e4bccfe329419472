/* cli_run.h - run the real asynclab program from a lesson test and keep
 * what it printed.  For the suites that test the command line. */
#ifndef ASYNCLAB_TEST_CLI_RUN_H
#define ASYNCLAB_TEST_CLI_RUN_H

#include "../../lessons/engine.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

static char out[65536], err[65536];

/* Run `asynclab ARGS` in the current folder with stdin from /dev/null;
 * stdout and stderr go to out and err.  Returns the exit status. */
static inline int cli(const char *args)
{
	char *cmd = NULL;
	ck_assert_int_ge(asprintf(&cmd, "%s %s >cli.out 2>cli.err </dev/null", AXL_TEST_ASYNCLAB,
				  args), 0);
	int st = system(cmd);
	free(cmd);
	ck_assert(WIFEXITED(st));
	char *o = axl_read_file("cli.out", NULL), *e = axl_read_file("cli.err", NULL);
	snprintf(out, sizeof out, "%s", o ? o : "");
	snprintf(err, sizeof err, "%s", e ? e : "");
	free(o);
	free(e);
	unlink("cli.out");
	unlink("cli.err");
	return WEXITSTATUS(st);
}

#endif
