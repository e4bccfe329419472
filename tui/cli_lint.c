/* cli_lint.c - `asynclab lesson-lint DIR`: validate one lesson folder, or
 * every NN-id folder of a lessons directory, for instructors writing their
 * own lessons. */
#include "config.h"

#include "cli.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static bool has_manifest(const char *dir)
{
	char *p = NULL;
	if (asprintf(&p, "%s/lesson.ini", dir) < 0)
		return false;
	bool ok = access(p, F_OK) == 0;
	free(p);
	return ok;
}

/* Lint one lesson folder; returns the number of problems (or -1 when the
 * checker could not run). */
static int lint_one(const char *dir, bool tty)
{
	axl_diags d = { 0 };
	axl_lesson *l = NULL;
	int problems = 0;
	if (axl_lesson_load(dir, &l, &d) < 0) {
		problems = (int)d.n;
	} else {
		if (tty)
			fprintf(stderr, "%s: building and running the starter and the solution...\r",
				dir);
		axl_lint li;
		int rc = axl_lesson_lint(l, &li, &d);
		if (tty)
			fprintf(stderr, "%*s\r", (int)strlen(dir) + 60, "");
		if (rc < 0) {
			fprintf(stderr, "%s: could not run the checker: %s\n", dir, strerror(-rc));
			problems = -1;
		} else {
			problems = li.problems;
			if (!problems)
				printf("%s: ok (%zu checks; the starter fails %s; the solution passes; "
				       "%.2f s + %.2f s)\n", dir, l->nchecks, li.starter_failed,
				       li.starter_s, li.solution_s);
		}
	}
	for (size_t i = 0; i < d.n; i++)
		printf("%s\n", axc_safe(d.msg[i]));
	if (problems > 0)
		printf("%s: %d problem%s\n", dir, problems, problems == 1 ? "" : "s");
	axl_diags_free(&d);
	axl_lesson_free(l);
	return problems;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int cli_lint(int argc, char **argv)
{
	int hv = cli_help_version("lesson-lint", argc, argv);
	if (hv >= 0)
		return hv;
	for (int i = 1; i < argc; i++)
		if (argv[i][0] == '-' && argv[i][1])
			return cli_usage_error("lesson-lint", "unknown option '%s'", argv[i]);
	if (argc != 2)
		return cli_usage_error("lesson-lint", argc < 2 ? "which folder? (a lesson folder "
							      "like lessons/04-join, or a folder of lessons)"
							    : "one folder, please");
	const char *dir = argv[1];
	struct stat st;
	if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
		return cli_usage_error("lesson-lint", "'%s' is not a folder", dir);
	bool tty = isatty(STDERR_FILENO);
	if (has_manifest(dir))
		return lint_one(dir, tty) == 0 ? CLI_OK : CLI_FAIL;

	/* A folder of lessons: lint every NN-id folder in it. */
	DIR *dp = opendir(dir);
	if (!dp)
		return cli_usage_error("lesson-lint", "cannot read '%s'", dir);
	char **subs = NULL;
	size_t n = 0;
	struct dirent *e;
	while ((e = readdir(dp))) {
		char *sub = NULL;
		if (e->d_name[0] == '.' || asprintf(&sub, "%s/%s", dir, e->d_name) < 0)
			continue;
		char **ns = has_manifest(sub) ? realloc(subs, (n + 1) * sizeof *subs) : NULL;
		if (!ns) {
			free(sub);
			continue;
		}
		subs = ns;
		subs[n++] = sub;
	}
	closedir(dp);
	if (!n) {
		free(subs);
		return cli_usage_error("lesson-lint", "'%s' has no lesson.ini, and no lesson "
						      "folders inside", dir);
	}
	qsort(subs, n, sizeof *subs, by_name);
	size_t bad = 0;
	for (size_t i = 0; i < n; i++) {
		bad += lint_one(subs[i], tty) != 0;
		free(subs[i]);
	}
	free(subs);
	printf("%zu of %zu lessons ok.\n", n - bad, n);
	return bad ? CLI_FAIL : CLI_OK;
}
