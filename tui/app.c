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

int app_matches(const app *a, int i)
{
	if (!a->search[0])
		return 1;
	const app_lesson *l = &a->lessons[i];
	char num[16];
	snprintf(num, sizeof num, "%d", i);
	return strcasestr(l->id, a->search) || strcasestr(l->title, a->search) ||
	       !strcmp(num, a->search);
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
		return a->passed ? "r verify  e edit  h hint  s solution  t timeline  n next  l list  x reset  ? help  q back"
				 : "r verify  e edit  h hint  t timeline  n next  l list  x reset  ? help  q back";
	case V_TIMELINE:
		return "j/k scroll  r verify  l list  q back";
	case V_HELP:
	case V_PAGER:
		return "j/k scroll  q back";
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

static app_action go(app *a, app_view v)
{
	a->view = v;
	a->scroll = 0;
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

static app_action search_key(app *a, int key)
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

/* Keys shared by the lesson and result views. */
static app_action lesson_key(app *a, int key)
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
		return A_TIMELINE;
	case 'n':
		if (a->cur + 1 >= a->nlessons) {
			app_msg(a, "this is the last lesson");
			return A_REDRAW;
		}
		a->cur++;
		a->sel = a->cur;
		a->scroll = 0;
		a->view = V_LESSON;
		return A_OPEN;
	case 'l':
		return go(a, V_LIST);
	}
	return A_NONE;
}

app_action app_key(app *a, int key)
{
	if (a->checking)
		return A_NONE; /* keys are ignored while checking */
	if (key == K_RESIZE)
		return A_REDRAW;
	if (a->confirm_reset) {
		a->confirm_reset = 0;
		if (key == 'y' || key == 'Y')
			return A_RESET;
		app_msg(a, "reset cancelled");
		return A_REDRAW;
	}
	if (a->searching)
		return search_key(a, key);
	if (key == '?' || key == K_F1) {
		if (a->view != V_HELP) {
			a->back = a->view;
			return go(a, V_HELP);
		}
		return A_NONE;
	}
	if (key == 'q' || key == K_ESC) {
		if (a->view == V_LIST && key == K_ESC && a->search[0]) {
			a->search[0] = 0;
			return A_REDRAW;
		}
		return back(a);
	}
	switch (a->view) {
	case V_LIST:
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
			a->cur = a->sel;
			a->view = V_LESSON;
			a->scroll = 0;
			return A_OPEN;
		}
		return A_NONE;
	case V_LESSON:
	case V_RESULT:
	case V_TIMELINE:
	case V_HELP:
	case V_PAGER:
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
			return A_REDRAW;
		case 'G':
		case K_END:
			scroll_by(a, a->lines);
			return A_REDRAW;
		}
		if (a->view == V_LESSON || a->view == V_RESULT)
			return lesson_key(a, key);
		if (a->view == V_TIMELINE) {
			if (key == 'r')
				return A_VERIFY;
			if (key == 'l')
				return go(a, V_LIST);
		}
		return A_NONE;
	}
	return A_NONE;
}
