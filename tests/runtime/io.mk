# tests/runtime/io.mk - build rules for this part (see Makefile.am): the
# reactor and blocking-pool suites.  tests/local.mk adds RUNTIME_TESTS to
# check_PROGRAMS and TESTS.
RUNTIME_TESTS += \
	tests/runtime/check_io \
	tests/runtime/check_blocking

tests_runtime_check_io_SOURCES = tests/runtime/check_io.c tests/testutil.h
tests_runtime_check_io_CFLAGS = $(TEST_CFLAGS)
tests_runtime_check_io_LDADD = $(TEST_LIBS)
tests_runtime_check_blocking_SOURCES = tests/runtime/check_blocking.c tests/testutil.h
tests_runtime_check_blocking_CFLAGS = $(TEST_CFLAGS)
tests_runtime_check_blocking_LDADD = $(TEST_LIBS)
