# tests/api: the programming interface as a user meets it: misuses that
# abort with a message, and the snippets of docs/runtime.md.
API_TESTS = tests/api/check_misuse
check_PROGRAMS += $(API_TESTS)
TESTS += $(API_TESTS)
tests_api_check_misuse_SOURCES = tests/api/check_misuse.c tests/testutil.h
tests_api_check_misuse_CFLAGS = $(TEST_CFLAGS)
tests_api_check_misuse_LDADD = $(TEST_LIBS)

