# tui/lab.mk - the interactive lab (screens, models, watch mode), linked
# into the asynclab program.
noinst_LTLIBRARIES += libaxtui.la
libaxtui_la_SOURCES = \
	tui/app.c tui/app.h \
	tui/md.c tui/md_code.c tui/md_text.c tui/md.h \
	tui/timeline.c tui/timeline_trace.c tui/timeline.h tui/timeline_int.h \
	tui/watch.c tui/watch.h \
	tui/ui.c tui/ui_doc.c tui/ui_timeline.c tui/ui.h tui/ui_int.h \
	tui/crash.c tui/crash.h \
	tui/lab.c tui/lab_view.c tui/lab_act.c tui/lab_result.c tui/lab.h tui/lab_int.h
libaxtui_la_CFLAGS = $(AM_CFLAGS) $(NCURSES_CFLAGS) $(CMARK_CFLAGS) $(JANSSON_CFLAGS)
libaxtui_la_LIBADD = $(NCURSES_LIBS) $(CMARK_LIBS) $(JANSSON_LIBS)
