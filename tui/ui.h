/* ui.h - the lab's curses layer: terminal set-up and restore, colours and
 * the ASCII fallback, and the screens (list, text views, timeline, help).
 * Screens draw from the curses-free models (app, md_doc, tl_grid). */
#ifndef ASYNCLAB_TUI_UI_H
#define ASYNCLAB_TUI_UI_H

#include "app.h"
#include "md.h"
#include "timeline.h"

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
void ui_draw_doc(app *a, const char *title, const md_doc *doc);
void ui_draw_timeline(app *a, const char *title, const tl_grid *g);
void ui_draw_help(app *a);
/* Bottom bars: status message, prompt of valid keys, progress bar. */
void ui_draw_bars(app *a, const char *file);
void ui_flush(void);
/* Discard keys typed meanwhile (while checking). */
void ui_drop_keys(void);
/* Columns available for text views (for md_render). */
int ui_text_width(void);
int ui_timeline_width(void);

#endif
