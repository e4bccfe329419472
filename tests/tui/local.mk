# tests/tui/local.mk - the lab's model tests (no curses).
check_PROGRAMS += tests/tui/check_tui
TESTS += tests/tui/check_tui
tests_tui_check_tui_SOURCES = tests/tui/check_tui.c \
	tui/app.c tui/md.c tui/md_code.c tui/md_text.c tui/timeline.c tui/timeline_trace.c tui/watch.c \
	tui/lab_result.c tui/crash.c
tests_tui_check_tui_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS) $(CMARK_CFLAGS) $(JANSSON_CFLAGS) \
	$(NCURSES_CFLAGS)
tests_tui_check_tui_LDADD = $(CHECK_LIBS) $(CMARK_LIBS) $(JANSSON_LIBS)

# The real program driven in tmux: list, lesson, verify, watch mode,
# timeline, resize, NO_COLOR, quit (e2e.sh); long lines in every view
# (e2e_lines.sh); the smaller promises (e2e_keys.sh); the timeline of the
# anti-pattern lessons' runs (e2e_timeline.sh).
TUI_E2E = tests/tui/e2e.sh tests/tui/e2e_lines.sh tests/tui/e2e_keys.sh \
	tests/tui/e2e_timeline.sh
TESTS += $(TUI_E2E)
EXTRA_DIST += $(TUI_E2E) tests/tui/e2e_lib.sh bench/tui-latency

# The workshop: the class store, the server on the loopback, the push queue.
check_PROGRAMS += tests/tui/check_serve
TESTS += tests/tui/check_serve
tests_tui_check_serve_SOURCES = tests/tui/check_serve.c
tests_tui_check_serve_CFLAGS = $(TEST_CFLAGS) $(JANSSON_CFLAGS) $(CURL_CFLAGS) $(SQLITE3_CFLAGS)
tests_tui_check_serve_LDADD = libaxworkshop.la libaxlessons.la libaxcheck.la $(TEST_LIBS) \
	$(CURL_LIBS) $(JANSSON_LIBS) $(SQLITE3_LIBS)

# The class dashboard's model and its server source.
check_PROGRAMS += tests/tui/check_dash
TESTS += tests/tui/check_dash
tests_tui_check_dash_SOURCES = tests/tui/check_dash.c tui/md.c tui/md_code.c tui/md_text.c
tests_tui_check_dash_CFLAGS = $(TEST_CFLAGS) $(JANSSON_CFLAGS) $(CURL_CFLAGS) $(CMARK_CFLAGS)
tests_tui_check_dash_LDADD = libaxworkshop.la libaxlessons.la libaxcheck.la $(TEST_LIBS) \
	$(CURL_LIBS) $(CMARK_LIBS) $(JANSSON_LIBS)

# Presenter mode in tmux over a recorded run (tests/tui/data).
TESTS += tests/tui/e2e_present.sh
EXTRA_DIST += tests/tui/e2e_present.sh tests/tui/data/present-15-starter.json
# Presenter mode in tmux over real runs of lessons 4, 14, 15 and 16.
TESTS += tests/tui/e2e_present_live.sh
EXTRA_DIST += tests/tui/e2e_present_live.sh
# A workshop on the loopback: server, three learners, the live dashboard.
TESTS += tests/tui/e2e_class.sh
EXTRA_DIST += tests/tui/e2e_class.sh

# Presenter mode's model: the executor's state at any step of a trace.
check_PROGRAMS += tests/tui/check_present
TESTS += tests/tui/check_present
tests_tui_check_present_SOURCES = tests/tui/check_present.c tui/md.c tui/md_code.c tui/md_text.c
tests_tui_check_present_CFLAGS = $(TEST_CFLAGS) $(CMARK_CFLAGS)
tests_tui_check_present_LDADD = libaxworkshop.la libaxlessons.la libaxcheck.la $(TEST_LIBS) \
	$(CMARK_LIBS) $(JANSSON_LIBS)

# Presenter mode on real recorded traces (lessons 4 and 15 run with the
# probe's trace on).
check_PROGRAMS += tests/tui/check_present_trace
TESTS += tests/tui/check_present_trace
tests_tui_check_present_trace_SOURCES = tests/tui/check_present_trace.c tui/md.c tui/md_code.c \
	tui/md_text.c
tests_tui_check_present_trace_CFLAGS = $(TEST_CFLAGS) $(CMARK_CFLAGS) $(JANSSON_CFLAGS) \
	-DAXL_TEST_LESSONS='"$(abs_top_srcdir)/lessons"'
tests_tui_check_present_trace_LDADD = libaxworkshop.la libaxlessons.la libaxcheck.la \
	$(TEST_LIBS) $(CMARK_LIBS) $(JANSSON_LIBS)
