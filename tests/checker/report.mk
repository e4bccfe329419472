# tests/checker/report.mk - the typed run report's scheduler trace: events
# from canned probe streams and the questions over them.
check_PROGRAMS += tests/checker/check_report_trace
TESTS += tests/checker/check_report_trace
tests_checker_check_report_trace_SOURCES = tests/checker/check_report_trace.c \
	tests/checker/inspect_testutil.h tests/testutil.h
tests_checker_check_report_trace_CFLAGS = $(INSPECT_TEST_CFLAGS)
tests_checker_check_report_trace_LDADD = $(INSPECT_TEST_LIBS)
