# tests/checker/local.mk - the inspector's Check suites: report and
# renderers from canned event streams, and the sandbox with real programs.
INSPECT_TEST_CFLAGS = $(TEST_CFLAGS) $(JANSSON_CFLAGS) -I$(top_srcdir)/checker \
	-DSRCDIR='"$(abs_top_srcdir)"'
INSPECT_TEST_LIBS = libaxcheck.la $(TEST_LIBS) -ldl

INSPECT_TESTS = \
	tests/checker/check_inspect_report \
	tests/checker/check_inspect_run \
	tests/checker/check_inspect_cli \
	tests/checker/check_sandbox \
	tests/checker/check_safe_text
check_PROGRAMS += $(INSPECT_TESTS)
TESTS += $(INSPECT_TESTS)

tests_checker_check_inspect_report_SOURCES = tests/checker/check_inspect_report.c \
	tests/checker/inspect_testutil.h tests/testutil.h
tests_checker_check_inspect_report_CFLAGS = $(INSPECT_TEST_CFLAGS)
tests_checker_check_inspect_report_LDADD = $(INSPECT_TEST_LIBS)
tests_checker_check_inspect_run_SOURCES = tests/checker/check_inspect_run.c \
	tests/checker/inspect_testutil.h tests/testutil.h
tests_checker_check_inspect_run_CFLAGS = $(INSPECT_TEST_CFLAGS)
tests_checker_check_inspect_run_LDADD = $(INSPECT_TEST_LIBS)
tests_checker_check_inspect_cli_SOURCES = tests/checker/check_inspect_cli.c \
	tests/checker/inspect_testutil.h tests/testutil.h
tests_checker_check_inspect_cli_CFLAGS = $(INSPECT_TEST_CFLAGS)
tests_checker_check_inspect_cli_LDADD = $(INSPECT_TEST_LIBS)
tests_checker_check_sandbox_SOURCES = tests/checker/check_sandbox.c \
	tests/checker/inspect_testutil.h tests/testutil.h
tests_checker_check_sandbox_CFLAGS = $(INSPECT_TEST_CFLAGS)
tests_checker_check_sandbox_LDADD = $(INSPECT_TEST_LIBS)
tests_checker_check_safe_text_SOURCES = tests/checker/check_safe_text.c tests/testutil.h
tests_checker_check_safe_text_CFLAGS = $(INSPECT_TEST_CFLAGS)
tests_checker_check_safe_text_LDADD = $(INSPECT_TEST_LIBS)
