/* app.c - the lab's key handling as a state machine over app (see app.h).
 * Everything here is pure: no curses, no I/O, so it is unit-tested. */
#include "config.h"

#include "app.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

void app_init(app *a, app_lesson *lessons, int n)
{
	memset(a, 0, sizeof *a);
	a->lessons = lessons;
	a->nlessons = n;
	a->cur = -1;
	a->page = 20;
	for (int i = 0; i < n; i++)
		if (lessons[i].status == ST_CURRENT) {
			a->sel = i;
			break;
		}
}

void app_msg(app *a, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(a->msg, sizeof a->msg, fmt, ap);
	va_end(ap);
}

int app_done_count(const app *a)
{
	int n = 0;
	for (int i = 0; i < a->nlessons; i++)
		n += a->lessons[i].status == ST_DONE;
	return n;
}

const char *app_view_name(app_view v)
{
	switch (v) {
	case V_LIST:
		return "lesson list";
	case V_LESSON:
		return "lesson";
	case V_RESULT:
		return "result";
	case V_TIMELINE:
		return "timeline";
	case V_HELP:
		return "help";
	case V_PAGER:
		return "page";
	}
	return "view";
}

char *app_lesson_number(const app *a, int i, char *buf, size_t n)
{
	if (a->course)
		snprintf(buf, n, "%02d (%d/%d)", a->lessons[i].order, i + 1, a->nlessons);
	else
		snprintf(buf, n, "%02d", a->lessons[i].order);
	return buf;
}

char *app_time_text(int64_t spent_s, int box_min, int passed, char *buf, size_t n)
{
	long spent = (long)(spent_s / 60), box = box_min;
	if (passed && box > 0)
		snprintf(buf, n, "passed in %ld of %ld min", spent, box);
	else if (passed)
		snprintf(buf, n, "passed in %ld min", spent);
	else if (box > 0 && spent_s < (int64_t)box * 60)
		/* Minutes left round up: "1 left" until the box is used. */
		snprintf(buf, n, "%ld of %ld min left", (long)(((int64_t)box * 60 - spent_s + 59) / 60), box);
	else if (box > 0)
		snprintf(buf, n, "%ld min over the %ld min box", spent - box, box);
	else
		snprintf(buf, n, "%ld min so far", spent);
	return buf;
}

int app_matches(const app *a, int i)
{
	if (!a->search[0])
		return 1;
	const app_lesson *l = &a->lessons[i];
	char num[16], num2[16];
	snprintf(num, sizeof num, "%d", l->order);
	snprintf(num2, sizeof num2, "%02d", l->order);
	return strcasestr(l->id, a->search) || strcasestr(l->title, a->search) ||
	       !strcmp(num, a->search) || !strcmp(num2, a->search);
}

const char *app_prompt(const app *a)
{
	if (a->checking)
		return "Checking...";
	if (a->confirm_reset)
		return "Reset the exercise to the starter? A backup is kept. [y/n]";
	if (a->searching)
		return "/ search: type, Enter to keep, Esc to clear";
	switch (a->view) {
	case V_LIST:
		return "j/k move  Enter open  / search  ? help  q quit";
	case V_LESSON:
	case V_RESULT:
		if (a->hmax > 0)
			return a->passed ? "r verify  e edit  h hint  s solution  t timeline  n next  l list  x reset  <-/-> sideways  ? help  q back"
					 : "r verify  e edit  h hint  t timeline  n next  l list  x reset  <-/-> sideways  ? help  q back";
		return a->passed ? "r verify  e edit  h hint  s solution  t timeline  n next  l list  x reset  ? help  q back"
				 : "r verify  e edit  h hint  t timeline  n next  l list  x reset  ? help  q back";
	case V_TIMELINE:
		return "j/k scroll  r verify  l list  q back";
	case V_HELP:
		return "j/k scroll  q back";
	case V_PAGER:
		if (a->pager == PG_HINT)
			return a->hmax > 0 ? "h next hint  j/k scroll  <-/-> sideways  q back" : "h next hint  j/k scroll  q back";
		return a->hmax > 0 ? "j/k scroll  <-/-> sideways  q back" : "j/k scroll  q back";
	}
	return "";
}
static void move_sel(app *a, int dir)
{
	int i = a->sel;
	for (;;) {
		i += dir;
		if (i < 0 || i >= a->nlessons)
			return;
		if (app_matches(a, i)) {
			a->sel = i;
			return;
		}
	}
}

static void sel_first_match(app *a, int from_end)
{
	if (from_end) {
		for (int i = a->nlessons - 1; i >= 0; i--)
			if (app_matches(a, i)) {
				a->sel = i;
				return;
			}
	} else {
		for (int i = 0; i < a->nlessons; i++)
			if (app_matches(a, i)) {
				a->sel = i;
				return;
			}
	}
}

static void scroll_by(app *a, int d)
{
	int max = a->lines - a->page;
	if (max < 0)
		max = 0;
	a->scroll += d;
	if (a->scroll > max)
		a->scroll = max;
	if (a->scroll < 0)
		a->scroll = 0;
}

static void hscroll_by(app *a, int d)
{
	a->hscroll += d;
	if (a->hscroll > a->hmax)
		a->hscroll = a->hmax;
	if (a->hscroll < 0)
		a->hscroll = 0;
}

static app_action go(app *a, app_view v)
{
	a->view = v;
	a->scroll = 0;
	a->hscroll = 0;
	return A_REDRAW;
}

static app_action back(app *a)
{
	app_view from = a->view;
	switch (from) {
	case V_LIST:
		return A_QUIT;
	case V_LESSON:
		app_msg(a, "closed the lesson");
		return go(a, V_LIST);
	case V_RESULT:
	case V_TIMELINE:
		app_msg(a, "closed the %s", app_view_name(from));
		return go(a, V_LESSON);
	case V_HELP:
	case V_PAGER:
		app_msg(a, "closed the %s", app_view_name(from));
		return go(a, a->back);
	}
	return A_NONE;
}

/* A key the handler below does not take: the next one may. */
#define NOT_MINE (-1)

static int search_key(app *a, int key)
{
	size_t n = strlen(a->search);
	if (key == K_ESC) {
		a->search[0] = 0;
		a->searching = 0;
		return A_REDRAW;
	}
	if (key == K_ENTER) {
		a->searching = 0;
		if (!app_matches(a, a->sel))
			sel_first_match(a, 0);
		app_msg(a, a->search[0] ? "search: %s" : "%s", a->search);
		return A_REDRAW;
	}
	if (key == K_BACKSPACE) {
		if (n > 0)
			a->search[n - 1] = 0;
	} else if (key < 0x100 && isprint(key) && n + 1 < sizeof a->search) {
		a->search[n] = (char)key;
		a->search[n + 1] = 0;
	}
	if (!app_matches(a, a->sel))
		sel_first_match(a, 0);
	return A_REDRAW;
}

static int confirm_key(app *a, int key)
{
	a->confirm_reset = 0;
	if (key == 'y' || key == 'Y')
		return A_RESET;
	app_msg(a, "reset cancelled");
	return A_REDRAW;
}

/* Help, and q / Esc going back, in every view. */
static int global_key(app *a, int key)
{
	if (key == '?' || key == K_F1) {
		if (a->view == V_HELP)
			return A_NONE;
		a->back = a->view;
		return go(a, V_HELP);
	}
	if (key == 'q' || key == K_ESC) {
		if (a->view == V_LIST && key == K_ESC && a->search[0]) {
			a->search[0] = 0;
			return A_REDRAW;
		}
		return back(a);
	}
	return NOT_MINE;
}

static int list_key(app *a, int key)
{
	switch (key) {
	case 'j':
	case K_DOWN:
		move_sel(a, 1);
		return A_REDRAW;
	case 'k':
	case K_UP:
		move_sel(a, -1);
		return A_REDRAW;
	case 'g':
	case K_HOME:
		sel_first_match(a, 0);
		return A_REDRAW;
	case 'G':
	case K_END:
		sel_first_match(a, 1);
		return A_REDRAW;
	case '/':
		a->searching = 1;
		a->search[0] = 0;
		return A_REDRAW;
	case K_ENTER:
		if (!app_matches(a, a->sel))
			return A_NONE;
		/* The search served to pick this lesson; the list shows
		 * every lesson again when the learner comes back to it. */
		a->search[0] = 0;
		a->cur = a->sel;
		a->view = V_LESSON;
		a->scroll = 0;
		a->hscroll = 0;
		return A_OPEN;
	}
	return A_NONE;
}

/* Scrolling in the text views and the timeline: up and down by a line,
 * a page, to either end; sideways for code lines wider than the screen. */
static int scroll_key(app *a, int key)
{
	int half = a->hpage > 2 ? a->hpage / 2 : 1;
	switch (key) {
	case 'j':
	case K_DOWN:
		scroll_by(a, 1);
		return A_REDRAW;
	case 'k':
	case K_UP:
		scroll_by(a, -1);
		return A_REDRAW;
	case ' ':
	case K_PGDN:
		scroll_by(a, a->page > 1 ? a->page - 1 : 1);
		return A_REDRAW;
	case K_PGUP:
		scroll_by(a, -(a->page > 1 ? a->page - 1 : 1));
		return A_REDRAW;
	case 'g':
	case K_HOME:
		a->scroll = 0;
		a->hscroll = 0;
		return A_REDRAW;
	case 'G':
	case K_END:
		scroll_by(a, a->lines);
		return A_REDRAW;
	case K_RIGHT:
		hscroll_by(a, half);
		return A_REDRAW;
	case K_LEFT:
		hscroll_by(a, -half);
		return A_REDRAW;
	}
	return NOT_MINE;
}

/* Keys shared by the lesson and result views. */
static int lesson_key(app *a, int key)
{
	switch (key) {
	case 'r':
		return A_VERIFY;
	case 'e':
		return A_EDIT;
	case 'h':
		return A_HINT;
	case 's':
		if (!a->passed) {
			app_msg(a, "the solution opens after this lesson passes");
			return A_REDRAW;
		}
		a->back = a->view;
		return A_SOLUTION;
	case 'x':
		a->confirm_reset = 1;
		return A_REDRAW;
	case 't':
		if (!a->has_result) {
			app_msg(a, "no run yet: press r to verify first");
			return A_REDRAW;
		}
		a->view = V_TIMELINE;
		a->scroll = 0;
		a->hscroll = 0;
		return A_TIMELINE;
	case 'n':
		if (a->cur + 1 >= a->nlessons) {
			app_msg(a, "this is the last lesson");
			return A_REDRAW;
		}
		a->cur++;
		a->sel = a->cur;
		a->scroll = 0;
		a->hscroll = 0;
		a->view = V_LESSON;
		return A_OPEN;
	case 'l':
		return go(a, V_LIST);
	}
	return A_NONE;
}

static int view_key(app *a, int key)
{
	switch (a->view) {
	case V_LIST:
		return list_key(a, key);
	case V_LESSON:
	case V_RESULT:
		return lesson_key(a, key);
	case V_TIMELINE:
		if (key == 'r')
			return A_VERIFY;
		if (key == 'l')
			return go(a, V_LIST);
		return A_NONE;
	case V_PAGER:
		/* The hint page says "press h again for a bigger hint". */
		if (key == 'h' && a->pager == PG_HINT)
			return A_HINT;
		return A_NONE;
	case V_HELP:
		return A_NONE;
	}
	return A_NONE;
}

app_action app_key(app *a, int key)
{
	int act;
	if (a->checking)
		return A_NONE; /* keys are ignored while checking */
	if (key == K_RESIZE)
		return A_REDRAW;
	if (a->confirm_reset)
		return (app_action)confirm_key(a, key);
	if (a->searching)
		return (app_action)search_key(a, key);
	if ((act = global_key(a, key)) != NOT_MINE)
		return (app_action)act;
	if (a->view != V_LIST && (act = scroll_key(a, key)) != NOT_MINE)
		return (app_action)act;
	return (app_action)view_key(a, key);
}
