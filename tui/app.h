/* app.h - the lab's state and key handling, free of curses: which view is
 * shown, the selection, search, scrolling and confirmations.  app_key
 * turns a key into a state change and, where the outside world must act
 * (verify, edit, reset ...), an action for the caller to perform. */
#ifndef ASYNCLAB_TUI_APP_H
#define ASYNCLAB_TUI_APP_H

#include <stddef.h>
#include <stdint.h>

typedef enum app_view {
	V_LIST = 0,
	V_LESSON,
	V_RESULT,
	V_TIMELINE,
	V_HELP,
	V_PAGER /* hints, solution diff: a titled text */
} app_view;

/* What the pager shows: a hint takes h for the next one. */
typedef enum app_pager { PG_TEXT = 0, PG_HINT, PG_SOLUTION } app_pager;

typedef enum app_status { ST_LATER = 0, ST_CURRENT, ST_DONE } app_status;

typedef struct app_lesson {
	char id[40];
	char title[100];
	app_status status;
	int order;	      /* the lesson's own number (its folder's NN) */
} app_lesson;

typedef enum app_action {
	A_NONE = 0,
	A_QUIT,	     /* leave the program */
	A_OPEN,	     /* open lesson a->cur: load its text */
	A_VERIFY,    /* verify lesson a->cur */
	A_EDIT,	     /* open the exercise in the editor */
	A_HINT,	     /* reveal the next hint */
	A_SOLUTION,  /* show the solution diff (only after a pass) */
	A_RESET,     /* reset the exercise (confirmed) */
	A_TIMELINE,  /* lay out the timeline of the last run */
	A_REDRAW
} app_action;

/* Special keys the model understands (curses codes are mapped to these by
 * the caller so that the model does not depend on curses). */
enum {
	K_UP = 0x1000, K_DOWN, K_PGUP, K_PGDN, K_HOME, K_END, K_ENTER, K_ESC,
	K_BACKSPACE, K_F1, K_RESIZE, K_LEFT, K_RIGHT
};

#define APP_SEARCH_MAX 64

typedef struct app {
	app_view view;
	app_view back;	      /* where Esc / q return from help or a pager */
	app_lesson *lessons;  /* borrowed */
	int nlessons;
	int course;	      /* the lessons are a course's, in its order: the
				 list shows each one's place in it too */
	int sel;	      /* index into lessons of the selection */
	char search[APP_SEARCH_MAX];
	int searching;	      /* typing a search */
	int cur;	      /* the lesson open, or -1 */
	int scroll;	      /* first line shown in the current view */
	int lines;	      /* lines of content in the current view */
	int page;	      /* lines per page */
	int hscroll;	      /* code lines: columns scrolled sideways */
	int hmax;	      /* the most hscroll can be (0: every line fits) */
	int hpage;	      /* code columns shown (a sideways step is half) */
	app_pager pager;      /* what V_PAGER shows */
	const char *file;     /* the open exercise as the learner opens it
				 (borrowed), for the status bar; or NULL */
	int confirm_reset;    /* waiting for y/n */
	int checking;	      /* a verify is running: keys are ignored */
	int has_result;	      /* a result exists for lesson cur */
	int passed;	      /* lesson cur has passed (solution allowed) */
	char msg[512];	      /* the status line (wrapped when long) */
} app;

void app_init(app *a, app_lesson *lessons, int n);
/* Handle one key; returns what the caller must do. */
app_action app_key(app *a, int key);
/* Does lesson i match the current search (id, title, or its number)? */
int app_matches(const app *a, int i);
/* Set the status line (printf-style). */
void app_msg(app *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Number of lessons done. */
int app_done_count(const app *a);
/* The keys valid in the current view, for the bottom prompt. */
const char *app_prompt(const app *a);
/* A name for the current view, used by "q quits the <view>". */
const char *app_view_name(app_view v);
/* Lesson i's number as every screen shows it: its own "04", and in a
 * course its place as well, "04 (2/5)".  Returns buf. */
char *app_lesson_number(const app *a, int i, char *buf, size_t n);
/* The lesson header's time: spent_s seconds against a time box of box_min
 * minutes (0: none), e.g. "8 of 20 min left", "5 min over the 20 min box",
 * "passed in 12 of 20 min", "12 min so far".  Returns buf. */
char *app_time_text(int64_t spent_s, int box_min, int passed, char *buf, size_t n);

#endif
