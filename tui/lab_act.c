/* lab_act.c - what the lab does for a key: verify the exercise (in the
 * engine's sandboxed child), reveal a hint, show the solution as a diff,
 * reset to the starter, open the editor, lay out the timeline. */
#include "config.h"

#include "lab_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

void lab_verify(lab *L)
{
	const axl_lesson *l = lab_lesson(L);
	if (!l || !L->exercise)
		return;
	L->a.checking = 1;
	app_msg(&L->a, "Checking %s ...", L->shown);
	lab_draw(L);
	if (stat(L->exercise, &L->verified) < 0)
		memset(&L->verified, 0, sizeof L->verified);
	/* With the scheduler trace, for the timeline of this run. */
	axl_result *r = NULL;
	axl_run_opts o = { .file = L->exercise, .with_trace = true };
	int rc = axl_run(l, &o, &r);
	L->a.checking = 0;
	if (rc < 0 || !r) {
		app_msg(&L->a, "could not verify: %s", strerror(-rc));
		return;
	}
	axl_result_name_lessons(r, L->cat);
	axl_result_free(L->result);
	L->result = r;
	L->result_for = L->a.cur;
	axl_progress_touch(L->prog, l->id, (int64_t)time(NULL));
	axl_progress_record(L->prog, L->cat, l, r, (int64_t)time(NULL));
	lab_save_progress(L);
	lab_refresh_statuses(L);
	L->a.passed = r->passed || L->a.passed;
	L->a.has_result = 1;
	free(L->result_src);
	L->result_src = lab_result_markdown(r, l, L->exercise);
	lab_relayout(L);
	L->a.view = V_RESULT;
	L->a.scroll = 0;
	L->a.hscroll = 0;
	app_msg(&L->a, r->passed ? "passed: every check is green" : "%zu check%s failed: see below",
		r->nfailed, r->nfailed == 1 ? "" : "s");
	ui_drop_keys(); /* keys typed while checking are ignored */
}

static void show_pager(lab *L, const char *title, char *src, app_pager kind)
{
	free(L->pager_src);
	L->pager_src = src;
	snprintf(L->pager_title, sizeof L->pager_title, "%s", title);
	lab_relayout(L);
	if (L->a.view != V_PAGER)
		L->a.back = L->a.view;
	L->a.view = V_PAGER;
	L->a.pager = kind;
	L->a.scroll = 0;
	L->a.hscroll = 0;
}

void lab_hint(lab *L)
{
	const axl_lesson *l = lab_lesson(L);
	int level = 0;
	char *text = NULL;
	if (axl_hint_next(L->prog, l, &level, &text) < 0) {
		app_msg(&L->a, "this lesson has no hints");
		return;
	}
	lab_save_progress(L);
	char title[96];
	snprintf(title, sizeof title, "hint %d of %d: %s", level, l->nhints, l->id);
	show_pager(L, title, text, PG_HINT);
	app_msg(&L->a, level < l->nhints ? "press h again for a bigger hint" : "that was the last hint");
}

void lab_solution(lab *L)
{
	const axl_lesson *l = lab_lesson(L);
	char *text = NULL;
	if (axl_solution(L->prog, l, &text) < 0) {
		app_msg(&L->a, "the solution opens after this lesson passes");
		return;
	}
	free(text);
	char *sol = axl_lesson_path(l, "solution.c");
	char *b = NULL, *cmd = NULL;
	FILE *p = NULL;
	/* The paths are quoted for the shell; one holding a quote is not run. */
	if (sol && !strchr(L->exercise, '\'') && !strchr(sol, '\'') && !strchr(L->shown, '\'') &&
	    asprintf(&cmd, "diff -u --label 'yours: %s' --label reference '%s' '%s' 2>&1", L->shown,
		     L->exercise, sol) >= 0)
		p = popen(cmd, "r");
	/* Every line of a unified diff starts with a space, +, - or @, so
	 * none can end the fenced block early. */
	char *diff = NULL;
	size_t cap = 0;
	FILE *d = open_memstream(&diff, &cap);
	if (d) {
		char line[1024];
		while (p && fgets(line, sizeof line, p))
			fputs(line, d);
		fclose(d);
	}
	if (asprintf(&b, "# Reference solution\n\nThe difference from your file (`-` yours, `+` the "
			 "reference):\n\n%s%s%s",
		     diff && *diff ? "~~~~~~diff\n" : "(no difference: your file is the reference)\n",
		     diff && *diff ? diff : "", diff && *diff ? "~~~~~~\n" : "") < 0)
		b = NULL;
	free(diff);
	if (p)
		pclose(p);
	free(cmd);
	free(sol);
	show_pager(L, "solution", b, PG_SOLUTION);
}

void lab_reset(lab *L)
{
	const axl_lesson *l = lab_lesson(L);
	char *backup = NULL;
	int rc = axl_workspace_reset(L->ws, l, time(NULL), &backup);
	if (rc < 0)
		app_msg(&L->a, "reset failed: %s", strerror(-rc));
	else if (backup)
		app_msg(&L->a, "reset to the starter; your file is saved as %s", lab_rel(backup));
	else
		app_msg(&L->a, "reset to the starter");
	free(backup);
}

void lab_edit(lab *L)
{
	const char *ed = getenv("VISUAL");
	if (!ed || !*ed)
		ed = getenv("EDITOR");
	if (!ed || !*ed)
		ed = "vi";
	ui_suspend();
	pid_t pid = fork();
	if (pid == 0) {
		execlp("/bin/sh", "sh", "-c", "exec $0 \"$1\"", ed, L->exercise, (char *)NULL);
		_exit(127);
	}
	int st = 0;
	if (pid > 0)
		while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
			;
	ui_resume();
	if (pid < 0 || !WIFEXITED(st) || WEXITSTATUS(st) == 127)
		app_msg(&L->a, "could not run the editor '%s' (set VISUAL or EDITOR)", ed);
	else
		app_msg(&L->a, "back from %s", ed);
}

void lab_timeline(lab *L)
{
	tl_free(&L->grid);
	if (L->result)
		tl_build(L->result->report, ui_timeline_width(), 200, &L->grid);
}
