/* cli_verify.c - `asynclab verify` (one lesson, a given file, or every
 * lesson for an autograder) and `asynclab run`, with the text and JSON
 * renderings of a verification result. */
#include "config.h"

#include "cli.h"
#include "../checker/axcheck.h"
#include "crash.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static const char *end_name(axl_end e)
{
	static const char *const n[] = { "exited", "not-built", "signal", "time-limit",
					 "memory-limit", "process-limit", "output-limit",
					 "old-shape", "deadlock", "stuck", "unfinished" };
	return (unsigned)e < sizeof n / sizeof *n ? n[e] : "?";
}

const char *cli_lesson_of(void *cat, const char *finding)
{
	const axl_lesson *l = axl_catalog_teaching(cat, finding);
	return l ? l->id : NULL;
}

json_t *cli_result_json(const axl_result *r, const char *file)
{
	const axl_lesson *l = r->lesson;
	json_t *checks = json_array();
	for (size_t i = 0; i < r->nmarks; i++) {
		const axl_mark *m = &r->marks[i];
		json_array_append_new(checks,
			json_pack("{s:s, s:s, s:b, s:b, s:s?, s:s?, s:i}", "name", m->check->name,
				  "kind", axl_check_kind_name(m->check->kind), "passed", m->passed,
				  "skipped", m->skipped, "message", m->passed ? NULL : m->message,
				  "actual", m->actual, "line", m->line));
	}
	json_t *findings = json_array();
	for (size_t i = 0; i < r->nfindings; i++) {
		const axl_finding *f = &r->findings[i];
		json_array_append_new(findings,
			json_pack("{s:s, s:s, s:s, s:i, s:s, s:s}", "id", f->id, "message",
				  f->message, "file", f->file, "line", f->line, "fix", f->fix,
				  "lesson", f->lesson));
	}
	json_t *o = json_pack("{s:s?, s:i, s:s?, s:s?, s:b, s:s, s:s?, s:o, s:o}",
			      "lesson", l ? l->id : NULL, "order", l ? l->order : -1,
			      "title", l ? l->title : NULL, "file", file, "passed", r->passed,
			      "end", end_name(r->end), "verdict", r->verdict, "checks", checks,
			      "findings", findings);
	if (r->end == AXL_END_EXITED)
		json_object_set_new(o, "status", json_integer(r->status));
	if (r->end == AXL_END_NOT_BUILT || r->end == AXL_END_OLD_SHAPE)
		json_object_set_new(o, "build_output", json_string(r->build_output));
	json_object_set_new(o, "stats",
		json_pack("{s:I, s:I, s:I, s:I}", "virtual_ms", (json_int_t)(r->virtual_ns / 1000000),
			  "wall_ms", (json_int_t)(r->wall_ns / 1000000), "peak_live_tasks",
			  (json_int_t)r->peak_live, "tasks_spawned", (json_int_t)r->spawned));
	return o;
}

/* The last n lines of text, for a short look at what the program printed. */
static const char *tail_lines(const char *text, int n)
{
	const char *p = text + strlen(text);
	if (p > text && p[-1] == '\n')
		p--;
	while (p > text) {
		if (p[-1] == '\n' && --n == 0)
			break;
		p--;
	}
	return p;
}

void cli_print_result(const cli *c, const axl_result *r, const char *file)
{
	const axl_lesson *l = r->lesson;
	printf("%sLesson %02d %s%s: %s  (%s)\n", cli_bold(c), l->order, axc_safe(l->id),
	       cli_reset(c), axc_safe(l->title), axc_safe(cli_rel(file)));
	if (r->end == AXL_END_NOT_BUILT || r->end == AXL_END_OLD_SHAPE) {
		printf("%s\n", r->end == AXL_END_OLD_SHAPE ? "The exercise is in an older shape:"
							   : "The exercise did not compile:");
		axc_safe_fputs(r->build_output, stdout, AXC_SAFE_LINES);
		if (*r->build_output && r->build_output[strlen(r->build_output) - 1] != '\n')
			printf("\n");
	}
	for (size_t i = 0; i < r->nmarks; i++) {
		const axl_mark *m = &r->marks[i];
		if (m->skipped)
			printf("  SKIP  %s: %s\n", axc_safe(m->check->name), axc_safe(m->message));
		else if (m->passed)
			printf("  %sPASS%s  %s\n", cli_green(c), cli_reset(c),
			       axc_safe(m->check->name));
		else
			printf("  %sFAIL%s  %s: %s\n", cli_red(c), cli_reset(c),
			       axc_safe(m->check->name), axc_safe(m->message));
	}
	if (r->end != AXL_END_NOT_BUILT && r->end != AXL_END_OLD_SHAPE) {
		printf("Run: %s; %llu ms of virtual time, %llu task%s at the peak.\n",
		       r->verdict ? axc_safe(r->verdict) : "?",
		       (unsigned long long)(r->virtual_ns / 1000000),
		       (unsigned long long)r->peak_live, r->peak_live == 1 ? "" : "s");
	}
	for (size_t i = 0; i < r->nfindings; i++) {
		const axl_finding *f = &r->findings[i];
		if (*f->file)
			printf("%s:%d: warning: %s [%s]\n", axc_safe(cli_rel(f->file)), f->line,
			       axc_safe(f->message), axc_safe(f->id));
		else
			printf("warning: %s [%s]\n", axc_safe(f->message), axc_safe(f->id));
		if (*f->fix)
			printf("    fix: %s\n", axc_safe(f->fix));
	}
	crash_site cs;
	if (crash_find(r, file, &cs)) {
		if (cs.found) {
			printf("%s:%d: crashed here with %s, in %s\n", axc_safe(cli_rel(cs.at.file)),
			       cs.at.line, cs.signal ? axc_safe(cs.signal) : "a signal", axc_safe(cs.at.fn));
			if (cs.source)
				printf("%5d | %s\n", cs.at.line, axc_safe(cs.source));
			for (int i = 0; i < cs.ncallers; i++)
				printf("    called from %s:%d, in %s\n", axc_safe(cli_rel(cs.callers[i].file)),
				       cs.callers[i].line, axc_safe(cs.callers[i].fn));
		} else {
			printf("It crashed with %s inside a library: none of its own lines is on the "
			       "stack.\n", cs.signal ? axc_safe(cs.signal) : "a signal");
		}
		crash_free(&cs);
	}
	if (!r->passed && r->end != AXL_END_NOT_BUILT && r->end != AXL_END_OLD_SHAPE) {
		if (*r->out) {
			printf("Last lines of its output:\n");
			axc_safe_fputs(tail_lines(r->out, 8), stdout, AXC_SAFE_LINES);
			printf("%s", r->out[strlen(r->out) - 1] == '\n' ? "" : "\n");
		}
		if (*r->err && r->end != AXL_END_EXITED) {
			printf("Its stderr:\n");
			axc_safe_fputs(tail_lines(r->err, 8), stdout, AXC_SAFE_LINES);
			printf("%s", r->err[strlen(r->err) - 1] == '\n' ? "" : "\n");
		}
	}
	if (r->passed)
		printf("%sPassed%s: every check of '%s' passes.\n", cli_green(c), cli_reset(c),
		       l->id);
	else
		printf("%sNot yet%s: %zu of %zu checks failed.\n", cli_red(c), cli_reset(c),
		       r->nfailed, r->nmarks);
}

/* Mark a lesson passed (verify --all records passes, never attempts). */
static void note_pass(cli *c, const axl_lesson *l, int64_t now)
{
	axl_lesson_progress *lp = axl_progress_get(c->prog, l->id);
	if (lp && !lp->passed) {
		lp->passed = true;
		lp->passed_at = now;
	}
}

static int verify_all(cli *c, bool json)
{
	bool tty = isatty(STDERR_FILENO);
	json_t *lessons = json_array();
	size_t passed = 0;
	int rc = CLI_OK;
	for (size_t i = 0; i < c->cat->n; i++) {
		const axl_lesson *l = c->cat->lessons[i];
		if (tty)
			fprintf(stderr, "\r[%2zu/%zu] verifying %-24s", i + 1, c->cat->n, l->id);
		axl_workspace_ensure(c->ws, l);
		char *file = axl_workspace_exercise(c->ws, l);
		axl_result *r = NULL;
		int e = file ? axl_verify(l, file, &r) : -1;
		axl_result_name_lessons(r, c->cat);
		if (e < 0 || !r) {
			fprintf(stderr, "%sasynclab verify: %s: could not run the checker: %s\n",
				tty ? "\n" : "", l->id, strerror(e < 0 ? -e : ENOMEM));
			json_array_append_new(lessons, json_pack("{s:s, s:i, s:b, s:s}", "lesson",
								 l->id, "order", l->order,
								 "passed", 0, "error", "could not run"));
			rc = CLI_FAIL;
			free(file);
			continue;
		}
		if (r->passed) {
			passed++;
			note_pass(c, l, (int64_t)time(NULL));
		} else {
			rc = CLI_FAIL;
		}
		if (json) {
			json_array_append_new(lessons, cli_result_json(r, file));
		} else {
			if (tty)
				fprintf(stderr, "\r%50s\r", "");
			const char *why = "";
			for (size_t k = 0; k < r->nmarks && !r->passed; k++)
				if (!r->marks[k].passed) {
					why = r->marks[k].check->name;
					break;
				}
			printf("%02d %-20s %s%s%s%s%s\n", l->order, axc_safe(l->id),
			       r->passed ? cli_green(c) : cli_red(c), r->passed ? "PASS" : "FAIL",
			       cli_reset(c), *why ? "  " : "", axc_safe(why));
		}
		axl_result_free(r);
		free(file);
	}
	if (tty)
		fprintf(stderr, "\r%50s\r", "");
	if (json) {
		json_t *doc = json_pack("{s:i, s:s, s:I, s:I, s:b, s:o}", "version", 1,
					"workspace", c->ws->root, "passed", (json_int_t)passed,
					"total", (json_int_t)c->cat->n, "all_passed",
					passed == c->cat->n, "lessons", lessons);
		json_dumpf(doc, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		printf("\n");
		json_decref(doc);
	} else {
		json_decref(lessons);
		printf("%zu of %zu lessons pass.\n", passed, c->cat->n);
	}
	if (cli_save_progress(c))
		rc = CLI_FAIL;
	return rc;
}

/* What `asynclab verify` was asked, and what follows from it. */
typedef struct verify_args {
	const char *key;  /* LESSON, or NULL */
	const char *file; /* --file, or NULL */
	bool all, json;
	bool record;	  /* the attempt counts in the progress */
	bool in_ws;	  /* --file was given inside a workspace */
} verify_args;

/* Returns -1 when the arguments are good, else the exit status. */
static int verify_parse(int argc, char **argv, verify_args *v)
{
	static const struct option opts[] = { { "file", required_argument, NULL, 'f' },
					      { "all", no_argument, NULL, 'a' },
					      { "json", no_argument, NULL, 'j' },
					      { NULL, 0, NULL, 0 } };
	int ch;
	memset(v, 0, sizeof *v);
	optind = 0;
	opterr = 0;
	/* GNU getopt permutes, so options may follow LESSON (verify join --json). */
	while ((ch = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		switch (ch) {
		case 'f': v->file = optarg; break;
		case 'a': v->all = true; break;
		case 'j': v->json = true; break;
		case ':':
			return cli_usage_error("verify", "'%s' needs a value", argv[optind - 1]);
		default:
			return cli_usage_error("verify", "unknown option '%s'", argv[optind - 1]);
		}
	}
	v->key = optind < argc ? argv[optind++] : NULL;
	if (optind < argc)
		return cli_usage_error("verify", "unexpected argument '%s'", argv[optind]);
	if (v->all && (v->key || v->file))
		return cli_usage_error("verify", "--all checks every lesson of the workspace; "
						 "it takes no LESSON or --file");
	v->record = !v->file;
	return -1;
}

/* The lesson a --file is for: the one named, else the one its file name
 * says ("04-join.c"); and whether the attempt is recorded.  Returns 0 or
 * the exit status. */
static int verify_file_lesson(cli *c, verify_args *v, const axl_lesson **l)
{
	if (access(v->file, R_OK) != 0)
		return cli_usage_error("verify", "cannot read '%s'", v->file);
	if (!*l) {
		const char *b = strrchr(v->file, '/');
		*l = axl_catalog_find(c->cat, b ? b + 1 : v->file);
	}
	if (!*l)
		return cli_usage_error("verify", "which lesson is '%s' for? Name it: "
					       "asynclab verify LESSON --file %s", v->file, v->file);
	/* In a workspace, --file naming its own exercise is an ordinary
	 * verify (recorded); any other file is only checked, and the
	 * learner is told so. */
	axl_workspace *w = NULL;
	if (axl_workspace_find(&w) == 0) {
		char *ex = axl_workspace_exercise(w, *l), a[PATH_MAX], b[PATH_MAX];
		bool own = ex && realpath(v->file, a) && realpath(ex, b) && !strcmp(a, b);
		free(ex);
		axl_workspace_free(w);
		v->in_ws = true;
		v->record = own;
		if (own)
			return cli_open_workspace(c);
	}
	return 0;
}

/* After a verify: say whether it counted, record it, and say what next. */
static int verify_record(cli *c, const axl_lesson *l, const axl_result *r, const char *path,
			 const verify_args *v)
{
	if (!v->record && v->in_ws && !v->json)
		printf("Not recorded in your progress: only your workspace's exercise for '%s' "
		       "counts, and %s is another file.\n", l->id, cli_rel(path));
	else if (v->record && v->file && !v->json)
		printf("Recorded in your progress (%s is your workspace's exercise).\n",
		       cli_rel(path));
	if (!v->record)
		return 0;
	int rc = 0;
	axl_progress_record(c->prog, c->cat, l, r, (int64_t)time(NULL));
	if (cli_save_progress(c))
		rc = CLI_FAIL;
	if (v->json)
		return rc;
	const axl_lesson *nx = cli_current(c);
	if (r->passed && nx != l)
		printf("Next: lesson %02d %s (`asynclab verify %s` once you have "
		       "edited %s/%s.c).\n", nx->order, nx->id, nx->id,
		       cli_rel(c->ws->exercises), nx->folder);
	else if (!r->passed)
		printf("Edit %s and verify again; stuck? `asynclab hint %s`.\n",
		       cli_rel(path), l->id);
	return rc;
}

/* Verify one file against a lesson and print the result.  Returns the
 * exit status. */
static int verify_one(cli *c, const axl_lesson *l, const verify_args *v)
{
	char *path = v->file ? strdup(v->file) : axl_workspace_exercise(c->ws, l);
	axl_result *r = NULL;
	int e = path ? axl_verify(l, path, &r) : -1;
	axl_result_name_lessons(r, c->cat);
	if (e < 0 || !r) {
		fprintf(stderr, "asynclab verify: could not run the checker: %s\n",
			strerror(e < 0 ? -e : ENOMEM));
		free(path);
		return CLI_USAGE;
	}
	if (v->json) {
		json_t *o = cli_result_json(r, path);
		json_object_set_new(o, "recorded", json_boolean(v->record));
		json_dumpf(o, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		printf("\n");
		json_decref(o);
	} else {
		cli_print_result(c, r, path);
	}
	int rc = r->passed ? CLI_OK : CLI_FAIL;
	if (verify_record(c, l, r, path, v))
		rc = CLI_FAIL;
	axl_result_free(r);
	free(path);
	return rc;
}

int cli_verify(int argc, char **argv)
{
	int hv = cli_help_version("verify", argc, argv);
	if (hv >= 0)
		return hv;
	verify_args v;
	int rc = verify_parse(argc, argv, &v);
	if (rc >= 0)
		return rc;
	cli c;
	cli_init(&c, "verify");
	const axl_lesson *l = NULL;
	if ((rc = cli_load_catalog(&c)))
		goto out;
	if (v.key && !(l = cli_lesson(&c, v.key))) {
		rc = CLI_USAGE;
		goto out;
	}
	if (v.file) {
		if ((rc = verify_file_lesson(&c, &v, &l)))
			goto out;
	} else {
		if ((rc = cli_open_workspace(&c)))
			goto out;
		if (v.all) {
			rc = verify_all(&c, v.json);
			goto out;
		}
		if (!l)
			l = cli_current(&c);
		axl_workspace_ensure(c.ws, l);
	}
	rc = verify_one(&c, l, &v);
out:
	cli_free(&c);
	return rc;
}

int cli_run(int argc, char **argv)
{
	int hv = cli_help_version("run", argc, argv);
	if (hv >= 0)
		return hv;
	for (int i = 1; i < argc; i++)
		if (argv[i][0] == '-' && argv[i][1])
			return cli_usage_error("run", "unknown option '%s'", argv[i]);
	if (argc > 2)
		return cli_usage_error("run", "one LESSON, please");
	cli c;
	cli_init(&c, "run");
	int rc = cli_load_catalog(&c);
	if (rc || (rc = cli_open_workspace(&c)))
		goto out;
	const axl_lesson *l = argc > 1 ? cli_lesson(&c, argv[1]) : cli_current(&c);
	if (!l) {
		rc = CLI_USAGE;
		goto out;
	}
	axl_workspace_ensure(c.ws, l);
	char *path = axl_workspace_exercise(c.ws, l);
	axl_run_opts o = { .file = path, .plain = true };
	axl_result *r = NULL;
	int e = path ? axl_run(l, &o, &r) : -1;
	if (e < 0 || !r) {
		fprintf(stderr, "asynclab run: could not run the checker: %s\n",
			strerror(e < 0 ? -e : ENOMEM));
		free(path);
		rc = CLI_USAGE;
		goto out;
	}
	if (r->end == AXL_END_NOT_BUILT || r->end == AXL_END_OLD_SHAPE) {
		printf("%s %s\n", axc_safe(cli_rel(path)),
		       r->end == AXL_END_OLD_SHAPE ? "is in an older shape:" : "did not compile:");
		axc_safe_fputs(r->build_output, stdout, AXC_SAFE_LINES);
	} else {
		axc_safe_fputs(r->out, stdout, AXC_SAFE_LINES);
		if (*r->out && r->out[strlen(r->out) - 1] != '\n')
			printf("\n");
		fflush(stdout);
		axc_safe_fputs(r->err, stderr, AXC_SAFE_LINES);
		printf("--- %s; %llu ms of virtual time, %llu task%s at the peak\n", axc_safe(r->verdict),
		       (unsigned long long)(r->virtual_ns / 1000000),
		       (unsigned long long)r->peak_live, r->peak_live == 1 ? "" : "s");
		if (r->nfindings)
			axc_render_text(r->report,
					&(axc_render_opts){ .lesson_of = cli_lesson_of, .ud = c.cat },
					stdout);
	}
	rc = r->end == AXL_END_EXITED && r->status == 0 ? CLI_OK : CLI_FAIL;
	axl_progress_touch(c.prog, l->id, (int64_t)time(NULL));
	cli_save_progress(&c);
	axl_result_free(r);
	free(path);
out:
	cli_free(&c);
	return rc;
}
