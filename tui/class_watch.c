/* class_watch.c - `asynclab class --watch`: the class dashboard on a full
 * screen, redrawn as progress arrives: from folders and class stores read
 * again every second, or from a class server (HOST:PORT --code CODE)
 * asked by dash.c's background thread, so a slow or lost server never
 * freezes the screen (the last answer stays, with why it is old).  The
 * lines are dash.c's. */
#include "config.h"

#include "cli.h"
#include "dash.h"
#include "ui.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define WATCH_KEYS "j/k or arrows scroll  PgUp/PgDn  Home/End  q quit"
#define WATCH_PERIOD_MS 1000

typedef struct watch {
	cli *c;
	const char *const *paths;
	size_t np;
	bool remote;
	dash_remote rem;
	uint64_t seen;
	json_t *doc;		/* the server's latest class */
	bool course_done;	/* the course of the server's learners applied */
	axl_class *k;
	char source[256];
	char status[320];
	int scroll;
} watch;

/* The numbers again, from the paths or the latest document. */
static int regather(watch *w)
{
	axl_class *k = NULL;
	int64_t now = (int64_t)time(NULL);
	int e;
	if (w->remote) {
		if (!w->doc)
			return 0;
		if (!w->course_done && !w->c->cat->course && !w->c->no_course) {
			/* Follow the course the learners pushed, once. */
			char *text = NULL, *from = NULL;
			size_t others = 0;
			if (axl_class_course_doc(w->doc, w->source, &text, &from, &others) == 0 &&
			    text) {
				axl_diags d = { 0 };
				axl_catalog_apply_course_text(w->c->cat, text, from, &d);
				axl_diags_free(&d);
			}
			free(text);
			free(from);
		}
		w->course_done = true;
		e = axl_class_gather_doc(w->c->cat, w->doc, w->source, now, &k);
	} else {
		e = axl_class_gather_at(w->c->cat, w->paths, w->np, now, &k);
	}
	if (e < 0)
		return e;
	axl_class_free(w->k);
	w->k = k;
	return 0;
}

static void draw(watch *w)
{
	if (ui_too_small())
		return;
	md_doc d = { 0 };
	char title[320] = "class";
	if (w->k) {
		dash_opts o = { .cols = COLS - 3, .now = (int64_t)time(NULL), .source = w->source };
		if (dash_layout(w->k, w->c->cat, &o, &d, title, sizeof title) < 0)
			snprintf(w->status, sizeof w->status, "out of memory");
	} else {
		snprintf(title, sizeof title, "class: waiting for %s", w->source);
	}
	int rows = LINES - 3, max = d.n > rows ? d.n - rows : 0;
	if (w->scroll > max)
		w->scroll = max;
	if (w->scroll < 0)
		w->scroll = 0;
	char status[320];
	snprintf(status, sizeof status, "%s", w->status);
	if (COLS > 4 && strlen(status) > (size_t)COLS - 4) {
		size_t cut = (size_t)COLS - 4;
		while (cut && ((unsigned char)status[cut] & 0xc0) == 0x80)
			cut--;
		status[cut] = '\0';
	}
	ui_draw_screen(title, &d, w->scroll, status, WATCH_KEYS);
	ui_flush();
	md_free(&d);
}

/* Take what the server sent since the last look; the status says where
 * the numbers come from and, when the server cannot be asked, why. */
static void take(watch *w)
{
	char err[256] = "";
	json_t *doc = dash_remote_take(&w->rem, &w->seen, err, sizeof err);
	if (doc) {
		json_decref(w->doc);
		w->doc = doc;
	}
	if (regather(w) < 0)
		snprintf(w->status, sizeof w->status, "out of memory");
	else if (err[0])
		snprintf(w->status, sizeof w->status, "%s%s", w->doc ? "showing the last answer: " : "",
			 axc_safe(err));
	else if (w->doc)
		snprintf(w->status, sizeof w->status, "live from %s", w->source);
	else
		snprintf(w->status, sizeof w->status, "asking %s...", w->source);
}

int cli_class_watch(cli *c, const char *const *paths, size_t np, const char *code)
{
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		fprintf(stderr, "asynclab class: --watch needs a terminal (without it, asynclab "
				"class prints the numbers once)\n");
		return CLI_USAGE;
	}
	watch w = { .c = c, .paths = paths, .np = np, .remote = code != NULL };
	if (w.remote) {
		snprintf(w.source, sizeof w.source, "%s", paths[0]);
		int e = dash_remote_start(&w.rem, paths[0], code, WATCH_PERIOD_MS);
		if (e < 0) {
			fprintf(stderr, "asynclab class: cannot start asking %s: %s\n",
				axc_safe(paths[0]), strerror(-e));
			return CLI_FAIL;
		}
	} else {
		snprintf(w.source, sizeof w.source, "%s%s", paths[0], np > 1 ? " and more" : "");
		if (regather(&w) < 0) {
			fprintf(stderr, "asynclab class: out of memory\n");
			return CLI_FAIL;
		}
		snprintf(w.status, sizeof w.status, "live from %s (read again every second)",
			 w.source);
	}
	ui_opts uo;
	ui_decide(&uo, -1, -1);
	int rc = CLI_OK;
	if (ui_begin(&uo) < 0) {
		fprintf(stderr, "asynclab class: cannot start the screen\n");
		rc = CLI_USAGE;
		goto out;
	}
	struct timespec last;
	clock_gettime(CLOCK_MONOTONIC, &last);
	for (bool quit = false; !quit;) {
		if (w.remote)
			take(&w);
		draw(&w);
		int k = ui_getkey(250);
		int page = LINES - 4 > 1 ? LINES - 4 : 1;
		switch (k) {
		case 'q':
		case 'Q':
			quit = true;
			break;
		case 'j':
		case K_DOWN:
			w.scroll++;
			break;
		case 'k':
		case K_UP:
			w.scroll--;
			break;
		case K_PGDN:
		case ' ':
			w.scroll += page;
			break;
		case K_PGUP:
			w.scroll -= page;
			break;
		case K_HOME:
			w.scroll = 0;
			break;
		case K_END:
			w.scroll = 1 << 20;
			break;
		default:
			break;
		}
		/* Folders: read again once a second (the title's clock moves
		 * with it). */
		struct timespec now;
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (!w.remote && (now.tv_sec - last.tv_sec) * 1000 +
					 (now.tv_nsec - last.tv_nsec) / 1000000 >= WATCH_PERIOD_MS) {
			last = now;
			if (regather(&w) < 0)
				snprintf(w.status, sizeof w.status, "out of memory");
		}
	}
	ui_end();
out:
	if (w.remote)
		dash_remote_stop(&w.rem);
	json_decref(w.doc);
	axl_class_free(w.k);
	return rc;
}
