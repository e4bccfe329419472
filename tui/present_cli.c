/* present_cli.c - `asynclab present LESSON [--file F]`: run the exercise
 * (or F) on the virtual clock with the lesson's seed and the scheduler
 * trace on, then step through the trace on a full screen, one event at a
 * time, forward and back (the model is present_model.c, the lines
 * present_view.c).  --save keeps the run's report to replay later with
 * --report (no compiler needed in the room). */
#include "config.h"

#include "cli.h"
#include "present.h"
#include "ui.h"
#include "app.h"
#include "../checker/safe_text.h"

#include <curses.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define PRES_KEYS "n/-> next  p/<- back  Tab task  t its poll  f finding  g time  " \
		  "Home/End  q"

typedef struct pres_ui {
	const axc_report *r;
	pres_src src;
	size_t step, nsteps;
	int64_t selected;
	size_t *fsteps, *forder; /* where the findings are (pres_finding_steps) */
	size_t finding;		 /* the one f went to last */
	const char *source;	/* the program's file, or NULL (a replay) */
	const char *name;	/* for the title: the file run or the report */
	char status[256];
} pres_ui;

static void pres_draw(pres_ui *p)
{
	if (ui_too_small())
		return;
	pres_state s;
	md_doc d = { 0 };
	char title[160];
	snprintf(title, sizeof title, "present %s", axc_safe(p->name));
	if (pres_state_at(p->r, p->step, &s) < 0) {
		ui_draw_screen(title, &d, 0, "out of memory", PRES_KEYS);
		ui_flush();
		return;
	}
	/* The body is drawn from column 2 and COLS - 3 wide, under the title
	 * and over one status line (clipped to stay one) and the keys. */
	/* A finding shows at the step it is about (whichever way we came). */
	size_t finding = (size_t)-1;
	for (size_t i = 0; p->fsteps && i < p->r->nfindings; i++)
		if (p->fsteps[i] == p->step && (finding == (size_t)-1 || p->forder[i] == p->finding))
			finding = p->forder[i];
	pres_view_opts o = { .cols = COLS - 3, .rows = LINES - 3, .selected = p->selected,
			     .finding = finding, .source = p->source };
	if (pres_view(p->r, &s, &o, &p->src, &d) < 0)
		snprintf(p->status, sizeof p->status, "out of memory");
	if (COLS > 4 && strlen(p->status) > (size_t)COLS - 4) {
		size_t cut = (size_t)COLS - 4;
		while (cut && ((unsigned char)p->status[cut] & 0xc0) == 0x80)
			cut--; /* not inside a character */
		p->status[cut] = '\0';
	}
	ui_draw_screen(title, &d, 0, p->status, PRES_KEYS);
	ui_flush();
	md_free(&d);
	pres_state_free(&s);
}

/* The next task after the selected one, in spawn order (wrapping). */
static void pres_select_next(pres_ui *p)
{
	pres_state s;
	if (pres_state_at(p->r, p->step, &s) < 0 || !s.ntasks)
		return;
	size_t i = 0;
	while (i < s.ntasks && s.tasks[i].id != p->selected)
		i++;
	p->selected = s.tasks[i < s.ntasks ? (i + 1) % s.ntasks : 0].id;
	char lab[80];
	pres_task_label(p->r, p->selected, lab, sizeof lab);
	snprintf(p->status, sizeof p->status, "selected %s (t: its next poll)", axc_safe(lab));
	pres_state_free(&s);
}

/* Read a time in ms on the prompt line; -1 when cancelled. */
static long long pres_ask_ms(void)
{
	char buf[24] = "";
	size_t n = 0;
	for (;;) {
		char prompt[64];
		snprintf(prompt, sizeof prompt, "go to time (ms), Enter: %s", buf);
		move(LINES - 1, 0);
		clrtoeol();
		addnstr(prompt, COLS - 1);
		refresh();
		int k = ui_getkey(-1);
		if (k == K_ENTER)
			return n ? atoll(buf) : -1;
		if (k == K_ESC || k == 'q')
			return -1;
		if (k == K_BACKSPACE && n)
			buf[--n] = 0;
		else if (k >= '0' && k <= '9' && n < sizeof buf - 1) {
			buf[n++] = (char)k;
			buf[n] = 0;
		}
	}
}

static void pres_loop(pres_ui *p)
{
	for (;;) {
		pres_draw(p);
		int k = ui_getkey(-1);
		p->status[0] = 0;
		switch (k) {
		case 'q':
		case 'Q':
			return; /* not Esc: a key the terminal garbles never ends the show */
		case K_RIGHT:
		case 'n':
		case ' ':
		case 'l':
			if (p->step + 1 < p->nsteps)
				p->step++;
			else
				snprintf(p->status, sizeof p->status, "the end of the run");
			break;
		case K_LEFT:
		case 'p':
		case 'b':
		case 'h':
			if (p->step > 0)
				p->step--;
			else
				snprintf(p->status, sizeof p->status, "the start of the run");
			break;
		case K_PGDN:
			p->step = p->step + 10 < p->nsteps ? p->step + 10 : p->nsteps - 1;
			break;
		case K_PGUP:
			p->step = p->step > 10 ? p->step - 10 : 0;
			break;
		case K_HOME:
		case '<':
			p->step = 0;
			break;
		case K_END:
		case '>':
			p->step = p->nsteps - 1;
			break;
		case '\t':
			pres_select_next(p);
			break;
		case 't': {
			if (!p->selected)
				pres_select_next(p);
			size_t at = pres_next_poll(p->r, p->step, p->selected);
			char lab[80];
			pres_task_label(p->r, p->selected, lab, sizeof lab);
			if (at == (size_t)-1)
				snprintf(p->status, sizeof p->status, "%s is not polled again",
					 axc_safe(lab));
			else
				p->step = at;
			break;
		}
		case 'f': {
			size_t which = 0;
			size_t at = p->fsteps ? pres_next_finding(p->r, p->fsteps, p->forder,
								  p->step, &which)
					      : (size_t)-1;
			if (at == (size_t)-1) {
				snprintf(p->status, sizeof p->status, "no finding after this step");
			} else {
				p->step = at < p->nsteps ? at : p->nsteps - 1;
				p->finding = which;
			}
			break;
		}
		case 'g': {
			long long ms = pres_ask_ms();
			if (ms >= 0) {
				size_t at = pres_at_time(p->r, (uint64_t)ms * 1000000u);
				p->step = at < p->nsteps ? at : p->nsteps - 1;
			}
			break;
		}
		default:
			break;
		}
	}
}

/* Write r as JSON to path atomically (--save). 0 or -errno. */
static int pres_save(const axc_report *r, const char *path)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);
	if (!m)
		return -errno;
	int e = axc_report_write(r, m);
	if (fclose(m) && !e)
		e = -EIO;
	if (!e)
		e = axl_write_atomic(path, buf, len);
	free(buf);
	return e < 0 ? e : e ? -EIO : 0;
}

/* Read a report saved by --save or `asynclab check --report` (traced);
 * prints why it cannot and returns NULL. */
static axc_report *pres_load(const char *path)
{
	size_t len = 0;
	char *text = axl_read_file(path, &len);
	if (!text) {
		fprintf(stderr, "asynclab present: %s: %s\n", axc_safe(path), strerror(errno));
		return NULL;
	}
	axc_report *r = NULL;
	char err[256];
	if (axc_report_read(text, len, &r, err, sizeof err) < 0) {
		fprintf(stderr, "asynclab present: %s: not a run report: %s\n", axc_safe(path),
			axc_safe(err));
		r = NULL;
	}
	free(text);
	return r;
}

/* Why a report cannot be stepped through, or NULL when it can. */
static const char *pres_no_trace(const axc_report *r)
{
	if (!r->trace.on)
		return "records no scheduler trace: this build's checker does not emit one yet "
		       "(nothing to step through; --report FILE replays a recorded run)";
	if (!r->trace.nevents)
		return "was traced but left no scheduler events (did it start a runtime?)";
	return NULL;
}

/* The screen: from the first event, until q. */
static int pres_show(const axc_report *r, const char *source, const char *name,
		     const char *how)
{
	pres_ui p = { .r = r, .nsteps = r->trace.nevents, .finding = (size_t)-1,
		      .source = source, .name = name };
	if (pres_finding_steps(r, &p.fsteps, &p.forder) < 0)
		p.fsteps = p.forder = NULL;
	ui_opts uo;
	ui_decide(&uo, -1, -1);
	int rc = CLI_OK;
	if (ui_begin(&uo) < 0) {
		fprintf(stderr, "asynclab present: cannot start the screen\n");
		rc = CLI_USAGE;
	} else {
		snprintf(p.status, sizeof p.status, "%zu scheduler events%s; %s; %s", p.nsteps,
			 r->trace.dropped ? " (the rest dropped)" : "",
			 r->nfindings ? "f shows the findings" : "no findings", how);
		pres_loop(&p);
		ui_end();
	}
	pres_src_free(&p.src);
	free(p.fsteps);
	free(p.forder);
	return rc;
}

int cli_present(int argc, char **argv)
{
	int hv = cli_help_version("present", argc, argv);
	if (hv >= 0)
		return hv;
	const char *key = NULL, *file = NULL, *report = NULL, *save = NULL;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "--file") || !strcmp(a, "--report") || !strcmp(a, "--save")) {
			if (i + 1 >= argc)
				return cli_usage_error("present", "'%s' needs a file", a);
			const char **to = a[2] == 'f' ? &file : a[2] == 'r' ? &report : &save;
			*to = argv[++i];
		} else if (a[0] == '-' && a[1]) {
			return cli_usage_error("present", "unknown option '%s'", a);
		} else if (!key) {
			key = a;
		} else {
			return cli_usage_error("present", "one LESSON, please");
		}
	}
	if (report && (key || file || save))
		return cli_usage_error("present", "'--report' replays a saved run: no LESSON, "
						  "'--file' or '--save' with it");
	if (!key && !report)
		return cli_usage_error("present", "which lesson? Give its id or number");
	bool tty = isatty(STDIN_FILENO) && isatty(STDOUT_FILENO);
	if (report) {
		axc_report *r = pres_load(report);
		if (!r)
			return CLI_USAGE;
		const char *why = pres_no_trace(r);
		int rc;
		if (why) {
			fprintf(stderr, "asynclab present: %s %s\n", axc_safe(report), why);
			rc = CLI_FAIL;
		} else if (!tty) {
			fprintf(stderr, "asynclab present: needs a terminal\n");
			rc = CLI_USAGE;
		} else {
			rc = pres_show(r, NULL, report, "recorded run");
		}
		axc_report_free(r);
		return rc;
	}
	if (!save && !tty) {
		fprintf(stderr, "asynclab present: needs a terminal (or --save FILE to record "
				"the run for later)\n");
		return CLI_USAGE;
	}
	cli c;
	cli_init(&c, "present");
	char *path = NULL;
	axl_result *res = NULL;
	int rc = cli_load_catalog(&c);
	if (rc)
		goto out;
	const axl_lesson *l = cli_lesson(&c, key);
	if (!l) {
		rc = CLI_USAGE;
		goto out;
	}
	if (file) {
		if (access(file, R_OK)) {
			fprintf(stderr, "asynclab present: %s: %s\n", axc_safe(file), strerror(errno));
			rc = CLI_USAGE;
			goto out;
		}
		path = strdup(file);
	} else {
		if ((rc = cli_open_workspace(&c)))
			goto out;
		axl_workspace_ensure(c.ws, l);
		path = axl_workspace_exercise(c.ws, l);
	}
	if (!path) {
		rc = CLI_USAGE;
		goto out;
	}
	fprintf(stderr, "asynclab present: running %s on the virtual clock...\n",
		axc_safe(cli_rel(path)));
	axl_run_opts o = { .file = path, .trace = true };
	int e = axl_run(l, &o, &res);
	if (e < 0 || !res) {
		fprintf(stderr, "asynclab present: could not run the checker: %s\n",
			strerror(e < 0 ? -e : ENOMEM));
		rc = CLI_USAGE;
		goto out;
	}
	if (res->end == AXL_END_NOT_BUILT || res->end == AXL_END_OLD_SHAPE || !res->report) {
		fprintf(stderr, "asynclab present: %s %s\n", axc_safe(cli_rel(path)),
			res->end == AXL_END_NOT_BUILT ? "did not compile:"
			: res->end == AXL_END_OLD_SHAPE ? "is in an older shape of the lesson:"
							: "left no run report");
		if (res->build_output)
			axc_safe_fputs(res->build_output, stderr, AXC_SAFE_LINES);
		rc = CLI_FAIL;
		goto out;
	}
	const char *why = pres_no_trace(res->report);
	if (why) {
		fprintf(stderr, "asynclab present: the run of %s %s\n", axc_safe(cli_rel(path)),
			why);
		rc = CLI_FAIL;
		goto out;
	}
	if (save) {
		if ((e = pres_save(res->report, save)) < 0) {
			fprintf(stderr, "asynclab present: %s: %s\n", axc_safe(save), strerror(-e));
			rc = CLI_FAIL;
			goto out;
		}
		fprintf(stderr, "asynclab present: saved the run in %s (%zu scheduler events); "
				"replay it with: asynclab present --report %s\n",
			axc_safe(save), res->report->trace.nevents, axc_safe(save));
	}
	if (!tty)
		goto out; /* --save without a terminal: recorded, nothing to show */
	rc = pres_show(res->report, path, cli_rel(path), res->verdict ? res->verdict : "ran");
out:
	axl_result_free(res);
	free(path);
	cli_free(&c);
	return rc;
}
