# tests/api: the programming interface as a user meets it: misuses that
# abort with a message, and the snippets of docs/runtime.md.
API_TESTS = tests/api/check_misuse
check_PROGRAMS += $(API_TESTS)
TESTS += $(API_TESTS)
tests_api_check_misuse_SOURCES = tests/api/check_misuse.c tests/testutil.h
tests_api_check_misuse_CFLAGS = $(TEST_CFLAGS)
tests_api_check_misuse_LDADD = $(TEST_LIBS)

# The five snippets of docs/runtime.md ("The first five programs"), built
# and run (virtual clock) by tests/api/snippets/run, which also checks that
# each file appears verbatim in the guide.
API_SNIPPETS = tests/api/snippets/sleep tests/api/snippets/join3 \
	tests/api/snippets/select_timeout tests/api/snippets/spawn_join \
	tests/api/snippets/buffer_unordered
check_PROGRAMS += $(API_SNIPPETS)
TESTS += tests/api/snippets/run
EXTRA_DIST += tests/api/snippets/run
tests_api_snippets_sleep_LDADD = libasynclab.la
tests_api_snippets_join3_LDADD = libasynclab.la
tests_api_snippets_select_timeout_LDADD = libasynclab.la
tests_api_snippets_spawn_join_LDADD = libasynclab.la
tests_api_snippets_buffer_unordered_LDADD = libasynclab.la
