/* ui_int.h - what the lab's curses files (ui.c, ui_doc.c, ui_timeline.c)
 * share: the colour pairs, the options in effect, drawing one laid-out
 * line, and the bottom bars' height.  Only for tui/ui*.c. */
#ifndef ASYNCLAB_TUI_UI_INT_H
#define ASYNCLAB_TUI_UI_INT_H

#include "ui.h"

#include <curses.h>

enum {
	P_TITLE = 1, P_DONE, P_CURRENT, P_LATER, P_HEAD, P_CODE, P_KEYWORD,
	P_TYPE, P_STRING, P_COMMENT, P_NUMBER, P_PREPROC, P_API, P_MARK,
	P_POLL, P_LOCK, P_STALL, P_PASS, P_FAIL, P_BAR, P_WAIT, P_BLOCKED
};

extern ui_opts ui__opts;

/* The colour pair p, or no attribute without colour. */
attr_t ui__pair(int p);
/* A UTF-8 drawing character or its ASCII stand-in. */
const char *ui__glyph(const char *utf8, const char *ascii);
/* Draw a laid-out line at (y, x) in at most maxcols columns; a code line
 * (clip) is scrolled hscroll columns sideways, with a marker where text
 * is cut off on either side. */
void ui__draw_line(int y, int x, const md_line *ln, int maxcols, int hscroll);
/* Rows between the title bar and the bottom bars for a's screen. */
int ui__content_rows(const app *a);

#endif
