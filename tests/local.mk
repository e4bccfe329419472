# tests/local.mk - Check suites, one program per runtime module.
TEST_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS) -pthread
TEST_LIBS = libasynclab.la $(CHECK_LIBS) $(AX_PTHREAD_LIBS)

RUNTIME_TESTS += \
	tests/runtime/check_core \
	tests/runtime/check_hooks \
	tests/runtime/check_safety \
	tests/runtime/check_time \
	tests/runtime/check_waker
check_PROGRAMS += $(RUNTIME_TESTS)
TESTS += $(RUNTIME_TESTS)

tests_runtime_check_core_SOURCES = tests/runtime/check_core.c tests/testutil.h
tests_runtime_check_core_CFLAGS = $(TEST_CFLAGS)
tests_runtime_check_core_LDADD = $(TEST_LIBS)
tests_runtime_check_hooks_SOURCES = tests/runtime/check_hooks.c tests/testutil.h
tests_runtime_check_hooks_CFLAGS = $(TEST_CFLAGS)
tests_runtime_check_hooks_LDADD = $(TEST_LIBS)
tests_runtime_check_safety_SOURCES = tests/runtime/check_safety.c tests/testutil.h
tests_runtime_check_safety_CFLAGS = $(TEST_CFLAGS)
tests_runtime_check_safety_LDADD = $(TEST_LIBS)
tests_runtime_check_time_SOURCES = tests/runtime/check_time.c tests/testutil.h
tests_runtime_check_time_CFLAGS = $(TEST_CFLAGS)
tests_runtime_check_time_LDADD = $(TEST_LIBS)
tests_runtime_check_waker_SOURCES = tests/runtime/check_waker.c tests/testutil.h
tests_runtime_check_waker_CFLAGS = $(TEST_CFLAGS)
tests_runtime_check_waker_LDADD = $(TEST_LIBS)

# The runtime suites again with 2 and 4 worker threads (after the
# suites themselves: it runs the programs they built).
WORKER_TESTS = tests/runtime/workers.sh
TESTS += $(WORKER_TESTS)
EXTRA_DIST += $(WORKER_TESTS)

# The runtime suites alone (ThreadSanitizer build) and under valgrind.
check-runtime: $(RUNTIME_TESTS)
	$(MAKE) $(AM_MAKEFLAGS) check TESTS="$(RUNTIME_TESTS) $(WORKER_TESTS)"

# The checker's case corpus too: each program with the probe, under
# valgrind (tests/checker/run-cases, CASES_VALGRIND); with VALGRIND_REPEAT=N
# (make valgrind-check VALGRIND_REPEAT=5) also the cases marked
# "timing: yes" N times each (tests/checker/repeat-cases; off by default
# until the watchdog flakes in docs/checker.md are fixed).
VALGRIND_REPEAT = 0
CLEANFILES += tests/valgrind-suite.log
valgrind-check: $(RUNTIME_TESTS) tests/checker/case_match$(EXEEXT) libasynclab-probe.la
	@set -e; for t in $(RUNTIME_TESTS); do \
		echo "valgrind $$t"; \
		CK_FORK=no $(LIBTOOL) --mode=execute valgrind -q --error-exitcode=99 \
			--leak-check=full --errors-for-leak-kinds=definite,indirect \
			--show-leak-kinds=definite,indirect ./$$t >tests/valgrind-suite.log || \
			{ rc=$$?; cat tests/valgrind-suite.log; exit $$rc; }; \
	done; \
	echo "valgrind tests/checker/run-cases"; \
	CASES_VALGRIND=yes $(SHELL) $(srcdir)/tests/checker/run-cases >tests/checker/valgrind-cases.log 2>&1 || \
		{ grep -v '^PASS' tests/checker/valgrind-cases.log; exit 1; }; \
	tail -n 1 tests/checker/valgrind-cases.log; \
	if [ $(VALGRIND_REPEAT) -gt 0 ]; then \
		echo "valgrind tests/checker/repeat-cases ($(VALGRIND_REPEAT) runs each)"; \
		CASES_VALGRIND=yes CASES_REPEAT=$(VALGRIND_REPEAT) \
			$(SHELL) $(srcdir)/tests/checker/repeat-cases \
			>tests/checker/valgrind-repeat.log 2>&1 || \
			{ grep -v '^PASS' tests/checker/valgrind-repeat.log; exit 1; }; \
		tail -n 1 tests/checker/valgrind-repeat.log; \
	fi; \
	echo "valgrind-check: clean"
.PHONY: check-runtime valgrind-check

# The multi-worker scheduler's queues: internal (hidden) functions, so
# the suite builds runtime/wsq.c in.
RUNTIME_TESTS += tests/runtime/check_wsq
tests_runtime_check_wsq_SOURCES = tests/runtime/check_wsq.c runtime/wsq.c runtime/wsq.h
tests_runtime_check_wsq_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/runtime
tests_runtime_check_wsq_CFLAGS = $(TEST_CFLAGS)
tests_runtime_check_wsq_LDADD = $(CHECK_LIBS) $(AX_PTHREAD_LIBS)

# A runtime with N worker threads (ax_rt_opts.workers).
RUNTIME_TESTS += tests/runtime/check_mt
tests_runtime_check_mt_SOURCES = tests/runtime/check_mt.c tests/testutil.h
tests_runtime_check_mt_CFLAGS = $(TEST_CFLAGS)
tests_runtime_check_mt_LDADD = $(TEST_LIBS)
