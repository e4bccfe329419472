/* cli_cmds.c - the small subcommands: init (with a course), list, hint,
 * solution, reset, progress (text, JSON or CSV) and check (the checker's
 * own command line). */
#include "config.h"

#include "cli.h"
#include "../checker/axcheck.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Reject options other than the listed flags; set *flag[i] for each seen.
 * Returns -1 when all is well, else the exit status.  Positional arguments
 * are moved to pos (at most maxpos). */
static int simple_args(const char *cmd, int argc, char **argv, const char *const *flags,
		       bool *seen, char **pos, int maxpos, int *npos)
{
	int hv = cli_help_version(cmd, argc, argv);
	if (hv >= 0)
		return hv;
	*npos = 0;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (a[0] == '-' && a[1]) {
			int k;
			for (k = 0; flags && flags[k] && strcmp(flags[k], a); k++)
				;
			if (!flags || !flags[k])
				return cli_usage_error(cmd, "unknown option '%s'", a);
			seen[k] = true;
			continue;
		}
		if (*npos == maxpos)
			return cli_usage_error(cmd, "unexpected argument '%s'", a);
		pos[(*npos)++] = argv[i];
	}
	return -1;
}

/* Take "--NAME VALUE" (or --NAME=VALUE) out of argv; *value is VALUE
 * (what says what it should be, for the message when it is missing).
 * Returns -1 when all is well, else the exit status. */
static int take_value(const char *cmd, int *argc, char **argv, const char *name,
		      const char *what, const char **value)
{
	size_t nl = strlen(name);
	int o = 1, i = 1;
	for (; i < *argc; i++) {
		if (!strcmp(argv[i], "--"))
			break;
		const char *v;
		if (!strncmp(argv[i], name, nl) && argv[i][nl] == '=') {
			v = argv[i] + nl + 1;
		} else if (!strcmp(argv[i], name)) {
			v = i + 1 < *argc ? argv[++i] : "";
		} else {
			argv[o++] = argv[i];
			continue;
		}
		if (!*v)
			return cli_usage_error(cmd, "'%s' needs %s", name, what);
		*value = v;
	}
	while (i < *argc)
		argv[o++] = argv[i++];
	argv[o] = NULL;
	*argc = o;
	return -1;
}

int cli_init_cmd(int argc, char **argv)
{
	char *pos[1];
	const char *course = NULL, *server = NULL, *code = NULL, *name = NULL;
	int np, rc = cli_help_version("init", argc, argv);
	if (rc >= 0 || (rc = take_value("init", &argc, argv, "--course", "a file", &course)) >= 0 ||
	    (rc = take_value("init", &argc, argv, "--name", "your name", &name)) >= 0 ||
	    (rc = take_value("init", &argc, argv, "--class", "HOST:PORT", &server)) >= 0 ||
	    (rc = take_value("init", &argc, argv, "--code", "the class code", &code)) >= 0 ||
	    (rc = simple_args("init", argc, argv, NULL, NULL, pos, 1, &np)) >= 0)
		return rc;
	if (!server != !code)
		return cli_usage_error("init", "--class HOST:PORT and --code CODE go together");
	if (name && !axl_learner_name_ok(name))
		return cli_usage_error("init", "--name wants 1 to %d printable characters",
				       AXL_LEARNER_NAME_MAX);
	cli c;
	cli_init(&c, "init");
	c.no_course = true;
	if ((rc = cli_load_catalog(&c)))
		goto out;
	const char *dir = np ? pos[0] : AXL_DEFAULT_WORKSPACE;
	axl_workspace *existing = NULL;
	bool was = axl_workspace_open(dir, &existing) == 0;
	/* The course: --course, else ASYNCLAB_COURSE, else the one the
	 * workspace already has. */
	const char *env = getenv("ASYNCLAB_COURSE");
	char *stored = was ? axl_workspace_course(existing) : NULL;
	axl_workspace_free(existing);
	const char *use = course ? course : env && *env ? env : stored;
	rc = use ? cli_apply_course(&c, use) : 0;
	free(stored);
	if (rc)
		goto out;
	int copied = 0;
	int e = axl_workspace_init(dir, c.cat, &c.ws, &copied);
	if (e < 0) {
		fprintf(stderr, "asynclab init: cannot create a workspace at %s: %s\n", dir,
			strerror(-e));
		rc = CLI_USAGE;
		goto out;
	}
	axl_diags d = { 0 };
	e = axl_progress_load(c.ws->progress_path, &c.prog, &d);
	for (size_t i = 0; i < d.n; i++)
		fprintf(stderr, "asynclab: warning: %s\n", d.msg[i]);
	axl_diags_free(&d);
	if (!c.prog || (rc = cli_learner(&c, name, server != NULL)) || cli_save_progress(&c)) {
		rc = rc ? rc : CLI_FAIL;
		goto out;
	}
	if (was)
		printf("%s is already a workspace; %d new exercise%s copied, none overwritten.\n",
		       cli_rel(c.ws->root), copied, copied == 1 ? "" : "s");
	else
		printf("Created a workspace at %s:\n  %s/  your copies of the %d exercises "
		       "(the lessons stay untouched)\n  %s  your progress\n",
		       cli_rel(c.ws->root), cli_rel(c.ws->exercises), copied,
		       cli_rel(c.ws->progress_path));
	char *keep = course ? NULL : axl_workspace_course(c.ws);
	if (course) {
		/* A copy, so the learners need neither the file nor the variable. */
		char *to = NULL;
		e = asprintf(&to, "%s/%s", c.ws->state, AXL_COURSE_FILE) < 0 ? -ENOMEM
									   : axl_copy_file(course, to);
		if (e < 0) {
			fprintf(stderr, "asynclab init: cannot store the course in %s: %s\n",
				cli_rel(c.ws->state), strerror(-e));
			free(to);
			rc = CLI_FAIL;
			goto out;
		}
		printf("Course: %zu lesson%s from %s, stored as %s.\n", c.cat->n,
		       c.cat->n == 1 ? "" : "s", course, cli_rel(to));
		free(to);
	} else if (keep && c.cat->course && !strcmp(keep, c.cat->course)) {
		printf("Course: %zu lesson%s from %s.\n", c.cat->n, c.cat->n == 1 ? "" : "s",
		       cli_rel(keep));
	}
	free(keep);
	if (server && (rc = cli_join_class(&c, server, code)))
		goto out;
	printf("Next: cd %s, open exercises/%s.c in your editor, then run "
	       "`asynclab verify %s`.\n", cli_rel(c.ws->root), c.cat->lessons[0]->folder,
	       c.cat->lessons[0]->id);
out:
	cli_free(&c);
	return rc;
}

static void list_text(cli *c)
{
	size_t passed = 0;
	for (size_t i = 0; i < c->cat->n; i++) {
		const axl_lesson *l = c->cat->lessons[i];
		const char *st = cli_status(c, l);
		passed += !strcmp(st, "passed");
		/* A course keeps each lesson's own number (the one its file,
		 * its text and the lab show) and gives its place beside it. */
		char place[64] = "";
		if (c->cat->course)
			snprintf(place, sizeof place, " (%zu/%zu)", i + 1, c->cat->n);
		printf("%s %02d%-*s  %-20s %-8s %s\n", !strcmp(st, "current") ? ">" : " ", l->order,
		       c->cat->course ? 8 : 0, place, axc_safe(l->id), st, axc_safe(l->title));
	}
	const axl_lesson *cur = cli_current(c);
	printf("%zu of %zu passed.  Next: edit %s/%s.c, then `asynclab verify %s` "
	       "(`asynclab hint %s` when stuck).\n", passed, c->cat->n, cli_rel(c->ws->exercises),
	       cur->folder, cur->id, cur->id);
}

int cli_list(int argc, char **argv)
{
	static const char *const flags[] = { "--json", NULL };
	bool seen[1] = { false };
	char *pos[1];
	int np, rc = simple_args("list", argc, argv, flags, seen, pos, 0, &np);
	if (rc >= 0)
		return rc;
	cli c;
	cli_init(&c, "list");
	if ((rc = cli_load_catalog(&c)) || (rc = cli_open_workspace(&c)))
		goto out;
	if (!seen[0]) {
		list_text(&c);
		goto out;
	}
	json_t *arr = json_array();
	for (size_t i = 0; i < c.cat->n; i++) {
		const axl_lesson *l = c.cat->lessons[i];
		char *ex = axl_workspace_exercise(c.ws, l);
		json_t *o = json_pack("{s:s, s:i, s:s, s:s, s:s, s:s?, s:i, s:i}", "id", l->id,
				      "order", l->order, "title", l->title, "concept", l->concept,
				      "status", cli_status(&c, l), "file", ex, "checks",
				      (int)l->nchecks, "hints", l->nhints);
		if (l->time_box_min)
			json_object_set_new(o, "time_box_min", json_integer(l->time_box_min));
		json_array_append_new(arr, o);
		free(ex);
	}
	json_t *doc = json_pack("{s:i, s:s, s:s?, s:s, s:o}", "version", 1, "lessons_dir",
				c.cat->dir, "course", c.cat->course, "workspace", c.ws->root,
				"lessons", arr);
	json_dumpf(doc, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	printf("\n");
	json_decref(doc);
out:
	cli_free(&c);
	return rc;
}

/* The common start of hint, solution and reset: catalog, workspace, lesson. */
static int lesson_cmd(cli *c, const char *cmd, int argc, char **argv, bool need_lesson,
		      const axl_lesson **l)
{
	char *pos[1];
	int np, rc = simple_args(cmd, argc, argv, NULL, NULL, pos, 1, &np);
	if (rc >= 0)
		return rc;
	if (need_lesson && !np)
		return cli_usage_error(cmd, "which lesson? (an id like join, or a number)");
	cli_init(c, cmd);
	if ((rc = cli_load_catalog(c)) || (rc = cli_open_workspace(c)))
		return rc;
	*l = np ? cli_lesson(c, pos[0]) : cli_current(c);
	return *l ? -1 : CLI_USAGE;
}

int cli_hint(int argc, char **argv)
{
	cli c = { 0 };
	const axl_lesson *l = NULL;
	int rc = lesson_cmd(&c, "hint", argc, argv, false, &l);
	if (rc >= 0)
		goto out;
	int level = 0;
	char *text = NULL;
	const axl_lesson_progress *lp = axl_progress_find(c.prog, l->id);
	bool again = lp && lp->hints >= l->nhints;
	int e = axl_hint_next(c.prog, l, &level, &text);
	if (e < 0) {
		fprintf(stderr, "asynclab hint: lesson '%s' has no hints%s%s\n", l->id,
			e == -ENOENT ? "" : ": ", e == -ENOENT ? "" : strerror(-e));
		rc = CLI_FAIL;
		goto out;
	}
	axl_progress_touch(c.prog, l->id, (int64_t)time(NULL));
	printf("%sHint %d of %d%s for lesson %02d %s%s\n\n", cli_bold(&c), level, l->nhints,
	       cli_reset(&c), l->order, axc_safe(l->id),
	       again ? " (you have seen every hint; this is the last one again)" : "");
	axc_safe_fputs(text, stdout, AXC_SAFE_LINES);
	if (*text && text[strlen(text) - 1] != '\n')
		printf("\n");
	if (level < l->nhints)
		printf("\n(`asynclab hint %s` again shows the next level.)\n", l->id);
	free(text);
	rc = cli_save_progress(&c);
out:
	cli_free(&c);
	return rc;
}

int cli_solution(int argc, char **argv)
{
	cli c = { 0 };
	const axl_lesson *l = NULL;
	int rc = lesson_cmd(&c, "solution", argc, argv, false, &l);
	if (rc >= 0)
		goto out;
	char *text = NULL;
	int e = axl_solution(c.prog, l, &text);
	if (e == -EACCES) {
		fprintf(stderr, "asynclab solution: the solution of '%s' unlocks once you pass the "
				"lesson: `asynclab verify %s` (stuck? `asynclab hint %s`).\n",
			l->id, l->id, l->id);
		rc = CLI_FAIL;
	} else if (e < 0) {
		fprintf(stderr, "asynclab solution: cannot read the solution of '%s': %s\n", l->id,
			strerror(-e));
		rc = CLI_FAIL;
	} else {
		axc_safe_fputs(text, stdout, AXC_SAFE_LINES);
		rc = CLI_OK;
	}
	free(text);
out:
	cli_free(&c);
	return rc;
}

int cli_reset_cmd(int argc, char **argv)
{
	cli c = { 0 };
	const axl_lesson *l = NULL;
	int rc = lesson_cmd(&c, "reset", argc, argv, true, &l);
	if (rc >= 0)
		goto out;
	char *backup = NULL;
	char *ex = axl_workspace_exercise(c.ws, l);
	int e = axl_workspace_reset(c.ws, l, time(NULL), &backup);
	if (e < 0) {
		fprintf(stderr, "asynclab reset: cannot reset %s: %s\n", ex ? cli_rel(ex) : l->id,
			strerror(-e));
		rc = CLI_FAIL;
	} else {
		printf("%s is the starter again.", ex ? cli_rel(ex) : l->id);
		if (backup)
			printf(" Your version is kept in %s.", cli_rel(backup));
		printf("\n");
		rc = CLI_OK;
	}
	free(ex);
	free(backup);
out:
	cli_free(&c);
	return rc;
}

void cli_csv_field(FILE *out, const char *s, bool last)
{
	/* Control characters are escaped here too: CSV often goes to a
	 * terminal first. */
	char *safe = axc_safe_dup(s, AXC_SAFE_LINES);
	s = safe ? safe : "";
	if (strpbrk(s, ",\"\n")) {
		putc('"', out);
		for (; *s; s++) {
			if (*s == '"')
				putc('"', out);
			putc(*s, out);
		}
		putc('"', out);
	} else {
		fputs(s, out);
	}
	free(safe);
	putc(last ? '\n' : ',', out);
}

int cli_progress(int argc, char **argv)
{
	static const char *const flags[] = { "--json", "--csv", NULL };
	bool seen[2] = { false, false };
	char *pos[1];
	int np, rc = simple_args("progress", argc, argv, flags, seen, pos, 0, &np);
	if (rc >= 0)
		return rc;
	if (seen[0] && seen[1])
		return cli_usage_error("progress", "choose one of --json and --csv");
	cli c;
	cli_init(&c, "progress");
	if ((rc = cli_load_catalog(&c)) || (rc = cli_open_workspace(&c)))
		goto out;
	if (seen[0]) {
		json_t *doc = axl_progress_to_json(c.prog);
		json_t *rows = json_array();
		for (size_t i = 0; i < c.cat->n; i++) {
			const axl_lesson *l = c.cat->lessons[i];
			const axl_lesson_progress *lp = axl_progress_find(c.prog, l->id);
			json_array_append_new(rows,
				json_pack("{s:s, s:i, s:s, s:s, s:i, s:i, s:I, s:s?}", "id", l->id,
					  "order", l->order, "title", l->title, "status",
					  cli_status(&c, l), "attempts", lp ? lp->attempts : 0,
					  "hints", lp ? lp->hints : 0, "time_s",
					  (json_int_t)(lp ? lp->time_s : 0), "last_failed",
					  lp ? lp->last_failed : NULL));
		}
		json_object_set_new(doc, "workspace", json_string(c.ws->root));
		json_object_set_new(doc, "by_lesson", rows);
		json_dumpf(doc, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		printf("\n");
		json_decref(doc);
		goto out;
	}
	if (seen[1])
		printf("order,id,title,status,attempts,hints_used,time_s,last_failed\n");
	else
		printf("    %-20s %-8s %8s %5s %8s  %s\n", "lesson", "status", "attempts", "hints",
		       "time", "last failed check");
	size_t passed = 0;
	for (size_t i = 0; i < c.cat->n; i++) {
		const axl_lesson *l = c.cat->lessons[i];
		const axl_lesson_progress *lp = axl_progress_find(c.prog, l->id);
		const char *st = cli_status(&c, l);
		passed += !strcmp(st, "passed");
		int att = lp ? lp->attempts : 0, hints = lp ? lp->hints : 0;
		long long ts = lp ? (long long)lp->time_s : 0;
		const char *lf = lp && lp->last_failed && !lp->passed ? lp->last_failed : "";
		if (seen[1]) {
			printf("%d,", l->order);
			cli_csv_field(stdout, l->id, false);
			cli_csv_field(stdout, l->title, false);
			printf("%s,%d,%d,%lld,", st, att, hints, ts);
			cli_csv_field(stdout, lf, true);
		} else {
			printf("%02d  %-20s %-8s %8d %5d %4lldm%02llds  %s\n", l->order,
			       axc_safe(l->id), st, att, hints, ts / 60, ts % 60, axc_safe(lf));
		}
	}
	if (!seen[1])
		printf("%zu of %zu lessons passed.  Progress file: %s\n", passed, c.cat->n,
		       cli_rel(c.ws->progress_path));
out:
	cli_free(&c);
	return rc;
}

/* The checker names no lesson; the catalog, when one loads, says which
 * lesson teaches each fix. */
int cli_check(int argc, char **argv)
{
	axl_catalog *cat = NULL;
	axl_diags d = { 0 };
	if (axl_catalog_load(NULL, &cat, &d) < 0)
		cat = NULL;
	axl_diags_free(&d);
	axc_render_opts ro = { .lesson_of = cli_lesson_of, .ud = cat };
	int rc = axc_main(argc, argv, cat ? &ro : NULL);
	axl_catalog_free(cat);
	return rc;
}
