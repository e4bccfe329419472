/* check_lessons.c - the self-check of the curriculum, over whatever lessons
 * the catalog holds: every manifest parses and every file is there; and
 * for each lesson the reference solution passes, the starter fails for its
 * named reason, and every variant in tests/lessons/variants/<id>/ (other
 * correct routes, plausible wrong ones, cheats) is judged as its header
 * says.  Each file is built once per optimisation level (-O0, -O2) and run
 * on both clocks; the files of a lesson are worked on by a few processes
 * at once (ASYNCLAB_TEST_JOBS, default 2).
 *
 * ASYNCLAB_TEST_LESSON=ID limits the run to one lesson.
 *
 * A variant's leading comment holds its expectation:
 *   expect: pass
 *   expect: fail CHECK[,CHECK...]   (these checks fail; others may too)
 *   end: deadlock                   (optional: how the run must end) */
#include "config.h"

#include "lesson_fixture.h"
#include "../../checker/axcheck.h"
#include "../testutil.h"

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <sys/wait.h>

static axl_catalog *cat;

static const char *lessons_dir(void)
{
	const char *env = getenv("ASYNCLAB_LESSONS");
	return env && *env ? env : AXL_TEST_LESSONS;
}

static void load(void)
{
	axl_diags d = { 0 };
	ck_assert_int_eq(axl_catalog_load(lessons_dir(), &cat, &d), 0);
	axl_diags_free(&d);
}

static void unload(void)
{
	axl_catalog_free(cat);
	cat = NULL;
}

START_TEST(catalog_is_clean)
{
	axl_diags d = { 0 };
	axl_catalog *c = NULL;
	ck_assert_int_eq(axl_catalog_load(lessons_dir(), &c, &d), 0);
	ck_assert_msg(d.n == 0, "the catalog has problems:\n%s", fx_diags_text(&d));
	ck_assert_uint_gt(c->n, 0);
	for (size_t i = 0; i < c->n; i++) {
		ck_assert_msg(axl_lesson_files_check(c->lessons[i], &d) == 0, "%s",
			      fx_diags_text(&d));
		ck_assert_msg(c->lessons[i]->nhints >= 1, "%s has no hints", c->lessons[i]->id);
	}
	axl_catalog_free(c);
	axl_diags_free(&d);
}
END_TEST

/* ---- one file of a lesson, and what is expected of it ----------------- */

typedef struct tcase_file {
	char *path;
	bool pass;		/* expected to pass */
	char fails[256];	/* comma-separated checks that must fail */
	char end[32];		/* how the run must end ("" : not said) */
} tcase_file;

/* Every finding of the checker has a lesson that teaches its fix (the
 * checker itself names none: lesson.ini's teaches says). */
START_TEST(every_finding_is_taught)
{
	static const char *const pairs[][2] = {
		{ "blocking-call", "blocking" }, { "stalled-poll", "blocking" },
		{ "lock-across-await", "lock-across-await" }, { "unbounded-spawn", "unbounded-spawn" },
		{ "lost-waker", "manual-future" }, { "busy-wake", "manual-future" },
		{ "never-polled", "await" }, { "leaked-task", "spawn" },
		{ "ignored-cancel", "cancel-token" }, { "moved-future", "pin" },
	};
	axl_diags d = { 0 };
	axl_catalog *c = NULL;
	ck_assert_int_eq(axl_catalog_load(lessons_dir(), &c, &d), 0);
	ck_assert_int_eq(AXC_ID_COUNT, (int)(sizeof pairs / sizeof pairs[0]));
	for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++) {
		const axl_lesson *l = axl_catalog_teaching(c, pairs[i][0]);
		ck_assert_msg(l != NULL, "no lesson teaches %s", pairs[i][0]);
		ck_assert_str_eq(l->id, pairs[i][1]);
	}
	axl_catalog_free(c);
	axl_diags_free(&d);
}
END_TEST

static const char *end_word(axl_end e)
{
	static const char *const w[] = { "exited", "not-built", "signal", "time", "memory",
					 "processes", "output", "old-shape", "deadlock", "stuck",
					 "unfinished" };
	return (unsigned)e < sizeof w / sizeof *w ? w[e] : "?";
}

/* Read "expect:" and "end:" from the file's leading comment. */
static bool read_expect(tcase_file *t, char *err, size_t n)
{
	char *text = axl_read_file(t->path, NULL);
	if (!text) {
		snprintf(err, n, "%s: cannot read", t->path);
		return false;
	}
	char *c = strstr(text, "*/");
	if (c)
		*c = '\0';
	bool got = false;
	char *e = strstr(text, "expect:");
	if (e) {
		e += 7;
		while (*e == ' ')
			e++;
		if (!strncmp(e, "pass", 4)) {
			t->pass = true;
			got = true;
		} else if (!strncmp(e, "fail", 4)) {
			e += 4;
			while (*e == ' ')
				e++;
			size_t k = strcspn(e, " \n");
			snprintf(t->fails, sizeof t->fails, "%.*s", (int)k, e);
			got = k > 0;
		}
	}
	char *en = strstr(text, "end:");
	if (en) {
		en += 4;
		while (*en == ' ')
			en++;
		snprintf(t->end, sizeof t->end, "%.*s", (int)strcspn(en, " \n"), en);
	}
	free(text);
	if (!got)
		snprintf(err, n, "%s: no 'expect: pass' or 'expect: fail CHECK' line", t->path);
	return got;
}

static const axl_mark *mark_named(const axl_result *r, const char *name)
{
	for (size_t i = 0; i < r->nmarks; i++)
		if (!strcmp(r->marks[i].check->name, name))
			return &r->marks[i];
	return NULL;
}

/* Append to the problems text. */
static void add(char **out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void add(char **out, const char *fmt, ...)
{
	va_list ap;
	char *s = NULL, *cat2 = NULL;
	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		s = NULL;
	va_end(ap);
	if (!s)
		return;
	if (asprintf(&cat2, "%s%s\n", *out ? *out : "", s) >= 0) {
		free(*out);
		*out = cat2;
	}
	free(s);
}

/* Judge one run against the expectation; problems are appended. */
static void expect_run(const tcase_file *t, const char *how, const axl_result *r, char **out)
{
	const char *base = strrchr(t->path, '/') ? strrchr(t->path, '/') + 1 : t->path;
	char firsts[512] = "";
	for (size_t i = 0, n = 0; i < r->nmarks; i++)
		if (!r->marks[i].passed && !r->marks[i].skipped)
			n += (size_t)snprintf(firsts + n, n < sizeof firsts ? sizeof firsts - n : 0,
					      "\n      %s: %s", r->marks[i].check->name,
					      r->marks[i].message ? r->marks[i].message : "");
	if (t->end[0] && strcmp(t->end, end_word(r->end)))
		add(out, "%s [%s]: the run ended '%s' (%s), expected '%s'", base, how,
		    end_word(r->end), r->verdict ? r->verdict : "?", t->end);
	if (t->pass) {
		if (!r->passed)
			add(out, "%s [%s]: expected to pass, but: %s%s%s", base, how,
			    r->verdict ? r->verdict : "?",
			    r->end == AXL_END_NOT_BUILT ? "\n" : "",
			    r->end == AXL_END_NOT_BUILT ? r->build_output : firsts);
		return;
	}
	if (r->passed)
		add(out, "%s [%s]: expected to fail %s, but it passes", base, how, t->fails);
	/* Each named check fails wherever it is judged (a vtime check is
	 * not, on the real clock), and at least one of them is judged. */
	char names[256];
	snprintf(names, sizeof names, "%s", t->fails);
	int judged = 0, named = 0;
	for (char *save = NULL, *nm = strtok_r(names, ",", &save); nm;
	     nm = strtok_r(NULL, ",", &save)) {
		if (!strcmp(nm, "any"))
			continue;
		named++;
		const axl_mark *m = mark_named(r, nm);
		if (!m)
			add(out, "%s [%s]: the lesson has no check '%s'", base, how, nm);
		else if (m->skipped)
			continue;
		else if (m->passed)
			add(out, "%s [%s]: [check %s] passes, expected to fail (run: %s)%s", base, how,
			    nm, r->verdict ? r->verdict : "?", firsts);
		judged++;
	}
	if (named && !judged)
		add(out, "%s [%s]: none of the checks it must fail (%s) was judged", base, how,
		    t->fails);
	for (size_t i = 0; i < r->nmarks; i++)
		if (!r->marks[i].passed && !r->marks[i].skipped &&
		    !(r->marks[i].message && *r->marks[i].message))
			add(out, "%s [%s]: [check %s] fails without a message", base, how,
			    r->marks[i].check->name);
}

/* Build t at -O0 and at -O2 (the analysis once) and run each build on
 * both clocks (a lesson still in the shape without a harness: -O0 on the
 * virtual clock only); the problems found. */
static char *work(const axl_lesson *l, const tcase_file *t)
{
	static const char *const opts[2] = { "-O0", "-O2" };
	char *out = NULL;
	axl_build *b[2] = { NULL, NULL };
	int levels = l->has_harness ? 2 : 1;
	for (int k = 0; k < levels; k++) {
		int rc = axl_build_exercise(l, t->path, opts[k], b[0], &b[k]);
		if (rc < 0) {
			add(&out, "%s %s: the build could not run: %s", t->path, opts[k],
			    strerror(-rc));
			continue;
		}
		for (int real = 0; real < (l->has_harness ? 2 : 1); real++) {
			axl_run_opts o = { .file = t->path, .build = b[k], .real_clock = real };
			axl_result *r = NULL;
			rc = axl_run(l, &o, &r);
			char how[32];
			snprintf(how, sizeof how, "%s, %s clock", opts[k], real ? "real" : "virtual");
			if (rc < 0 || !r)
				add(&out, "%s [%s]: the checker could not run: %s", t->path, how,
				    strerror(rc < 0 ? -rc : ENOMEM));
			else
				expect_run(t, how, r, &out);
			axl_result_free(r);
		}
	}
	axl_build_free(b[0]);
	axl_build_free(b[1]);
	return out;
}

static size_t collect(const axl_lesson *l, tcase_file **out, char **problems)
{
	size_t n = 0, cap = 8;
	tcase_file *v = calloc(cap, sizeof *v);
	v[n].path = axl_lesson_path(l, "solution.c");
	v[n++].pass = true;
	v[n].path = axl_lesson_path(l, "starter.c");
	size_t k = 0;
	for (size_t i = 0; i < l->nstarter_fails; i++)
		k += (size_t)snprintf(v[n].fails + k, sizeof v[n].fails - k, "%s%s", i ? "," : "",
				      l->starter_fails[i]);
	if (!k)
		strcpy(v[n].fails, "any");
	/* A starter ends by itself unless its leading comment says how it
	 * ends ("end: deadlock": the checker stops a certain deadlock). */
	char *text = axl_read_file(v[n].path, NULL);
	char *head_end = text ? strstr(text, "*/") : NULL;
	if (head_end)
		*head_end = '\0';
	char *en = text ? strstr(text, "end: ") : NULL;
	if (en)
		snprintf(v[n].end, sizeof v[n].end, "%.*s", (int)strcspn(en + 5, " \n)."), en + 5);
	else
		strcpy(v[n].end, "exited");
	free(text);
	n++;

	char *dir = NULL;
	ck_assert_int_ge(asprintf(&dir, "%s/%s", AXL_TEST_VARIANTS, l->id), 0);
	DIR *dp = opendir(dir);
	struct dirent *e;
	char **names = NULL;
	size_t nn = 0;
	while (dp && (e = readdir(dp))) {
		size_t len = strlen(e->d_name);
		if (len > 2 && !strcmp(e->d_name + len - 2, ".c")) {
			names = realloc(names, (nn + 1) * sizeof *names);
			names[nn++] = strdup(e->d_name);
		}
	}
	if (dp)
		closedir(dp);
	for (size_t i = 0; i < nn; i++) {
		if (n == cap)
			v = realloc(v, (cap *= 2) * sizeof *v);
		memset(&v[n], 0, sizeof v[n]);
		ck_assert_int_ge(asprintf(&v[n].path, "%s/%s", dir, names[i]), 0);
		char err[512];
		if (read_expect(&v[n], err, sizeof err))
			n++;
		else {
			add(problems, "%s", err);
			free(v[n].path);
		}
		free(names[i]);
	}
	free(names);
	free(dir);
	*out = v;
	return n;
}

static int jobs(void)
{
	const char *e = getenv("ASYNCLAB_TEST_JOBS");
	int j = e && *e ? atoi(e) : 2;
	return j < 1 ? 1 : j > 8 ? 8 : j;
}

/* Every file of a lesson, a few at a time, each in a child that writes
 * its problems to a pipe. */
START_TEST(lesson_matrix)
{
	ck_assert_uint_lt((size_t)_i, cat->n);
	const axl_lesson *l = cat->lessons[_i];
	const char *only = getenv("ASYNCLAB_TEST_LESSON");
	if (only && *only && strcmp(only, l->id))
		return;
	char *problems = NULL;
	tcase_file *files = NULL;
	size_t nf = collect(l, &files, &problems);
	/* Compiled harnesses are cached for this lesson's builds only. */
	char *cache = fx_tmpdir();
	setenv("ASYNCLAB_CACHE_DIR", cache, 1);
	size_t total = nf, next = 0, running = 0;
	struct { pid_t pid; int fd; char *buf; size_t len; } slot[8] = { 0 };
	int nj = jobs();
	while (next < total || running) {
		while (running < (size_t)nj && next < total) {
			int p[2];
			ck_assert_int_eq(pipe(p), 0);
			pid_t pid = fork();
			ck_assert_int_ge(pid, 0);
			if (pid == 0) {
				close(p[0]);
				char *o = work(l, &files[next]);
				if (o) {
					ssize_t w = write(p[1], o, strlen(o));
					(void)w;
				}
				_exit(0);
			}
			close(p[1]);
			for (int s = 0; s < nj; s++)
				if (!slot[s].pid) {
					slot[s].pid = pid;
					slot[s].fd = p[0];
					slot[s].buf = NULL;
					slot[s].len = 0;
					break;
				}
			running++;
			next++;
		}
		/* Drain the first busy slot to its end, then reap it. */
		for (int s = 0; s < nj; s++) {
			if (!slot[s].pid)
				continue;
			char chunk[4096];
			ssize_t r;
			while ((r = read(slot[s].fd, chunk, sizeof chunk)) > 0) {
				slot[s].buf = realloc(slot[s].buf, slot[s].len + (size_t)r + 1);
				memcpy(slot[s].buf + slot[s].len, chunk, (size_t)r);
				slot[s].len += (size_t)r;
				slot[s].buf[slot[s].len] = '\0';
			}
			close(slot[s].fd);
			int st;
			waitpid(slot[s].pid, &st, 0);
			if (!WIFEXITED(st) || WEXITSTATUS(st))
				add(&problems, "a worker for %s died (status %d)", l->id, st);
			if (slot[s].buf)
				add(&problems, "%s", slot[s].buf);
			free(slot[s].buf);
			slot[s].pid = 0;
			running--;
			break;
		}
	}
	for (size_t i = 0; i < nf; i++)
		free(files[i].path);
	free(files);
	fx_rmrf(cache);
	free(cache);
	ck_assert_msg(!problems, "lesson %s:\n%s", l->id, problems ? problems : "");
}
END_TEST

/* A starter that deadlocks by design (the lesson is about the deadlock)
 * lints clean: it fails its named check, a finding reported before the
 * run was stopped, even though the run did not end normally. */
START_TEST(deadlocking_starter_lints_clean)
{
	load();
	const axl_lesson *l = axl_catalog_find(cat, "lock-across-await");
	if (!l) { /* a lessons directory of one's own without it */
		unload();
		return;
	}
	axl_lint out = { 0 };
	axl_diags d = { 0 };
	ck_assert_int_eq(axl_lesson_lint(l, &out, &d), 0);
	ck_assert_msg(out.problems == 0, "lesson-lint lock-across-await:\n%s", fx_diags_text(&d));
	axl_diags_free(&d);
	unload();
}
END_TEST

/* The blocking lesson runs the learner's requests with one worker and
 * with two side by side: the starter's verdict and its output say what
 * each run showed (a second worker serves a second blocked request, not
 * all three). */
START_TEST(blocking_starter_shows_both_runs)
{
	load();
	const axl_lesson *l = axl_catalog_find(cat, "blocking");
	if (!l) {
		unload();
		return;
	}
	char *cache = fx_tmpdir();
	setenv("ASYNCLAB_CACHE_DIR", cache, 1);
	char *starter = axl_lesson_path(l, "starter.c");
	axl_run_opts o = { .file = starter };
	axl_result *r = NULL;
	ck_assert_int_eq(axl_run(l, &o, &r), 0);
	const axl_mark *m = mark_named(r, "served-concurrently");
	ck_assert_ptr_nonnull(m);
	ck_assert(!m->passed);
	ck_assert_msg(strstr(m->message, "with 1 worker a request was started only after") &&
			      strstr(m->message, "with 2 workers at most"),
		      "%s", m->message);
	m = mark_named(r, "lookup-on-pool");
	ck_assert_ptr_nonnull(m);
	ck_assert_msg(!m->passed && strstr(m->message, "with 2 workers 3 of the 3 calls ran on a "
							"worker thread"), "%s", m->message);
	ck_assert_msg(strstr(r->out, "-- 2 workers, side by side (real clock) --\n") &&
			      strstr(r->out, "\n1 worker (virtual clock): served in 360 ms, one at "
					     "a time; 3 of 3 lookups blocked the worker;") &&
			      strstr(r->out, "\n2 workers (real clock): served in "),
		      "%s", r->out);
	axl_result_free(r);
	free(starter);
	fx_rmrf(cache);
	free(cache);
	unload();
}
END_TEST

static Suite *lessons_suite(void)
{
	Suite *s = suite_create("lessons-curriculum");
	TCase *tc = tcase_create("catalog");
	tcase_add_test(tc, catalog_is_clean);
	tcase_add_test(tc, every_finding_is_taught);
	tcase_add_test(tc, deadlocking_starter_lints_clean);
	tcase_add_test(tc, blocking_starter_shows_both_runs);
	tcase_set_timeout(tc, 120);
	suite_add_tcase(s, tc);

	/* One test per lesson, so a failure names it. */
	axl_catalog *c = NULL;
	axl_diags d = { 0 };
	int n = axl_catalog_load(lessons_dir(), &c, &d) == 0 ? (int)c->n : 0;
	axl_catalog_free(c);
	axl_diags_free(&d);
	tc = tcase_create("each-lesson");
	tcase_add_unchecked_fixture(tc, load, unload);
	tcase_set_timeout(tc, 900);
	tcase_add_loop_test(tc, lesson_matrix, 0, n);
	suite_add_tcase(s, tc);
	return s;
}

TEST_MAIN(lessons_suite)
