# tui/lab.mk - the interactive lab (screens, models, watch mode), linked
# into the asynclab program.
noinst_LTLIBRARIES += libaxtui.la
libaxtui_la_SOURCES = \
	tui/app.c tui/app.h \
	tui/md.c tui/md.h \
	tui/timeline.c tui/timeline.h \
	tui/watch.c tui/watch.h \
	tui/ui.c tui/ui.h \
	tui/lab.c tui/lab.h
libaxtui_la_CFLAGS = $(AM_CFLAGS) $(NCURSES_CFLAGS) $(CMARK_CFLAGS) $(JANSSON_CFLAGS)
libaxtui_la_LIBADD = $(NCURSES_LIBS) $(CMARK_LIBS) $(JANSSON_LIBS)
