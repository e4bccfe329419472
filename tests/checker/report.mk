# tests/checker/report.mk - the typed run report's scheduler trace: events
# from canned probe streams and the questions over them; the probe's trace.
check_PROGRAMS += tests/checker/check_report_trace
TESTS += tests/checker/check_report_trace
tests_checker_check_report_trace_SOURCES = tests/checker/check_report_trace.c \
	tests/checker/inspect_testutil.h tests/testutil.h
tests_checker_check_report_trace_CFLAGS = $(INSPECT_TEST_CFLAGS)
tests_checker_check_report_trace_LDADD = $(INSPECT_TEST_LIBS)

# The probe's trace with real programs run through the checker.
check_PROGRAMS += tests/checker/check_probe_trace
TESTS += tests/checker/check_probe_trace
tests_checker_check_probe_trace_SOURCES = tests/checker/check_probe_trace.c \
	tests/checker/inspect_testutil.h tests/testutil.h
tests_checker_check_probe_trace_CFLAGS = $(INSPECT_TEST_CFLAGS)
tests_checker_check_probe_trace_LDADD = $(INSPECT_TEST_LIBS)
