/* cli_class.c - `asynclab class`: the instructor's view of many learners'
 * progress, per lesson, as a table for the terminal (with a call-out when
 * several learners are stuck on the same check) or as JSON or CSV for
 * tools.  The numbers come from axl_class_gather. */
#include "config.h"

#include "cli.h"

#include <stdlib.h>
#include <string.h>

#define NAMES_SHOWN 8 /* learners named under a call-out before "and N more" */

static void fmt_time(char *buf, size_t n, int64_t s)
{
	snprintf(buf, n, "%lldm%02llds", (long long)(s / 60), (long long)(s % 60));
}

static void fmt_attempts(char *buf, size_t n, const axl_class_lesson *cl)
{
	if (cl->worked)
		snprintf(buf, n, "%.1f", cl->median_attempts);
	else
		snprintf(buf, n, "-");
}

static void print_names(const axl_class *k, const axl_class_fail *f)
{
	printf("      ");
	for (size_t i = 0; i < f->count && i < NAMES_SHOWN; i++)
		printf("%s%s", i ? ", " : "", axc_safe(k->learners[f->learners[i]].name));
	if (f->count > NAMES_SHOWN)
		printf(" and %zu more", f->count - NAMES_SHOWN);
	printf("\n");
}

/* One line per learner: where they are, for how long, held by what. */
static void learners_text(const cli *c, const axl_class *k)
{
	if (!k->nlearners)
		return;
	printf("\n%s%-18s %-18s %7s %8s %5s  %s%s\n", cli_bold(c), "Learners", "on lesson",
	       "passed", "time", "tries", "failing", cli_reset(c));
	for (size_t j = 0; j < k->nlearners; j++) {
		const axl_class_learner *L = &k->learners[j];
		char on[64], tm[32], tries[16];
		if (L->current)
			snprintf(on, sizeof on, "%02d %s", L->current->order,
				 axc_safe(L->current->id));
		else
			snprintf(on, sizeof on, "(all passed)");
		fmt_time(tm, sizeof tm, L->time_on);
		snprintf(tries, sizeof tries, "%d", L->attempts_on);
		char passed[32];
		snprintf(passed, sizeof passed, "%zu/%zu", L->passed, k->nlessons);
		printf("  %-16.16s %-18.18s %7s %8s %5s  %s%s%s%s\n", axc_safe(L->name), on, passed, L->current ? tm : "-", L->current ? tries : "-",
		       L->failing ? axc_safe(L->failing) : "", L->over_box ? cli_red(c) : "",
		       L->over_box ? (L->failing ? "  over the time box" : "over the time box") : "",
		       L->over_box ? cli_reset(c) : "");
	}
}

static void class_text(const cli *c, const axl_class *k)
{
	printf("%sClass: %zu learner%s, %zu lesson%s%s%s%s%s\n", cli_bold(c), k->nlearners,
	       k->nlearners == 1 ? "" : "s", k->nlessons, k->nlessons == 1 ? "" : "s",
	       c->cat->course ? " (course " : "", c->cat->course ? cli_rel(c->cat->course) : "",
	       c->cat->course ? ")" : "", cli_reset(c));
	printf("    %-20s %7s %6s %6s %6s %8s %5s %4s  %s\n", "lesson", "passed", "on it", "worked",
	       "tries", "time", "hints", "box", "most common failure");
	size_t stuck = 0;
	for (size_t i = 0; i < k->nlessons; i++) {
		const axl_class_lesson *cl = &k->lessons[i];
		const axl_lesson *l = cl->lesson;
		char passed[32], tries[16], tm[32], box[16], top[128];
		snprintf(passed, sizeof passed, "%zu/%zu", cl->passed, k->nlearners);
		fmt_attempts(tries, sizeof tries, cl);
		if (cl->worked)
			fmt_time(tm, sizeof tm, cl->median_time_s);
		else
			snprintf(tm, sizeof tm, "-");
		if (l->time_box_min)
			snprintf(box, sizeof box, "%dm", l->time_box_min);
		else
			snprintf(box, sizeof box, "-");
		if (cl->nfails)
			snprintf(top, sizeof top, "%s (%zu)", axc_safe(cl->fails[0].check),
				 cl->fails[0].count);
		else
			snprintf(top, sizeof top, "-");
		printf("%02d  %-20s %7s %6zu %6zu %6s %8s %5lld %4s  %s\n", l->order,
		       axc_safe(l->id), passed, cl->current, cl->worked, tries, tm,
		       (long long)cl->hints, box, top);
		/* Several learners on the same failing check: one explanation to
		 * the room beats the same one given at each desk. */
		for (size_t f = 0; f < cl->nfails && cl->fails[f].count >= 2; f++) {
			const axl_class_fail *fl = &cl->fails[f];
			char *msg = fl->def ? axl_check_message_generic(fl->def) : NULL;
			printf("    %s! %zu learners stuck on %s/%s%s%s%s\n", cli_red(c), fl->count,
			       axc_safe(l->id), axc_safe(fl->check), msg ? ": " : "",
			       msg ? axc_safe(msg) : "", cli_reset(c));
			print_names(k, fl);
			free(msg);
			stuck++;
		}
		if (cl->over_box) {
			printf("    %s! %zu learner%s over the %d-minute time box%s\n", cli_red(c),
			       cl->over_box, cl->over_box == 1 ? "" : "s", l->time_box_min,
			       cli_reset(c));
			axl_class_fail who = { .count = cl->over_box, .learners = cl->over };
			print_names(k, &who);
		}
	}
	if (!stuck && k->nlearners > 1)
		printf("No check holds back two or more learners.\n");
	learners_text(c, k);
}

static json_t *fail_json(const axl_class *k, const axl_class_fail *f)
{
	json_t *who = json_array();
	for (size_t i = 0; i < f->count; i++)
		json_array_append_new(who, json_string(k->learners[f->learners[i]].name));
	char *msg = f->def ? axl_check_message_generic(f->def) : NULL;
	json_t *o = json_pack("{s:s, s:I, s:s?, s:o}", "check", f->check, "count",
			      (json_int_t)f->count, "message", msg, "learners", who);
	free(msg);
	return o;
}

static void class_json(const cli *c, const axl_class *k)
{
	json_t *learners = json_array(), *skipped = json_array(), *lessons = json_array();
	for (size_t i = 0; i < k->nlearners; i++) {
		const axl_class_learner *L = &k->learners[i];
		json_array_append_new(learners,
			json_pack("{s:s, s:s?, s:s?, s:s?, s:I, s:I, s:i, s:b, s:s?, s:I}", "name",
				  L->name, "id", L->id, "progress", L->progress_path, "current",
				  L->current ? L->current->id : NULL, "passed",
				  (json_int_t)L->passed, "time_on_current_s", (json_int_t)L->time_on,
				  "attempts_on_current", L->attempts_on, "over_time_box",
				  L->over_box, "failing", L->failing, "last_active",
				  (json_int_t)L->last_active));
	}
	for (size_t i = 0; i < k->nskipped; i++)
		json_array_append_new(skipped, json_pack("{s:s, s:s}", "path", k->skipped[i].path,
							 "error", k->skipped[i].why));
	json_t *same = json_array();
	for (size_t i = 0; i < k->nsame; i++)
		json_array_append_new(same, json_pack("{s:s, s:s}", "path", k->same[i].path, "note",
						      k->same[i].why));
	for (size_t i = 0; i < k->nlessons; i++) {
		const axl_class_lesson *cl = &k->lessons[i];
		const axl_lesson *l = cl->lesson;
		json_t *fails = json_array();
		for (size_t f = 0; f < cl->nfails; f++)
			json_array_append_new(fails, fail_json(k, &cl->fails[f]));
		json_t *o = json_pack(
			"{s:s, s:i, s:s, s:I, s:I, s:I, s:f, s:I, s:I, s:I, s:I}", "id", l->id, "order",
			l->order, "title", l->title, "passed", (json_int_t)cl->passed, "current",
			(json_int_t)cl->current, "worked", (json_int_t)cl->worked, "median_attempts",
			cl->median_attempts, "median_time_s", (json_int_t)cl->median_time_s,
			"hints_used", (json_int_t)cl->hints, "learners_hinted", (json_int_t)cl->hinted,
			"over_time_box", (json_int_t)cl->over_box);
		json_object_set_new(o, "time_box_min",
				    l->time_box_min ? json_integer(l->time_box_min) : json_null());
		json_object_set_new(o, "top_failed",
				    cl->nfails ? fail_json(k, &cl->fails[0]) : json_null());
		json_object_set_new(o, "failing", fails);
		json_t *over = json_array();
		for (size_t j = 0; j < cl->over_box; j++)
			json_array_append_new(over, json_string(k->learners[cl->over[j]].name));
		json_object_set_new(o, "over_time_box_learners", over);
		json_array_append_new(lessons, o);
	}
	json_t *doc = json_pack("{s:i, s:s, s:s?, s:I, s:I, s:o, s:o, s:o, s:o}", "version", 1,
				"lessons_dir", c->cat->dir, "course", c->cat->course,
				"learner_count", (json_int_t)k->nlearners, "at", (json_int_t)k->now,
				"learners", learners, "skipped", skipped, "same_learner", same,
				"lessons", lessons);
	json_dumpf(doc, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	printf("\n");
	json_decref(doc);
}

static void class_csv(const axl_class *k)
{
	printf("order,id,title,time_box_min,learners,worked,passed,current,median_attempts,"
	       "median_time_s,hints_used,learners_hinted,over_time_box,top_failed,"
	       "top_failed_count\n");
	for (size_t i = 0; i < k->nlessons; i++) {
		const axl_class_lesson *cl = &k->lessons[i];
		const axl_lesson *l = cl->lesson;
		printf("%d,", l->order);
		cli_csv_field(stdout, l->id, false);
		cli_csv_field(stdout, l->title, false);
		printf("%d,%zu,%zu,%zu,%zu,%.1f,%lld,%lld,%zu,%zu,", l->time_box_min, k->nlearners,
		       cl->worked, cl->passed, cl->current, cl->median_attempts,
		       (long long)cl->median_time_s, (long long)cl->hints, cl->hinted, cl->over_box);
		cli_csv_field(stdout, cl->nfails ? cl->fails[0].check : "", false);
		printf("%zu\n", cl->nfails ? cl->fails[0].count : 0);
	}
}

/* No course given: follow the one the learners' workspaces store (or
 * pushed to the class server), as they see their lessons. */
static int course_of_class(cli *c, const char *const *paths, size_t np)
{
	char *text = NULL, *from = NULL;
	size_t others = 0;
	if (axl_class_course(paths, np, &text, &from, &others) < 0) {
		fprintf(stderr, "asynclab class: out of memory\n");
		return CLI_FAIL;
	}
	if (!text)
		return 0;
	axl_diags d = { 0 };
	int rc = axl_catalog_apply_course_text(c->cat, text, from, &d);
	for (size_t i = 0; i < d.n; i++)
		fprintf(stderr, "asynclab class: %s\n", axc_safe(d.msg[i]));
	axl_diags_free(&d);
	if (rc < 0)
		fprintf(stderr, "asynclab class: the learners' course (%s) does not fit these "
				"lessons; showing every lesson (or give --course FILE)\n", from);
	else if (others)
		fprintf(stderr, "asynclab class: note: %zu learner%s follow%s another course than "
				"%s\n", others, others == 1 ? "" : "s", others == 1 ? "s" : "", from);
	free(text);
	free(from);
	return 0;
}

int cli_class(int argc, char **argv)
{
	int rc = cli_help_version("class", argc, argv);
	if (rc >= 0)
		return rc;
	bool json = false, csv = false, opts = true, watch = false;
	const char *course = NULL, *code = NULL;
	const char **paths = calloc((size_t)argc + 1, sizeof *paths);
	size_t np = 0;
	if (!paths)
		return CLI_FAIL;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (opts && !strcmp(a, "--")) {
			opts = false;
		} else if (opts && !strcmp(a, "--json")) {
			json = true;
		} else if (opts && !strcmp(a, "--csv")) {
			csv = true;
		} else if (opts && !strcmp(a, "--watch")) {
			watch = true;
		} else if (opts && !strcmp(a, "--code")) {
			if (i + 1 >= argc || !*argv[i + 1]) {
				free(paths);
				return cli_usage_error("class", "'--code' needs the dashboard code");
			}
			code = argv[++i];
		} else if (opts && !strcmp(a, "--course")) {
			if (i + 1 >= argc || !*argv[i + 1]) {
				free(paths);
				return cli_usage_error("class", "'--course' needs a file");
			}
			course = argv[++i];
		} else if (opts && !strncmp(a, "--course=", 9) && a[9]) {
			course = a + 9;
		} else if (opts && a[0] == '-' && a[1]) {
			free(paths);
			return cli_usage_error("class", "unknown option '%s'", a);
		} else {
			paths[np++] = a;
		}
	}
	if (json && csv) {
		free(paths);
		return cli_usage_error("class", "choose one of --json and --csv");
	}
	if (!np) {
		free(paths);
		return cli_usage_error("class", "which learners? Give their workspaces or "
						"progress.json files");
	}
	if (watch && (json || csv)) {
		free(paths);
		return cli_usage_error("class", "--watch draws the dashboard; --json and --csv "
						"print once");
	}
	if (code && (!watch || np != 1)) {
		free(paths);
		return cli_usage_error("class", "'--code' goes with --watch and one class server "
						"(HOST:PORT --code CODE)");
	}
	cli c;
	cli_init(&c, "class");
	c.no_course = course != NULL;
	axl_class *k = NULL;
	if ((rc = cli_load_catalog(&c)) || (course && (rc = cli_apply_course(&c, course))))
		goto out;
	if (code) { /* a class server: its learners' course comes with them */
		rc = cli_class_watch(&c, paths, np, code);
		goto out;
	}
	if (!c.cat->course && (rc = course_of_class(&c, paths, np)))
		goto out;
	if (watch) {
		rc = cli_class_watch(&c, paths, np, NULL);
		goto out;
	}
	if (axl_class_gather(c.cat, paths, np, &k) < 0) {
		fprintf(stderr, "asynclab class: out of memory\n");
		rc = CLI_FAIL;
		goto out;
	}
	for (size_t i = 0; i < k->nskipped; i++)
		fprintf(stderr, "asynclab class: skipped %s\n", axc_safe(k->skipped[i].why));
	for (size_t i = 0; i < k->nsame; i++)
		fprintf(stderr, "asynclab class: note: %s\n", axc_safe(k->same[i].why));
	if (json)
		class_json(&c, k);
	else if (csv)
		class_csv(k);
	else
		class_text(&c, k);
	if (k->nskipped)
		fprintf(stderr, "asynclab class: %zu path%s skipped; the numbers leave %s out\n",
			k->nskipped, k->nskipped == 1 ? "" : "s", k->nskipped == 1 ? "it" : "them");
	rc = k->nskipped ? CLI_FAIL : CLI_OK;
out:
	axl_class_free(k);
	cli_free(&c);
	free(paths);
	return rc;
}
