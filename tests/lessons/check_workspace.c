/* check_workspace.c - the workspace and the progress store (init copies,
 * originals untouched, atomic save and reload, a corrupt file kept aside,
 * reset with a backup, hints, the solution gated on a pass) and the asynclab
 * program's subcommands and exit statuses, run against a throwaway lesson
 * in temporary folders. */
#include "config.h"

#include "cli_run.h"
#include "lesson_fixture.h"
#include "../testutil.h"

#include <dirent.h>
#include <errno.h>
#include <sys/wait.h>
#include <time.h>

#define TINY_INI                                                                      \
	"[lesson]\nid = tiny\ntitle = Tiny: add two numbers\norder = 0\nconcept = adding\n" \
	"starter_fails = sum\n"                                                       \
	"[check sum]\nkind = output\nexpect = sum: 3\nmessage = Print the sum: {expected}\n"
#define TINY_STARTER "#include <stdio.h>\nint main(void){ printf(\"sum: %d\\n\", 0); return 0; }\n"
#define TINY_SOLUTION "#include <stdio.h>\nint main(void){ printf(\"sum: %d\\n\", 1 + 2); return 0; }\n"
#define TWO_INI                                                                       \
	"[lesson]\nid = two\ntitle = Two\norder = 1\nconcept = two\n"                \
	"[check code]\nkind = exit\nstatus = 0\nmessage = exit 0, not {actual}\n"

static char *top, *lessons, *tiny;
static axl_catalog *cat;

static void setup(void)
{
	top = fx_tmpdir();
	lessons = fx_path(top, "lessons");
	ck_assert_int_eq(mkdir(lessons, 0755), 0);
	tiny = fx_lesson(lessons, "00-tiny", TINY_INI, TINY_STARTER, TINY_SOLUTION);
	free(fx_lesson(lessons, "01-two", TWO_INI, "int main(void){return 1;}\n",
		       "int main(void){return 0;}\n"));
	axl_diags d = { 0 };
	ck_assert_int_eq(axl_catalog_load(lessons, &cat, &d), 0);
	ck_assert_msg(d.n == 0, "%s", fx_diags_text(&d));
	ck_assert_uint_eq(cat->n, 2);
	axl_diags_free(&d);
	ck_assert_int_eq(chdir(top), 0);
	unsetenv("ASYNCLAB_WORKSPACE");
	setenv("ASYNCLAB_LESSONS", lessons, 1);
}

static void teardown(void)
{
	axl_catalog_free(cat);
	fx_rmrf(top);
	free(tiny);
	free(lessons);
	free(top);
}

START_TEST(init_copies_and_keeps_originals)
{
	axl_workspace *w = NULL;
	int copied = -1;
	ck_assert_int_eq(axl_workspace_init("ws", cat, &w, &copied), 0);
	ck_assert_int_eq(copied, 2);
	char *ex = axl_workspace_exercise(w, cat->lessons[0]);
	ck_assert(strstr(ex, "/ws/exercises/00-tiny.c"));
	char *text = axl_read_file(ex, NULL);
	ck_assert_str_eq(text, TINY_STARTER);
	free(text);
	ck_assert_int_eq(access(w->state, F_OK), 0);

	/* The learner edits; the lesson's starter stays as it was, and a second
	 * init copies nothing over the learner's work. */
	FILE *f = fopen(ex, "w");
	fputs("my work\n", f);
	fclose(f);
	char *orig = fx_read(tiny, "starter.c");
	ck_assert_str_eq(orig, TINY_STARTER);
	free(orig);
	axl_workspace *w2 = NULL;
	ck_assert_int_eq(axl_workspace_init("ws", cat, &w2, &copied), 0);
	ck_assert_int_eq(copied, 0);
	text = axl_read_file(ex, NULL);
	ck_assert_str_eq(text, "my work\n");
	free(text);
	ck_assert_int_eq(axl_workspace_ensure(w2, cat->lessons[0]), 1);
	axl_workspace_free(w2);
	axl_workspace_free(w);
	free(ex);
}
END_TEST

START_TEST(find_walks_up_and_honours_env)
{
	axl_workspace *w = NULL, *found = NULL;
	ck_assert_int_eq(axl_workspace_find(&found), -ENOENT);
	ck_assert_int_eq(axl_workspace_init("asynclab-work", cat, &w, NULL), 0);
	/* ./asynclab-work from its parent. */
	ck_assert_int_eq(axl_workspace_find(&found), 0);
	ck_assert_str_eq(found->root, w->root);
	axl_workspace_free(found);
	/* Walking up from deep inside. */
	ck_assert_int_eq(mkdir("asynclab-work/exercises/deeper", 0755), 0);
	ck_assert_int_eq(chdir("asynclab-work/exercises/deeper"), 0);
	ck_assert_int_eq(axl_workspace_find(&found), 0);
	ck_assert_str_eq(found->root, w->root);
	axl_workspace_free(found);
	/* The environment wins. */
	ck_assert_int_eq(chdir(top), 0);
	axl_workspace *other = NULL;
	ck_assert_int_eq(axl_workspace_init("other", cat, &other, NULL), 0);
	setenv("ASYNCLAB_WORKSPACE", other->root, 1);
	ck_assert_int_eq(chdir("asynclab-work"), 0);
	ck_assert_int_eq(axl_workspace_find(&found), 0);
	ck_assert_str_eq(found->root, other->root);
	axl_workspace_free(found);
	axl_workspace_free(other);
	axl_workspace_free(w);
}
END_TEST

static int count_entries(const char *dir, const char *prefix)
{
	int n = 0;
	DIR *dp = opendir(dir);
	struct dirent *e;
	while (dp && (e = readdir(dp)))
		n += !strncmp(e->d_name, prefix, strlen(prefix));
	if (dp)
		closedir(dp);
	return n;
}

START_TEST(progress_save_and_reload)
{
	axl_workspace *w = NULL;
	ck_assert_int_eq(axl_workspace_init("ws", cat, &w, NULL), 0);
	axl_progress *p = NULL;
	axl_diags d = { 0 };
	ck_assert_int_eq(axl_progress_load(w->progress_path, &p, &d), 0);
	ck_assert_uint_eq(p->n, 0);
	ck_assert_ptr_null(p->current);

	/* Time counts gaps up to the idle cap. */
	axl_progress_touch(p, "tiny", 1000);
	axl_progress_touch(p, "tiny", 1060);
	axl_progress_touch(p, "tiny", 1060 + 5000);
	ck_assert_int_eq(axl_progress_find(p, "tiny")->time_s, 60 + AXL_IDLE_CAP_S);
	/* Once it passed, the lesson's time stops. */
	axl_progress_get(p, "tiny")->passed = true;
	axl_progress_touch(p, "tiny", 1060 + 5000 + 30);
	axl_progress_touch(p, "tiny", 1060 + 5000 + 90);
	ck_assert_int_eq(axl_progress_find(p, "tiny")->time_s, 60 + AXL_IDLE_CAP_S);
	axl_progress_get(p, "tiny")->passed = false;
	int level;
	char *text;
	ck_assert_int_eq(axl_hint_next(p, cat->lessons[0], &level, &text), 0);
	free(text);
	axl_progress_get(p, "two")->attempts = 4;
	axl_progress_set_current(p, "two");
	ck_assert_int_eq(axl_progress_save(p, w->progress_path), 0);
	ck_assert_int_eq(count_entries(w->state, "progress.json.tmp"), 0);

	axl_progress *q = NULL;
	ck_assert_int_eq(axl_progress_load(w->progress_path, &q, &d), 0);
	ck_assert_str_eq(q->current, "two");
	ck_assert_uint_eq(q->n, 2);
	ck_assert_int_eq(axl_progress_find(q, "tiny")->hints, 1);
	ck_assert_int_eq(axl_progress_find(q, "tiny")->time_s, 60 + AXL_IDLE_CAP_S);
	ck_assert_int_eq(axl_progress_find(q, "two")->attempts, 4);
	ck_assert_uint_eq(d.n, 0);

	/* Plain JSON that other tools read. */
	json_error_t je;
	json_t *doc = json_load_file(w->progress_path, 0, &je);
	ck_assert_ptr_nonnull(doc);
	ck_assert_int_eq(json_integer_value(json_object_get(doc, "version")), 1);
	json_decref(doc);
	axl_progress_free(p);
	axl_progress_free(q);
	axl_workspace_free(w);
}
END_TEST

START_TEST(progress_write_is_atomic)
{
	/* A save that cannot complete leaves the old file whole and no
	 * temporary file behind: here the target is a directory. */
	char *dirpath = fx_path(top, "progress.json");
	ck_assert_int_eq(mkdir(dirpath, 0755), 0);
	fx_write(dirpath, "keep", "x");
	axl_progress *p = calloc(1, sizeof *p);
	axl_progress_set_current(p, "tiny");
	ck_assert_int_lt(axl_progress_save(p, dirpath), 0);
	ck_assert_int_eq(count_entries(top, "progress.json.tmp"), 0);
	char *kept = fx_read(dirpath, "keep");
	ck_assert_str_eq(kept, "x");
	free(kept);
	/* And a good save replaces the previous contents in one step. */
	char *path = fx_path(top, "p.json");
	fx_write(top, "p.json", "{\"version\":1,\"current\":\"two\",\"lessons\":{}}");
	ck_assert_int_eq(axl_progress_save(p, path), 0);
	axl_progress *q = NULL;
	ck_assert_int_eq(axl_progress_load(path, &q, NULL), 0);
	ck_assert_str_eq(q->current, "tiny");
	axl_progress_free(q);
	axl_progress_free(p);
	free(path);
	free(dirpath);
}
END_TEST

START_TEST(progress_corrupt_is_kept)
{
	fx_write(top, "progress.json", "{\"version\": 1, \"lessons\": {\"tiny\": tru");
	char *path = fx_path(top, "progress.json");
	axl_progress *p = NULL;
	axl_diags d = { 0 };
	ck_assert_int_eq(axl_progress_load(path, &p, &d), -EBADMSG);
	ck_assert_ptr_nonnull(p);
	ck_assert_uint_eq(p->n, 0);
	ck_assert_uint_eq(d.n, 1);
	ck_assert_msg(strstr(d.msg[0], path) && strstr(d.msg[0], "progress.json.corrupt-"), "%s",
		      d.msg[0]);
	ck_assert_int_eq(access(path, F_OK), -1);
	ck_assert_int_eq(count_entries(top, "progress.json.corrupt-"), 1);
	axl_progress_free(p);
	axl_diags_free(&d);

	/* Valid JSON that is not a progress document is kept aside as well. */
	fx_write(top, "progress.json", "[1, 2, 3]\n");
	ck_assert_int_eq(axl_progress_load(path, &p, &d), -EBADMSG);
	ck_assert(fx_diag_has(&d, "not a JSON object"));
	axl_progress_free(p);
	axl_diags_free(&d);
	free(path);
}
END_TEST

/* A failing verification's result, as axl_progress_record takes it. */
static const axl_result failed_run = { .passed = false };

START_TEST(progress_merges_concurrent_updates)
{
	axl_workspace *w = NULL;
	ck_assert_int_eq(axl_workspace_init("ws", cat, &w, NULL), 0);
	const char *path = w->progress_path;
	const axl_lesson *tl = cat->lessons[0], *two = cat->lessons[1];
	/* The lab and two commands, each loaded before the others saved. */
	axl_progress *lab = NULL, *a = NULL, *b = NULL;
	ck_assert_int_eq(axl_progress_load(path, &lab, NULL), 0);
	ck_assert_int_eq(axl_progress_load(path, &a, NULL), 0);
	ck_assert_int_eq(axl_progress_load(path, &b, NULL), 0);
	axl_progress_touch(lab, "tiny", 1000);
	axl_progress_record(a, cat, tl, &failed_run, 2000);
	axl_progress_record(a, cat, tl, &failed_run, 2001);
	ck_assert_int_eq(axl_progress_save(a, path), 0);
	axl_progress_record(b, cat, tl, &failed_run, 2002);
	axl_progress_set_current(b, "two");
	ck_assert_int_eq(axl_progress_save(b, path), 0);
	/* A hint in another terminal, from a progress loaded before both
	 * saves: the level comes from the file, and is saved at once. */
	axl_progress *h = NULL;
	ck_assert_int_eq(axl_progress_load(path, &h, NULL), 0);
	int level = 0;
	char *text = NULL;
	ck_assert_int_eq(axl_hint_next(h, two, &level, &text), 0);
	free(text);
	ck_assert_int_eq(axl_hint_next(a, two, &level, &text), 0);
	free(text);
	ck_assert_int_eq(level, 2); /* a saw h's level under the lock */
	/* The lab, loaded first, saves last: nothing is lost or undone. */
	axl_progress_touch(lab, "tiny", 1030);
	ck_assert_int_eq(axl_progress_save(lab, path), 0);

	axl_progress *q = NULL;
	ck_assert_int_eq(axl_progress_load(path, &q, NULL), 0);
	ck_assert_int_eq(axl_progress_find(q, "tiny")->attempts, 3);
	ck_assert_int_eq(axl_progress_find(q, "two")->hints, 2);
	/* a's second attempt a second after its first, and the lab's 30 s. */
	ck_assert_int_eq(axl_progress_find(q, "tiny")->time_s, 31);
	ck_assert_str_eq(q->current, "two");
	/* The lab's copy now holds everyone's updates too. */
	ck_assert_int_eq(axl_progress_find(lab, "tiny")->attempts, 3);
	ck_assert_int_eq(axl_progress_find(lab, "two")->hints, 2);
	/* Saving again adds nothing twice. */
	ck_assert_int_eq(axl_progress_save(lab, path), 0);
	ck_assert_int_eq(axl_progress_save(a, path), 0);
	axl_progress_free(q);
	ck_assert_int_eq(axl_progress_load(path, &q, NULL), 0);
	ck_assert_int_eq(axl_progress_find(q, "tiny")->attempts, 3);
	axl_progress_free(q);
	axl_progress_free(lab);
	axl_progress_free(a);
	axl_progress_free(b);
	axl_progress_free(h);
	axl_workspace_free(w);
}
END_TEST

START_TEST(progress_keeps_members_it_does_not_know)
{
	char *path = fx_path(top, "progress.json");
	fx_write(top, "progress.json", "{\"version\": 1, \"current\": null, \"learner\": "
				       "{\"name\": \"Ada\"}, \"lessons\": {}}\n");
	axl_progress *p = NULL;
	ck_assert_int_eq(axl_progress_load(path, &p, NULL), 0);
	axl_progress_record(p, cat, cat->lessons[0], &failed_run, 100);
	ck_assert_int_eq(axl_progress_save(p, path), 0);
	json_t *doc = json_load_file(path, 0, NULL);
	ck_assert_ptr_nonnull(doc);
	ck_assert_str_eq(json_string_value(json_object_get(json_object_get(doc, "learner"), "name")),
			 "Ada");
	json_decref(doc);
	axl_progress_free(p);
	free(path);
}
END_TEST

/* A killed save leaves PATH.tmp-PID: the next load removes it when that
 * process is gone, and only then. */
START_TEST(progress_leftovers_removed)
{
	char *path = fx_path(top, "progress.json");
	pid_t gone = fork();
	if (gone == 0)
		_exit(0);
	ck_assert_int_eq(waitpid(gone, NULL, 0), gone);
	char dead[64], live[64];
	snprintf(dead, sizeof dead, "progress.json.tmp-%d", (int)gone);
	snprintf(live, sizeof live, "progress.json.tmp-%d", (int)getppid());
	fx_write(top, dead, "{\"version\": 1, \"lessons\": {}}");
	fx_write(top, live, "{\"version\": 1, \"lessons\": {}}");
	fx_write(top, "progress.json.tmp-x", "not ours");
	axl_progress *p = NULL;
	ck_assert_int_eq(axl_progress_load(path, &p, NULL), 0);
	ck_assert_int_eq(access(dead, F_OK), -1);
	ck_assert_int_eq(access(live, F_OK), 0);
	ck_assert_int_eq(access("progress.json.tmp-x", F_OK), 0);
	axl_progress_free(p);
	free(path);
}
END_TEST

/* Big files: 40 000 entries (a linear search per entry made this
 * quadratic: seconds natively, far past the test's timeout under
 * valgrind) with long strings, over 6 MB, and out-of-range counts. */
START_TEST(progress_big_file)
{
	enum { N = 40000 };
	char *path = fx_path(top, "progress.json");
	axl_progress *p = calloc(1, sizeof *p);
	char id[32], lf[200];
	memset(lf, 'x', sizeof lf - 1);
	lf[sizeof lf - 1] = '\0';
	for (int i = 0; i < N; i++) {
		snprintf(id, sizeof id, "lesson-%d", i);
		axl_lesson_progress *lp = axl_progress_get(p, id);
		ck_assert_ptr_nonnull(lp);
		lp->attempts = i;
		lp->last_failed = strdup(lf);
	}
	ck_assert_int_eq(axl_progress_save(p, path), 0);
	axl_progress_free(p);
	struct stat st;
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_int_gt(st.st_size, 6 << 20);
	ck_assert_int_eq(axl_progress_load(path, &p, NULL), 0);
	ck_assert_uint_eq(p->n, N);
	for (int i = 0; i < N; i++) {
		snprintf(id, sizeof id, "lesson-%d", i);
		const axl_lesson_progress *lp = axl_progress_find(p, id);
		ck_assert_ptr_nonnull(lp);
		ck_assert_int_eq(lp->attempts, i);
	}
	ck_assert_ptr_null(axl_progress_find(p, "lesson-40000"));
	axl_progress_free(p);

	/* Counts that do not fit are refused, not wrapped to negative. */
	fx_write(top, "big.json", "{\"version\": 1, \"lessons\": {\"tiny\": "
				  "{\"attempts\": 4294967294, \"hints\": 1}}}");
	char *big = fx_path(top, "big.json");
	axl_diags d = { 0 };
	ck_assert_int_eq(axl_progress_read(big, &p, &d), -EBADMSG);
	ck_assert(fx_diag_has(&d, "too large"));
	axl_diags_free(&d);
	free(big);
	free(path);
}
END_TEST

START_TEST(reset_keeps_a_backup)
{
	axl_workspace *w = NULL;
	ck_assert_int_eq(axl_workspace_init("ws", cat, &w, NULL), 0);
	char *ex = axl_workspace_exercise(w, cat->lessons[0]);
	FILE *f = fopen(ex, "w");
	fputs("attempt one\n", f);
	fclose(f);
	char *b1 = NULL, *b2 = NULL;
	ck_assert_int_eq(axl_workspace_reset(w, cat->lessons[0], 1700000000, &b1), 0);
	ck_assert_ptr_nonnull(b1);
	ck_assert_msg(strstr(b1, "00-tiny.c.bak-"), "%s", b1);
	char *t = axl_read_file(b1, NULL);
	ck_assert_str_eq(t, "attempt one\n");
	free(t);
	t = axl_read_file(ex, NULL);
	ck_assert_str_eq(t, TINY_STARTER);
	free(t);
	/* A second reset in the same second keeps both backups. */
	ck_assert_int_eq(axl_workspace_reset(w, cat->lessons[0], 1700000000, &b2), 0);
	ck_assert_str_ne(b1, b2);
	ck_assert_int_eq(access(b1, F_OK), 0);
	free(b1);
	free(b2);
	free(ex);
	axl_workspace_free(w);
}
END_TEST

START_TEST(hints_and_gated_solution)
{
	axl_progress *p = calloc(1, sizeof *p);
	const axl_lesson *l = cat->lessons[0];
	int level = 0;
	char *text = NULL;
	ck_assert_int_eq(axl_hint_next(p, l, &level, &text), 0);
	ck_assert_int_eq(level, 1);
	ck_assert_str_eq(text, "first hint\n");
	free(text);
	ck_assert_int_eq(axl_hint_next(p, l, &level, &text), 0);
	ck_assert_int_eq(level, 2);
	free(text);
	ck_assert_int_eq(axl_hint_next(p, l, &level, &text), 0);
	ck_assert_int_eq(level, 2); /* the last level again */
	free(text);
	ck_assert_int_eq(axl_progress_find(p, "tiny")->hints, 2);

	ck_assert_int_eq(axl_solution(p, l, &text), -EACCES);
	ck_assert_ptr_null(text);
	axl_progress_get(p, "tiny")->passed = true;
	ck_assert_int_eq(axl_solution(p, l, &text), 0);
	ck_assert_str_eq(text, TINY_SOLUTION);
	free(text);
	axl_progress_free(p);
}
END_TEST

/* ---- the asynclab program --------------------------------------------- */


START_TEST(cli_exit_statuses)
{
	setenv("NO_COLOR", "1", 1);
	ck_assert_int_eq(cli("--version"), 0);
	ck_assert(strstr(out, "asynclab "));
	ck_assert_int_eq(cli("--help"), 0);
	ck_assert(strstr(out, "lesson-lint"));
	ck_assert_int_eq(cli("verify --help"), 0);
	ck_assert(strstr(out, "--file"));
	ck_assert_int_eq(cli("hint --version"), 0);
	ck_assert_int_eq(cli("frobnicate"), 2);
	ck_assert(strstr(err, "unknown command 'frobnicate'"));
	ck_assert_int_eq(cli("verify --bogus"), 2);
	ck_assert(strstr(err, "unknown option '--bogus'"));
	ck_assert_int_eq(cli(""), 2); /* no terminal */
	ck_assert(strstr(err, "not a terminal"));

	/* Outside any workspace: one is created, and that is said. */
	ck_assert_int_eq(cli("verify nope"), 2);
	ck_assert(strstr(err, "no lesson 'nope'"));
	ck_assert_int_eq(cli("verify tiny"), 1);
	ck_assert(strstr(err, "created one at asynclab-work"));
	ck_assert(strstr(out, "FAIL  sum: Print the sum: sum: 3"));
	ck_assert_int_eq(access("asynclab-work/exercises/00-tiny.c", F_OK), 0);
	ck_assert_int_eq(cli("solution tiny"), 1);
	ck_assert(strstr(err, "unlocks once you pass"));

	/* The learner fixes the exercise: verify passes, by number too. */
	char *good = fx_path(tiny, "solution.c");
	ck_assert_int_eq(axl_copy_file(good, "asynclab-work/exercises/00-tiny.c"), 0);
	ck_assert_int_eq(cli("verify 0"), 0);
	ck_assert(strstr(out, "PASS  sum"));
	ck_assert_int_eq(cli("solution tiny"), 0);
	ck_assert_str_eq(out, TINY_SOLUTION);
	ck_assert_int_eq(cli("hint two"), 0);
	ck_assert(strstr(out, "Hint 1 of 2"));

	/* --file checks any file, with no workspace needed and none touched. */
	ck_assert_int_eq(cli("verify tiny --file lessons/00-tiny/starter.c"), 1);
	ck_assert_int_eq(cli("verify --file lessons/00-tiny/solution.c tiny --json"), 0);
	json_t *doc = json_loads(out, 0, NULL);
	ck_assert_ptr_nonnull(doc);
	ck_assert(json_is_true(json_object_get(doc, "passed")));
	json_decref(doc);
	ck_assert_int_eq(cli("verify --file nowhere.c tiny"), 2);

	/* The autograder's view: one JSON document, exit 1 as one lesson fails. */
	ck_assert_int_eq(cli("verify --all --json"), 1);
	doc = json_loads(out, 0, NULL);
	ck_assert_msg(doc != NULL, "%s", out);
	ck_assert_int_eq(json_integer_value(json_object_get(doc, "passed")), 1);
	ck_assert_int_eq(json_integer_value(json_object_get(doc, "total")), 2);
	json_t *l1 = json_array_get(json_object_get(doc, "lessons"), 1);
	ck_assert_str_eq(json_string_value(json_object_get(l1, "lesson")), "two");
	json_t *c0 = json_array_get(json_object_get(l1, "checks"), 0);
	ck_assert_str_eq(json_string_value(json_object_get(c0, "name")), "code");
	ck_assert(json_is_false(json_object_get(c0, "passed")));
	ck_assert_str_eq(json_string_value(json_object_get(c0, "message")), "exit 0, not 1");
	json_decref(doc);
	ck_assert_str_eq(err, ""); /* quiet without a terminal */
	ck_assert_int_eq(cli("verify --all tiny"), 2);

	ck_assert_int_eq(cli("progress --csv"), 0);
	ck_assert(strstr(out, "order,id,title,status,attempts,hints_used,time_s,last_failed\n"
			      "0,tiny,Tiny: add two numbers,passed,2,0,"));
	ck_assert_int_eq(cli("progress --json --csv"), 2);
	ck_assert_int_eq(cli("list --json"), 0);
	doc = json_loads(out, 0, NULL);
	ck_assert_ptr_nonnull(doc);
	json_decref(doc);
	ck_assert_int_eq(cli("reset"), 2);
	ck_assert_int_eq(cli("reset tiny"), 0);
	ck_assert(strstr(out, "kept in asynclab-work/exercises/00-tiny.c.bak-"));
	ck_assert_int_eq(cli("run two"), 1);
	ck_assert(strstr(out, "exited with status 1"));
	free(good);
}
END_TEST

START_TEST(cli_init_and_lint)
{
	setenv("NO_COLOR", "1", 1);
	ck_assert_int_eq(cli("init class/ws"), 0);
	ck_assert(strstr(out, "Created a workspace at class/ws"));
	ck_assert_int_eq(access("class/ws/exercises/01-two.c", F_OK), 0);
	ck_assert_int_eq(access("class/ws/.asynclab/progress.json", F_OK), 0);
	ck_assert_int_eq(cli("init class/ws"), 0);
	ck_assert(strstr(out, "already a workspace; 0 new exercises"));

	ck_assert_int_eq(cli("lesson-lint lessons/00-tiny"), 0);
	ck_assert(strstr(out, "ok ("));
	ck_assert_int_eq(cli("lesson-lint lessons"), 0);
	ck_assert(strstr(out, "2 of 2 lessons ok"));
	/* A starter that passes, a solution that fails, a bad manifest. */
	char *bad = fx_lesson(top, "05-bad", "[lesson]\nid = bad\ntitle = B\norder = 5\n"
				  "concept = c\nstarter_fails = code\n[check code]\nkind = exit\n"
				  "message = exited {actual}\n",
			      "int main(void){return 0;}\n", "int main(void){return 2;}\n");
	ck_assert_int_eq(cli("lesson-lint 05-bad"), 1);
	ck_assert_msg(strstr(out, "05-bad/lesson.ini:7: [check code] the starter passes this "
				  "check"), "%s", out);
	ck_assert(strstr(out, "05-bad/lesson.ini:7: [check code] the solution fails it: exited 2"));
	fx_write(bad, "lesson.ini", "[lesson]\nid = bad\ntitle = B\norder = 5\nconcept = c\n"
				    "[check code]\nkind = exit\nmessag = m\n");
	ck_assert_int_eq(cli("lesson-lint 05-bad"), 1);
	ck_assert(strstr(out, "05-bad/lesson.ini:8: unknown key 'messag' in [check code]"));
	ck_assert_int_eq(cli("lesson-lint"), 2);
	ck_assert_int_eq(cli("lesson-lint no-such-dir"), 2);
	free(bad);
}
END_TEST

/* Text from files and programs reaches the terminal escaped: a hint with
 * escape sequences, a progress file's last failure, a program's output
 * (verify shows its last lines, run all of it), a compiler's, and a
 * manifest's unknown key that lesson-lint echoes. */
START_TEST(cli_untrusted_text_escaped)
{
	setenv("NO_COLOR", "1", 1);
	fx_write(tiny, "hint1.md", "Look \033]0;pwned\007here\033[2J\n");
	ck_assert_int_eq(cli("hint tiny"), 0);
	ck_assert_msg(!strchr(out, '\033') && strstr(out, "Look \\x1b]0;pwned\\x07here\\x1b[2J\n"),
		      "%s", out);
	fx_write("asynclab-work/.asynclab", "progress.json",
		 "{\"version\": 1, \"lessons\": {\"two\": {\"attempts\": 1, "
		 "\"last_failed\": \"code\\u001b[31m\"}}}");
	ck_assert_int_eq(cli("progress"), 0);
	ck_assert_msg(!strchr(out, '\033') && strstr(out, "code\\x1b[31m"), "%s", out);
	ck_assert_int_eq(cli("progress --csv"), 0);
	ck_assert_msg(!strchr(out, '\033'), "%s", out);

	const char *evil = "#include <stdio.h>\nint main(void) { printf(\"sum: 0\\033]0;pwned\\007"
			   "\\033[?25l\\n\"); fprintf(stderr, \"\\033[2J\"); return 0; }\n";
	fx_write(top, "evil.c", evil);
	ck_assert_int_eq(cli("verify tiny --file evil.c"), 1);
	ck_assert_msg(!strchr(out, '\033') && !strchr(err, '\033'), "%s%s", out, err);
	ck_assert_msg(strstr(out, "sum: 0\\x1b]0;pwned\\x07\\x1b[?25l"), "%s", out);
	fx_write("asynclab-work/exercises", "00-tiny.c", evil);
	ck_assert_int_eq(cli("run tiny"), 0);
	ck_assert_msg(!strchr(out, '\033') && !strchr(err, '\033'), "%s%s", out, err);
	ck_assert_msg(strstr(out, "sum: 0\\x1b]0;pwned") && strstr(err, "\\x1b[2J"), "%s%s", out, err);
	/* A compiler echoes the offending source line. */
	fx_write("asynclab-work/exercises", "00-tiny.c", "int main(void) { return \033[2J; }\n");
	ck_assert_int_eq(cli("run tiny"), 1);
	ck_assert_msg(!strchr(out, '\033') && strstr(out, "\\x1b"), "%s", out);

	fx_write(tiny, "lesson.ini", TINY_INI "mess\033[2Jage = m\n");
	ck_assert_int_eq(cli("lesson-lint lessons/00-tiny"), 1);
	ck_assert_msg(!strchr(out, '\033') && strstr(out, "unknown key 'mess\\x1b[2Jage'"), "%s",
		      out);
}
END_TEST

/* Run `asynclab ARGS` rounds times in a new process; returns its pid. */
static pid_t cli_bg(const char *args, int rounds)
{
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid)
		return pid;
	char *cmd = NULL;
	if (asprintf(&cmd, "%s %s >/dev/null 2>&1 </dev/null", AXL_TEST_ASYNCLAB, args) < 0)
		_exit(99);
	for (int i = 0; i < rounds; i++)
		if (!WIFEXITED(system(cmd)))
			_exit(98);
	_exit(0);
}

/* Ten verifications in parallel, twice, hints asked for meanwhile, and
 * the lab's save path (load once, then record and save again and again)
 * running through it all: every attempt and every hint level counts. */
START_TEST(cli_parallel_updates_all_count)
{
	enum { VERIFIERS = 10, ROUNDS = 2, HINTS = 6, LAB_SAVES = 30 };
	char *two = fx_path(lessons, "01-two");
	for (int i = 3; i <= 8; i++) {
		char name[16];
		snprintf(name, sizeof name, "hint%d.md", i);
		fx_write(two, name, "a further hint\n");
	}
	ck_assert_int_eq(cli("init ws"), 0);
	setenv("ASYNCLAB_WORKSPACE", "ws", 1);
	pid_t kids[VERIFIERS + HINTS + 1];
	int nk = 0;
	for (int i = 0; i < VERIFIERS; i++)
		kids[nk++] = cli_bg("verify tiny", ROUNDS);
	for (int i = 0; i < HINTS; i++)
		kids[nk++] = cli_bg("hint two", 1);
	pid_t lab = fork();
	if (lab == 0) {
		axl_progress *p = NULL;
		if (axl_progress_load("ws/.asynclab/progress.json", &p, NULL) < 0)
			_exit(1);
		for (int i = 0; i < LAB_SAVES; i++) {
			axl_progress_record(p, cat, cat->lessons[1], &failed_run, time(NULL));
			if (axl_progress_save(p, "ws/.asynclab/progress.json") < 0)
				_exit(2);
			usleep(20000);
		}
		axl_progress_free(p);
		_exit(0);
	}
	kids[nk++] = lab;
	for (int i = 0; i < nk; i++) {
		int st = -1;
		ck_assert_int_eq(waitpid(kids[i], &st, 0), kids[i]);
		ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0, "child %d: status %d", i, st);
	}
	axl_progress *q = NULL;
	ck_assert_int_eq(axl_progress_load("ws/.asynclab/progress.json", &q, NULL), 0);
	ck_assert_int_eq(axl_progress_find(q, "tiny")->attempts, VERIFIERS * ROUNDS);
	ck_assert_int_eq(axl_progress_find(q, "two")->attempts, LAB_SAVES);
	ck_assert_int_eq(axl_progress_find(q, "two")->hints, HINTS);
	ck_assert_int_eq(count_entries("ws/.asynclab", "progress.json.tmp"), 0);
	axl_progress_free(q);
	unsetenv("ASYNCLAB_WORKSPACE");
	free(two);
}
END_TEST

static Suite *workspace_suite(void)
{
	Suite *s = suite_create("lessons-workspace");
	TCase *tc = tcase_create("workspace");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, init_copies_and_keeps_originals);
	tcase_add_test(tc, find_walks_up_and_honours_env);
	tcase_add_test(tc, progress_save_and_reload);
	tcase_add_test(tc, progress_write_is_atomic);
	tcase_add_test(tc, progress_corrupt_is_kept);
	tcase_add_test(tc, progress_merges_concurrent_updates);
	tcase_add_test(tc, progress_keeps_members_it_does_not_know);
	tcase_add_test(tc, progress_leftovers_removed);
	tcase_add_test(tc, reset_keeps_a_backup);
	tcase_add_test(tc, hints_and_gated_solution);
	suite_add_tcase(s, tc);

	/* Big inputs take a while under valgrind; the timeout is only a
	 * safety net, never the thing measured (bench/progress-load is). */
	tc = tcase_create("big");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, progress_big_file);
	suite_add_tcase(s, tc);

	tc = tcase_create("cli");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, cli_exit_statuses);
	tcase_add_test(tc, cli_init_and_lint);
	tcase_add_test(tc, cli_parallel_updates_all_count);
	tcase_add_test(tc, cli_untrusted_text_escaped);
	suite_add_tcase(s, tc);
	return s;
}

TEST_MAIN(workspace_suite)
