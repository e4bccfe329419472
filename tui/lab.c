/* lab.c - the interactive lab: start-up (options, the catalog with its
 * course, the workspace and progress, the terminal), the key loop that
 * ties the curses screens (ui*.c) and the key model (app.c) to the lesson
 * engine, and quitting.  Learner code only ever runs in the engine's
 * sandboxed children; this process keeps the terminal and the progress
 * file safe whatever the exercise does. */
#include "config.h"

#include "lab.h"
#include "lab_int.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t quit_requested;

static void on_quit_signal(int sig)
{
	(void)sig;
	quit_requested = 1;
}

static uint64_t now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
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
	free(L->shown);
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

/* The lab's own options.  Returns 0, or the exit status of a bad one. */
static int parse_options(int argc, char **argv, int *force_color, int *force_ascii)
{
	*force_color = *force_ascii = -1;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--ascii"))
			*force_ascii = 1;
		else if (!strcmp(argv[i], "--color"))
			*force_color = 1;
		else if (!strcmp(argv[i], "--no-color"))
			*force_color = 0;
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
	return 0;
}

/* The lessons (with the course in effect), the workspace (created when
 * there is none) and its progress.  note gets what to tell the learner
 * first.  Returns 0, or prints why not and returns -1. */
static int load(lab *L, char *note, size_t n)
{
	axl_diags d = { 0 };
	if (axl_catalog_load(NULL, &L->cat, &d) < 0 || axl_catalog_use_course(L->cat, &d) < 0 ||
	    L->cat->n == 0) {
		fprintf(stderr, "asynclab: no lessons found in %s\n", axl_lessons_dir());
		for (size_t i = 0; i < d.n; i++)
			fprintf(stderr, "%s\n", d.msg[i]);
		axl_diags_free(&d);
		return -1;
	}
	axl_diags_free(&d);
	if (axl_workspace_find(&L->ws) < 0) {
		int copied = 0;
		if (axl_workspace_init(AXL_DEFAULT_WORKSPACE, L->cat, &L->ws, &copied) < 0) {
			fprintf(stderr, "asynclab: cannot create a workspace at ./%s: %s\n",
				AXL_DEFAULT_WORKSPACE, strerror(errno));
			return -1;
		}
		snprintf(note, n, "created a workspace at %s (%d exercises)", lab_rel(L->ws->root),
			 copied);
	}
	axl_diags pd = { 0 };
	if (axl_progress_load(L->ws->progress_path, &L->prog, &pd) == -EBADMSG && pd.n)
		snprintf(note, n, "%s", pd.msg[0]);
	axl_diags_free(&pd);
	if (!L->prog) {
		fprintf(stderr, "asynclab: cannot read %s\n", L->ws->progress_path);
		return -1;
	}
	L->items = calloc(L->cat->n, sizeof *L->items);
	if (!L->items)
		return -1;
	for (size_t i = 0; i < L->cat->n; i++) {
		const axl_lesson *l = L->cat->lessons[i];
		snprintf(L->items[i].id, sizeof L->items[i].id, "%s", l->id);
		snprintf(L->items[i].title, sizeof L->items[i].title, "%s", l->title);
		L->items[i].order = l->order;
	}
	lab_refresh_statuses(L);
	app_init(&L->a, L->items, (int)L->cat->n);
	L->a.course = L->cat->course != NULL;
	if (!note[0])
		snprintf(note, n, "workspace %s", lab_rel(L->ws->root));
	app_msg(&L->a, "%s", note);
	return 0;
}

/* Colours, signals that quit cleanly, curses, the first frame. */
static int start_terminal(lab *L, int force_color, int force_ascii, uint64_t t_start)
{
	ui_decide(&L->uo, force_color, force_ascii);
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_quit_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	if (ui_begin(&L->uo) < 0) {
		fprintf(stderr, "asynclab: cannot start the terminal (TERM=%s)\n",
			getenv("TERM") ? getenv("TERM") : "");
		return -1;
	}
	L->width = ui_text_width();
	lab_draw(L);
	if (L->trace) {
		struct timespec rt;
		clock_gettime(CLOCK_REALTIME, &rt);
		fprintf(L->trace, "first_frame_us %llu wall_ns %lld\n",
			(unsigned long long)(now_us() - t_start),
			(long long)rt.tv_sec * 1000000000LL + rt.tv_nsec);
	}
	return 0;
}

/* Carry out what a key asked for. */
static void perform(lab *L, app_action act)
{
	switch (act) {
	case A_QUIT:
		quit_requested = 1;
		break;
	case A_OPEN:
		lab_open_lesson(L);
		break;
	case A_VERIFY:
		lab_verify(L);
		break;
	case A_EDIT:
		lab_edit(L);
		break;
	case A_HINT:
		lab_hint(L);
		break;
	case A_SOLUTION:
		lab_solution(L);
		break;
	case A_RESET:
		lab_reset(L);
		break;
	case A_TIMELINE:
		lab_timeline(L);
		break;
	default:
		break;
	}
}

/* A saved exercise is verified again when its contents changed. */
static int saved_since_verify(lab *L)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	uint64_t ms = (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
	if (L->a.view == V_LIST || !L->exercise || !watch_poll(&L->w, ms) || L->a.checking)
		return 0;
	/* Editors and tools can touch a file several times for one save;
	 * only new contents are worth a new check. */
	struct stat st;
	if (stat(L->exercise, &st) < 0)
		return 1;
	return st.st_size != L->verified.st_size || st.st_ino != L->verified.st_ino ||
	       st.st_mtim.tv_sec != L->verified.st_mtim.tv_sec ||
	       st.st_mtim.tv_nsec != L->verified.st_mtim.tv_nsec;
}

static void key_loop(lab *L)
{
	while (!quit_requested) {
		int key = ui_getkey(100);
		uint64_t t_key = now_us();
		if (saved_since_verify(L)) {
			lab_verify(L);
			lab_draw(L);
			continue;
		}
		if (key < 0) {
			/* The header's minutes move on while the learner reads. */
			int minute = (int)(time(NULL) / 60);
			if (minute != L->minute && (L->a.view == V_LESSON || L->a.view == V_RESULT))
				lab_draw(L);
			L->minute = minute;
			continue;
		}
		if (key == K_RESIZE && ui_text_width() != L->width) {
			lab_relayout(L);
			if (L->a.view == V_TIMELINE)
				lab_timeline(L);
		}
		const axl_lesson *open = lab_lesson(L);
		if (open)
			axl_progress_touch(L->prog, open->id, (int64_t)time(NULL));
		perform(L, app_key(&L->a, key));
		if (!quit_requested) {
			lab_draw(L);
			if (L->trace)
				fprintf(L->trace, "key %d redraw_us %llu\n", key,
					(unsigned long long)(now_us() - t_key));
		}
	}
}

int axtui_main(int argc, char **argv)
{
	int force_color, force_ascii;
	int rc = parse_options(argc, argv, &force_color, &force_ascii);
	if (rc)
		return rc;
	lab L;
	memset(&L, 0, sizeof L);
	L.w.fd = -1;
	L.result_for = -1;
	const char *tr = getenv("ASYNCLAB_TUI_TRACE");
	uint64_t t_start = now_us();
	if (tr && *tr)
		L.trace = fopen(tr, "a");
	char note[4200] = "";
	if (load(&L, note, sizeof note) < 0 || start_terminal(&L, force_color, force_ascii, t_start) < 0) {
		lab_free(&L);
		return 2;
	}
	key_loop(&L);
	lab_save_progress(&L);
	ui_end();
	printf("asynclab: quit asynclab; progress saved in %s\n", L.ws->progress_path);
	lab_free(&L);
	return 0;
}
