# tests/checker/cases.mk - the checker case corpus (tests/checker/cases/),
# run under the probe by tests/checker/run-cases with case_match checking
# each program's findings against its "expect:" comments.
check_PROGRAMS += tests/checker/case_match
tests_checker_case_match_SOURCES = tests/checker/case_match.c
tests_checker_case_match_CFLAGS = $(AM_CFLAGS) $(JANSSON_CFLAGS)
tests_checker_case_match_LDADD = $(JANSSON_LIBS)
tests_checker_case_match_DEPENDENCIES = tests/checker/cases.env libasynclab-probe.la
TESTS += tests/checker/run-cases
# A library interposed after the probe (as a sanitizer's runtime is) still
# sees the condition-variable waits the probe passes on.
TESTS += tests/checker/interposer.sh
# The cases marked "timing: yes", 10 runs each on both clocks: every run
# must give the same findings (about 6 minutes of wall time, mostly the
# real clock's sleeps, using little CPU): `make check-repeat`, which
# ./quickstart.sh test runs while its sanitizer builds load the machine.
EXTRA_DIST += tests/checker/run-cases tests/checker/repeat-cases \
	tests/checker/cases tests/checker/transparent \
	tests/checker/interposer.sh tests/checker/interposer
CLEANFILES += tests/checker/cases.env tests/checker/valgrind-cases.log \
	tests/checker/valgrind-repeat.log

# What run-cases needs to know about this build.
tests/checker/cases.env: Makefile
	$(AM_V_GEN)mkdir -p tests/checker && { \
		echo "CC='$(CC)'"; \
		echo "SAN_CFLAGS='$(AX_SAN_LDFLAGS)'"; \
		echo "SANITIZE='$(AX_SANITIZE)'"; \
		echo "top_srcdir='$(abs_top_srcdir)'"; \
		echo "top_builddir='$(abs_top_builddir)'"; \
	} >$@

# The corpus alone, and the timing-dependent cases repeated.
check-cases: tests/checker/case_match$(EXEEXT)
	$(MAKE) $(AM_MAKEFLAGS) check TESTS="tests/checker/run-cases"
check-repeat: tests/checker/case_match$(EXEEXT) libasynclab.la libasynclab-probe.la \
		tests/checker/cases.env
	$(SHELL) $(srcdir)/tests/checker/repeat-cases
.PHONY: check-cases check-repeat
