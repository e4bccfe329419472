# tests/runtime/sync.mk - build rules for this part (see Makefile.am).
SYNC_TESTS = \
	tests/runtime/check_sync \
	tests/runtime/check_notify \
	tests/runtime/check_channel \
	tests/runtime/check_token
# tests/local.mk adds RUNTIME_TESTS to check_PROGRAMS and TESTS.
RUNTIME_TESTS += $(SYNC_TESTS)

tests_runtime_check_sync_SOURCES = tests/runtime/check_sync.c tests/runtime/sync_log.h tests/testutil.h
tests_runtime_check_sync_CFLAGS = $(TEST_CFLAGS)
tests_runtime_check_sync_LDADD = $(TEST_LIBS)
tests_runtime_check_notify_SOURCES = tests/runtime/check_notify.c tests/runtime/sync_log.h tests/testutil.h
tests_runtime_check_notify_CFLAGS = $(TEST_CFLAGS)
tests_runtime_check_notify_LDADD = $(TEST_LIBS)
tests_runtime_check_channel_SOURCES = tests/runtime/check_channel.c tests/testutil.h
tests_runtime_check_channel_CFLAGS = $(TEST_CFLAGS)
tests_runtime_check_channel_LDADD = $(TEST_LIBS)
tests_runtime_check_token_SOURCES = tests/runtime/check_token.c tests/testutil.h
tests_runtime_check_token_CFLAGS = $(TEST_CFLAGS)
tests_runtime_check_token_LDADD = $(TEST_LIBS)
