# tests/runtime/combinators.mk - build rules for this part (see Makefile.am).
COMB_TESTS = \
	tests/runtime/check_combinators \
	tests/runtime/check_stream \
	tests/runtime/check_retry
# tests/local.mk adds RUNTIME_TESTS to check_PROGRAMS and TESTS (a lazily
# expanded reference), so adding them there too would list them twice.
RUNTIME_TESTS += $(COMB_TESTS)

tests_runtime_check_combinators_SOURCES = tests/runtime/check_combinators.c tests/testutil.h
tests_runtime_check_combinators_CFLAGS = $(TEST_CFLAGS)
tests_runtime_check_combinators_LDADD = $(TEST_LIBS)
tests_runtime_check_stream_SOURCES = tests/runtime/check_stream.c tests/testutil.h
tests_runtime_check_stream_CFLAGS = $(TEST_CFLAGS)
tests_runtime_check_stream_LDADD = $(TEST_LIBS)
tests_runtime_check_retry_SOURCES = tests/runtime/check_retry.c tests/testutil.h
tests_runtime_check_retry_CFLAGS = $(TEST_CFLAGS)
tests_runtime_check_retry_LDADD = $(TEST_LIBS)
