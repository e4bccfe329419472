# tests/checker/instrument.mk - the instrumentation boundary: the accessors
# of asynclab/instrument.h, a tool built outside the tree against the
# installed headers alone, and no checker source including the runtime's
# internals.
check_PROGRAMS += tests/checker/check_instrument
TESTS += tests/checker/check_instrument tests/checker/boundary
EXTRA_DIST += tests/checker/boundary tests/checker/instrument_user.c
tests_checker_check_instrument_SOURCES = tests/checker/check_instrument.c tests/testutil.h
tests_checker_check_instrument_CFLAGS = $(TEST_CFLAGS) \
	-DSRCDIR='"$(abs_top_srcdir)"' -DBUILDDIR='"$(abs_top_builddir)"' \
	-DCC_CMD='"$(CC)"' -DSAN_CFLAGS='"$(AX_SAN_LDFLAGS)"'
tests_checker_check_instrument_LDADD = $(TEST_LIBS)
