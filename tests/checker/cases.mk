# tests/checker/cases.mk - the checker case corpus (tests/checker/cases/),
# run under the probe by tests/checker/run-cases with case_match checking
# each program's findings against its "expect:" comments.
check_PROGRAMS += tests/checker/case_match
tests_checker_case_match_SOURCES = tests/checker/case_match.c
tests_checker_case_match_CFLAGS = $(AM_CFLAGS) $(JANSSON_CFLAGS)
tests_checker_case_match_LDADD = $(JANSSON_LIBS)
tests_checker_case_match_DEPENDENCIES = tests/checker/cases.env libasynclab-probe.la
TESTS += tests/checker/run-cases
EXTRA_DIST += tests/checker/run-cases tests/checker/cases tests/checker/transparent
CLEANFILES += tests/checker/cases.env tests/checker/valgrind-cases.log

# What run-cases needs to know about this build.
tests/checker/cases.env: Makefile
	$(AM_V_GEN)mkdir -p tests/checker && { \
		echo "CC='$(CC)'"; \
		echo "SAN_CFLAGS='$(AX_SAN_LDFLAGS)'"; \
		echo "SANITIZE='$(AX_SANITIZE)'"; \
		echo "top_srcdir='$(abs_top_srcdir)'"; \
		echo "top_builddir='$(abs_top_builddir)'"; \
	} >$@

# The corpus alone.
check-cases: tests/checker/case_match$(EXEEXT)
	$(MAKE) $(AM_MAKEFLAGS) check TESTS="tests/checker/run-cases"
.PHONY: check-cases
