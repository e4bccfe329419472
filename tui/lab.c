/* lab.c - the interactive lab: ties the curses screens (ui.c) and the
 * key model (app.c) to the lesson engine (lessons/engine.h).  Learner code
 * only ever runs in the engine's sandboxed children; this process keeps
 * the terminal and the progress file safe whatever the exercise does. */
#include "config.h"

#include "lab.h"

#include "../lessons/engine.h"
#include "app.h"
#include "md.h"
#include "timeline.h"
#include "ui.h"
#include "watch.h"

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

typedef struct lab {
	app a;
	app_lesson *items;
	axl_catalog *cat;
	axl_workspace *ws;
	axl_progress *prog;
	ui_opts uo;
	md_doc lesson_doc;  /* the open lesson's text */
	char *lesson_src;   /* its Markdown */
	md_doc result_doc;  /* the last result */
	char *result_src;
	md_doc pager_doc;   /* hints, solution diff */
	char *pager_src;
	char pager_title[96];
	tl_grid grid;
	axl_result *result; /* of lesson result_for */
	int result_for;
	char *exercise;	    /* the open lesson's file */
	watch w;
	struct stat verified; /* the exercise as it was when last verified */
	int width;	    /* text width the docs are laid out for */
	FILE *trace;	    /* ASYNCLAB_TUI_TRACE: frame timings */
} lab;

static volatile sig_atomic_t quit_requested;

static void on_quit_signal(int sig)
{
	(void)sig;
	quit_requested = 1;
}

static uint64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static uint64_t now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

/* A growing Markdown buffer. */
typedef struct sbuf {
	char *s;
	size_t n, cap;
} sbuf;

static void sb_printf(sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void sb_printf(sbuf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int need = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (need < 0)
		return;
	if (b->n + (size_t)need + 1 > b->cap) {
		size_t cap = (b->cap + (size_t)need + 1) * 2;
		char *s = realloc(b->s, cap);
		if (!s)
			return;
		b->s = s;
		b->cap = cap;
	}
	va_start(ap, fmt);
	vsnprintf(b->s + b->n, b->cap - b->n, fmt, ap);
	va_end(ap);
	b->n += (size_t)need;
}

/* Text placed in a fenced block: a fence line inside it is defused. */
static void sb_fenced(sbuf *b, const char *info, const char *text)
{
	sb_printf(b, "~~~~~~%s\n", info);
	for (const char *p = text; p && *p;) {
		const char *e = strchr(p, '\n');
		int len = e ? (int)(e - p) : (int)strlen(p);
		sb_printf(b, "%.*s\n", len, p);
		p = e ? e + 1 : p + len;
	}
	sb_printf(b, "~~~~~~\n");
}

static void relayout(lab *L)
{
	L->width = ui_text_width();
	md_free(&L->lesson_doc);
	md_free(&L->result_doc);
	md_free(&L->pager_doc);
	if (L->lesson_src)
		md_render(L->lesson_src, L->width, L->uo.ascii, &L->lesson_doc);
	if (L->result_src) {
		md_render(L->result_src, L->width, L->uo.ascii, &L->result_doc);
		md_mark_verdicts(&L->result_doc);
	}
	if (L->pager_src)
		md_render(L->pager_src, L->width, L->uo.ascii, &L->pager_doc);
}

static const axl_lesson *cur_lesson(lab *L)
{
	return L->a.cur >= 0 ? L->cat->lessons[L->a.cur] : NULL;
}

static void save_progress(lab *L)
{
	if (axl_progress_save(L->prog, L->ws->progress_path) < 0)
		app_msg(&L->a, "could not save progress to %s: %s", L->ws->progress_path,
			strerror(errno));
}

static void refresh_statuses(lab *L)
{
	const char *current = L->prog->current;
	int cur_idx = -1;
	for (size_t i = 0; i < L->cat->n; i++) {
		const axl_lesson_progress *lp = axl_progress_find(L->prog, L->cat->lessons[i]->id);
		L->items[i].status = lp && lp->passed ? ST_DONE : ST_LATER;
		if (current && !strcmp(current, L->cat->lessons[i]->id))
			cur_idx = (int)i;
	}
	if (cur_idx < 0)
		for (size_t i = 0; i < L->cat->n; i++)
			if (L->items[i].status != ST_DONE) {
				cur_idx = (int)i;
				break;
			}
	if (cur_idx >= 0 && L->items[cur_idx].status != ST_DONE)
		L->items[cur_idx].status = ST_CURRENT;
}

/* The i-th finding of a report that counts (not suppressed): the order of
 * axl_result's findings. */
static const axc_finding *reported_finding(const axc_report *rep, size_t i)
{
	for (size_t k = 0; rep && k < rep->nfindings; k++)
		if (!rep->findings[k].suppressed && i-- == 0)
			return &rep->findings[k];
	return NULL;
}

static void build_result_doc(lab *L)
{
	axl_result *r = L->result;
	const axl_lesson *l = L->cat->lessons[L->result_for];
	sbuf b = { 0 };
	if (r->passed)
		sb_printf(&b, "# **PASS** %s\n\nEvery check passed. Press `n` for the next lesson, `s` for the reference solution.\n\n",
			  l->title);
	else
		sb_printf(&b, "# **FAIL** %s\n\n%zu of %zu checks failed.\n\n", l->title, r->nfailed,
			  r->nmarks);
	if (r->verdict && *r->verdict)
		sb_printf(&b, "%s\n\n", r->verdict);
	sb_printf(&b, "## Checks\n\n");
	for (size_t i = 0; i < r->nmarks; i++) {
		const axl_mark *m = &r->marks[i];
		sb_printf(&b, "- **%s** `%s`", m->skipped ? "SKIP" : m->passed ? "PASS" : "FAIL",
			  m->check->name);
		if (!m->passed && m->message && *m->message)
			sb_printf(&b, ": %s", m->message);
		sb_printf(&b, "\n");
	}
	if (r->end == AXL_END_NOT_BUILT || r->end == AXL_END_OLD_SHAPE) {
		sb_printf(&b, "\n## Compiler output\n\n");
		sb_fenced(&b, "text", r->build_output);
	}
	if (r->nfindings) {
		sb_printf(&b, "\n## Findings\n\n");
		for (size_t i = 0; i < r->nfindings; i++) {
			const axl_finding *f = &r->findings[i];
			sb_printf(&b, "- `%s:%d` **%s** %s", f->file ? f->file : "?", f->line, f->id,
				  f->message ? f->message : "");
			if (f->task_name || f->task_id)
				sb_printf(&b, " (task #%lld%s%s)", (long long)f->task_id,
					  f->task_name ? " " : "", f->task_name ? f->task_name : "");
			sb_printf(&b, "\n");
			/* The report's findings that count, in the same order. */
			const axc_finding *rf = reported_finding(r->report, i);
			for (size_t k = 0; rf && k < rf->nnotes; k++) {
				const axc_note *note = &rf->notes[k];
				const char *nm = note->message;
				if (note->file)
					sb_printf(&b, "    - note: `%s:%d` %s\n", note->file, note->line,
						  nm ? nm : "");
				else
					sb_printf(&b, "    - note: %s\n", nm ? nm : "");
			}
			if (f->fix)
				sb_printf(&b, "    - fix: %s (lesson `%s`)\n", f->fix, f->lesson ? f->lesson : "?");
		}
	}
	sb_printf(&b, "\n## Output\n\n");
	if (r->out && *r->out)
		sb_fenced(&b, "text", r->out);
	else
		sb_printf(&b, "(the program printed nothing)\n\n");
	if (r->err && *r->err) {
		sb_printf(&b, "\n## Error output\n\n");
		sb_fenced(&b, "text", r->err);
	}
	if (r->output_truncated)
		sb_printf(&b, "\n(output truncated)\n");
	sb_printf(&b, "\nVirtual time: %.1f ms. Peak live tasks: %llu.\n", (double)r->virtual_ns / 1e6,
		  (unsigned long long)r->peak_live);
	free(L->result_src);
	L->result_src = b.s;
}

static void open_lesson(lab *L)
{
	const axl_lesson *l = cur_lesson(L);
	if (!l)
		return;
	char *md = axl_lesson_path(l, "lesson.md");
	free(L->lesson_src);
	L->lesson_src = md ? axl_read_file(md, NULL) : NULL;
	if (!L->lesson_src) {
		char msg[300];
		snprintf(msg, sizeof msg, "# %s\n\nCannot read %s.\n", l->title, md ? md : "lesson.md");
		L->lesson_src = strdup(msg);
	}
	free(md);
	axl_workspace_ensure(L->ws, l);
	free(L->exercise);
	L->exercise = axl_workspace_exercise(L->ws, l);
	watch_close(&L->w);
	if (L->exercise && watch_open(&L->w, L->exercise, 150) < 0)
		app_msg(&L->a, "cannot watch %s for saves: press r to verify", L->exercise);
	else
		app_msg(&L->a, "edit %s (e opens it); saving verifies it", L->exercise);
	axl_progress_set_current(L->prog, l->id);
	axl_progress_touch(L->prog, l->id, (int64_t)time(NULL));
	const axl_lesson_progress *lp = axl_progress_find(L->prog, l->id);
	L->a.passed = lp && lp->passed;
	L->a.has_result = L->result && L->result_for == L->a.cur;
	refresh_statuses(L);
	/* Saved at the next verify, hint or quit: an fsync here would cost a
	 * visible pause on every lesson opened. */
	relayout(L);
}

static void draw(lab *L)
{
	if (ui_too_small()) {
		ui_flush();
		return;
	}
	char title[160];
	const axl_lesson *l = cur_lesson(L);
	switch (L->a.view) {
	case V_LIST:
		ui_draw_list(&L->a);
		break;
	case V_LESSON:
		snprintf(title, sizeof title, "%02d %s", l ? l->order : 0, l ? l->title : "");
		ui_draw_doc(&L->a, title, &L->lesson_doc);
		break;
	case V_RESULT:
		snprintf(title, sizeof title, "result: %s", l ? l->title : "");
		ui_draw_doc(&L->a, title, &L->result_doc);
		break;
	case V_TIMELINE:
		snprintf(title, sizeof title, "timeline of the last run: %s", l ? l->id : "");
		ui_draw_timeline(&L->a, title, &L->grid);
		break;
	case V_HELP:
		ui_draw_help(&L->a);
		break;
	case V_PAGER:
		ui_draw_doc(&L->a, L->pager_title, &L->pager_doc);
		break;
	}
	if (L->a.view != V_LIST && L->exercise)
		ui_draw_bars(&L->a, L->exercise);
	ui_flush();
}

/* Has the exercise changed since it was last verified?  Editors and tools
 * can touch a file several times for one save; only new contents are
 * worth a new check. */
static int changed_since_verify(const lab *L)
{
	struct stat st;
	if (stat(L->exercise, &st) < 0)
		return 1;
	return st.st_size != L->verified.st_size || st.st_ino != L->verified.st_ino ||
	       st.st_mtim.tv_sec != L->verified.st_mtim.tv_sec ||
	       st.st_mtim.tv_nsec != L->verified.st_mtim.tv_nsec;
}

static void do_verify(lab *L)
{
	const axl_lesson *l = cur_lesson(L);
	if (!l || !L->exercise)
		return;
	L->a.checking = 1;
	app_msg(&L->a, "Checking %s ...", L->exercise);
	draw(L);
	if (stat(L->exercise, &L->verified) < 0)
		memset(&L->verified, 0, sizeof L->verified);
	axl_result *r = NULL;
	int rc = axl_verify(l, L->exercise, &r);
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
	save_progress(L);
	refresh_statuses(L);
	L->a.passed = r->passed || L->a.passed;
	L->a.has_result = 1;
	build_result_doc(L);
	relayout(L);
	L->a.view = V_RESULT;
	L->a.scroll = 0;
	app_msg(&L->a, r->passed ? "passed: every check is green" : "%zu check%s failed: see below",
		r->nfailed, r->nfailed == 1 ? "" : "s");
	ui_drop_keys(); /* keys typed while checking are ignored */
}

static void show_pager(lab *L, const char *title, char *src)
{
	free(L->pager_src);
	L->pager_src = src;
	snprintf(L->pager_title, sizeof L->pager_title, "%s", title);
	relayout(L);
	if (L->a.view != V_PAGER)
		L->a.back = L->a.view;
	L->a.view = V_PAGER;
	L->a.scroll = 0;
}

static void do_hint(lab *L)
{
	const axl_lesson *l = cur_lesson(L);
	int level = 0;
	char *text = NULL;
	if (axl_hint_next(L->prog, l, &level, &text) < 0) {
		app_msg(&L->a, "this lesson has no hints");
		return;
	}
	save_progress(L);
	char title[96];
	snprintf(title, sizeof title, "hint %d of %d: %s", level, l->nhints, l->id);
	show_pager(L, title, text);
	app_msg(&L->a, level < l->nhints ? "press h again for a bigger hint" : "that was the last hint");
}

static void do_solution(lab *L)
{
	const axl_lesson *l = cur_lesson(L);
	char *text = NULL;
	if (axl_solution(L->prog, l, &text) < 0) {
		app_msg(&L->a, "the solution opens after this lesson passes");
		return;
	}
	free(text);
	char *sol = axl_lesson_path(l, "solution.c");
	sbuf b = { 0 };
	sb_printf(&b, "# Reference solution\n\nThe difference from your file (`-` yours, `+` the reference):\n\n");
	char cmd[8400];
	snprintf(cmd, sizeof cmd, "diff -u '%s' '%s' 2>&1", L->exercise, sol);
	FILE *p = strchr(L->exercise, '\'') || strchr(sol, '\'') ? NULL : popen(cmd, "r");
	sbuf d = { 0 };
	if (p) {
		char line[1024];
		while (fgets(line, sizeof line, p))
			sb_printf(&d, "%s", line);
		pclose(p);
	}
	if (!d.s || !*d.s)
		sb_printf(&b, "(no difference: your file is the reference)\n");
	else
		sb_fenced(&b, "diff", d.s);
	free(d.s);
	free(sol);
	show_pager(L, "solution", b.s);
}

static void do_reset(lab *L)
{
	const axl_lesson *l = cur_lesson(L);
	char *backup = NULL;
	int rc = axl_workspace_reset(L->ws, l, time(NULL), &backup);
	if (rc < 0)
		app_msg(&L->a, "reset failed: %s", strerror(-rc));
	else if (backup)
		app_msg(&L->a, "reset to the starter; your file is saved as %s", backup);
	else
		app_msg(&L->a, "reset to the starter");
	free(backup);
}

static void do_edit(lab *L)
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

static void lab_free(lab *L)
{
	watch_close(&L->w);
	md_free(&L->lesson_doc);
	md_free(&L->result_doc);
	md_free(&L->pager_doc);
	free(L->lesson_src);
	free(L->result_src);
	free(L->pager_src);
	tl_free(&L->grid);
	axl_result_free(L->result);
	free(L->exercise);
	free(L->items);
	axl_progress_free(L->prog);
	axl_workspace_free(L->ws);
	axl_catalog_free(L->cat);
	if (L->trace)
		fclose(L->trace);
}

static void usage(FILE *f)
{
	fprintf(f, "usage: asynclab [--ascii] [--color | --no-color]\n"
		   "Opens the lab in the terminal.  Without a terminal, use the subcommands:\n"
		   "asynclab list, verify, run, hint, solution, reset, progress (see asynclab --help).\n");
}

int axtui_main(int argc, char **argv)
{
	int force_color = -1, force_ascii = -1;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--ascii"))
			force_ascii = 1;
		else if (!strcmp(argv[i], "--color"))
			force_color = 1;
		else if (!strcmp(argv[i], "--no-color"))
			force_color = 0;
		else {
			fprintf(stderr, "asynclab: unknown option '%s'\n", argv[i]);
			usage(stderr);
			return 2;
		}
	}
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		fprintf(stderr, "asynclab: not a terminal, so the interactive lab cannot open.\n"
				"Use the non-interactive subcommands instead: asynclab list, asynclab verify LESSON,\n"
				"asynclab hint LESSON, asynclab progress (asynclab --help lists them all).\n");
		return 2;
	}
	lab L;
	memset(&L, 0, sizeof L);
	L.w.fd = -1;
	L.result_for = -1;
	const char *tr = getenv("ASYNCLAB_TUI_TRACE");
	uint64_t t_start = now_us();
	if (tr && *tr)
		L.trace = fopen(tr, "a");
	axl_diags d = { 0 };
	if (axl_catalog_load(NULL, &L.cat, &d) < 0 || axl_catalog_use_course(L.cat, &d) < 0 ||
	    L.cat->n == 0) {
		fprintf(stderr, "asynclab: no lessons found in %s\n", axl_lessons_dir());
		for (size_t i = 0; i < d.n; i++)
			fprintf(stderr, "%s\n", d.msg[i]);
		axl_diags_free(&d);
		lab_free(&L);
		return 2;
	}
	axl_diags_free(&d);
	char created_msg[4200] = "";
	if (axl_workspace_find(&L.ws) < 0) {
		int copied = 0;
		if (axl_workspace_init(AXL_DEFAULT_WORKSPACE, L.cat, &L.ws, &copied) < 0) {
			fprintf(stderr, "asynclab: cannot create a workspace at ./%s: %s\n",
				AXL_DEFAULT_WORKSPACE, strerror(errno));
			lab_free(&L);
			return 2;
		}
		snprintf(created_msg, sizeof created_msg, "created a workspace at %s (%d exercises)",
			 L.ws->root, copied);
	}
	axl_diags pd = { 0 };
	if (axl_progress_load(L.ws->progress_path, &L.prog, &pd) == -EBADMSG && pd.n)
		snprintf(created_msg, sizeof created_msg, "%s", pd.msg[0]);
	axl_diags_free(&pd);
	if (!L.prog) {
		fprintf(stderr, "asynclab: cannot read %s\n", L.ws->progress_path);
		lab_free(&L);
		return 2;
	}
	L.items = calloc(L.cat->n, sizeof *L.items);
	if (!L.items) {
		lab_free(&L);
		return 2;
	}
	for (size_t i = 0; i < L.cat->n; i++) {
		snprintf(L.items[i].id, sizeof L.items[i].id, "%s", L.cat->lessons[i]->id);
		snprintf(L.items[i].title, sizeof L.items[i].title, "%s", L.cat->lessons[i]->title);
	}
	refresh_statuses(&L);
	app_init(&L.a, L.items, (int)L.cat->n);
	if (created_msg[0])
		app_msg(&L.a, "%s", created_msg);
	else
		app_msg(&L.a, "workspace %s", L.ws->root);

	ui_decide(&L.uo, force_color, force_ascii);
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_quit_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	if (ui_begin(&L.uo) < 0) {
		fprintf(stderr, "asynclab: cannot start the terminal (TERM=%s)\n",
			getenv("TERM") ? getenv("TERM") : "");
		lab_free(&L);
		return 2;
	}
	L.width = ui_text_width();
	draw(&L);
	if (L.trace) {
		struct timespec rt;
		clock_gettime(CLOCK_REALTIME, &rt);
		fprintf(L.trace, "first_frame_us %llu wall_ns %lld\n",
			(unsigned long long)(now_us() - t_start),
			(long long)rt.tv_sec * 1000000000LL + rt.tv_nsec);
	}

	const char *quit_how = "quit asynclab";
	while (!quit_requested) {
		int key = ui_getkey(100);
		uint64_t t_key = now_us();
		if (L.a.view != V_LIST && L.exercise && watch_poll(&L.w, now_ms()) && !L.a.checking &&
		    changed_since_verify(&L)) {
			do_verify(&L);
			draw(&L);
			continue;
		}
		if (key < 0)
			continue;
		if (key == K_RESIZE && ui_text_width() != L.width) {
			relayout(&L);
			if (L.a.view == V_TIMELINE && L.result) {
				tl_free(&L.grid);
				tl_build(L.result->report, ui_timeline_width(), 200, &L.grid);
			}
		}
		const axl_lesson *open = cur_lesson(&L);
		if (open)
			axl_progress_touch(L.prog, open->id, (int64_t)time(NULL));
		app_action act = app_key(&L.a, key);
		switch (act) {
		case A_QUIT:
			quit_requested = 1;
			break;
		case A_OPEN:
			open_lesson(&L);
			break;
		case A_VERIFY:
			do_verify(&L);
			break;
		case A_EDIT:
			do_edit(&L);
			break;
		case A_HINT:
			do_hint(&L);
			break;
		case A_SOLUTION:
			do_solution(&L);
			break;
		case A_RESET:
			do_reset(&L);
			break;
		case A_TIMELINE:
			tl_free(&L.grid);
			if (L.result)
				tl_build(L.result->report, ui_timeline_width(), 200, &L.grid);
			break;
		default:
			break;
		}
		if (!quit_requested) {
			draw(&L);
			if (L.trace)
				fprintf(L.trace, "key %d redraw_us %llu\n", key,
					(unsigned long long)(now_us() - t_key));
		}
	}
	save_progress(&L);
	ui_end();
	printf("asynclab: %s; progress saved in %s\n", quit_how, L.ws->progress_path);
	lab_free(&L);
	return 0;
}
