/* ui.h - the lab's curses layer: terminal set-up and restore, colours and
 * the ASCII fallback, and the screens (list, text views, timeline, help).
 * Screens draw from the curses-free models (app, md_doc, tl_grid). */
#ifndef ASYNCLAB_TUI_UI_H
#define ASYNCLAB_TUI_UI_H

#include "app.h"
#include "md.h"
#include "timeline.h"

#include <curses.h>

#define UI_MIN_COLS 80
#define UI_MIN_LINES 24

typedef struct ui_opts {
	int color; /* 1 on, 0 off */
	int ascii; /* ASCII drawing only */
} ui_opts;

/* Decide colour and ASCII from the environment and flags: NO_COLOR (set
 * and non-empty) turns colour off unless force_color; TERM=dumb or
 * force_ascii selects ASCII. force_*: -1 unset, 0 off, 1 on. */
void ui_decide(ui_opts *o, int force_color, int force_ascii);

/* Start curses (restored by ui_end, at exit and on fatal signals). */
int ui_begin(const ui_opts *o);
void ui_end(void);
/* Leave curses for a child program (the editor) and come back. */
void ui_suspend(void);
void ui_resume(void);
/* Read a key, mapped to the model's codes; -1 on timeout. */
int ui_getkey(int timeout_ms);
/* True when the terminal is too small to draw (the message is shown). */
int ui_too_small(void);

/* Screens.  Each sets a->page and a->lines for scrolling and places the
 * real cursor on the selected item. */
void ui_draw_list(app *a);
/* A laid-out document; right (may be NULL) is shown at the title bar's
 * right end, before the scroll position.  Sets a->hmax and a->hpage for
 * sideways scrolling. */
void ui_draw_doc(app *a, const char *title, const char *right, const md_doc *doc);
void ui_draw_timeline(app *a, const char *title, const tl_grid *g);
void ui_draw_help(app *a);
/* Bottom bars: the status message (wrapped), the progress bar with
 * a->file, the valid keys (wrapped). */
void ui_draw_bars(app *a);

/* For other full-screen views of the program (the class dashboard, the
 * presenter): the lab's look without its progress bar. */
/* The title bar: "asynclab - title" clipped with a mark, right (may be
 * NULL) at the right end. */
void ui_title_bar(const char *title, const char *right);
/* The curses attributes of a laid-out style (colour or not). */
attr_t ui_style(md_style s);
/* A titled screen: body's lines from scroll on, then status (wrapped)
 * and prompt at the bottom.  Every line is clipped to the screen. */
void ui_draw_screen(const char *title, const md_doc *body, int scroll, const char *status,
		    const char *prompt);
void ui_flush(void);
/* Discard keys typed meanwhile (while checking). */
void ui_drop_keys(void);
/* Columns available for text views (for md_render). */
int ui_text_width(void);
int ui_timeline_width(void);

#endif
