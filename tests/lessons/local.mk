# tests/lessons/local.mk - the lesson engine's suites: the engine (manifests,
# judging, sandbox), the workspace and progress store with the CLI's exit
# statuses, the instructor's courses and class view, and the self-check of
# every lesson in the catalog.
LESSON_TEST_CFLAGS = $(TEST_CFLAGS) $(JANSSON_CFLAGS) \
	-DAXL_TEST_LESSONS='"$(abs_top_srcdir)/lessons"' \
	-DAXL_TEST_VARIANTS='"$(abs_top_srcdir)/tests/lessons/variants"' \
	-DAXL_TEST_ASYNCLAB='"$(abs_top_builddir)/asynclab"'
LESSON_TEST_LIBS = libaxlessons.la libaxcheck.la $(TEST_LIBS) $(JANSSON_LIBS)
LESSON_TESTS = \
	tests/lessons/check_engine \
	tests/lessons/check_workspace \
	tests/lessons/check_class \
	tests/lessons/check_learners \
	tests/lessons/check_harness \
	tests/lessons/check_lessons
check_PROGRAMS += $(LESSON_TESTS)
TESTS += $(LESSON_TESTS)

tests_lessons_check_engine_SOURCES = tests/lessons/check_engine.c \
	tests/lessons/lesson_fixture.h tests/testutil.h
tests_lessons_check_engine_CFLAGS = $(LESSON_TEST_CFLAGS)
tests_lessons_check_engine_LDADD = $(LESSON_TEST_LIBS)
tests_lessons_check_workspace_SOURCES = tests/lessons/check_workspace.c \
	tests/lessons/lesson_fixture.h tests/lessons/cli_run.h tests/testutil.h
tests_lessons_check_workspace_CFLAGS = $(LESSON_TEST_CFLAGS)
tests_lessons_check_workspace_LDADD = $(LESSON_TEST_LIBS)
tests_lessons_check_class_SOURCES = tests/lessons/check_class.c tests/lessons/class_fixture.h \
	tests/lessons/lesson_fixture.h tests/lessons/cli_run.h tests/testutil.h
tests_lessons_check_class_CFLAGS = $(LESSON_TEST_CFLAGS)
tests_lessons_check_class_LDADD = $(LESSON_TEST_LIBS)
tests_lessons_check_harness_SOURCES = tests/lessons/check_harness.c \
	tests/lessons/lesson_fixture.h tests/testutil.h
tests_lessons_check_harness_CFLAGS = $(LESSON_TEST_CFLAGS)
tests_lessons_check_harness_LDADD = $(LESSON_TEST_LIBS)
tests_lessons_check_learners_SOURCES = tests/lessons/check_learners.c \
	tests/lessons/class_fixture.h tests/lessons/lesson_fixture.h tests/lessons/cli_run.h \
	tests/testutil.h
tests_lessons_check_learners_CFLAGS = $(LESSON_TEST_CFLAGS)
tests_lessons_check_learners_LDADD = $(LESSON_TEST_LIBS)
tests_lessons_check_lessons_SOURCES = tests/lessons/check_lessons.c \
	tests/lessons/lesson_fixture.h tests/testutil.h
tests_lessons_check_lessons_CFLAGS = $(LESSON_TEST_CFLAGS)
tests_lessons_check_lessons_LDADD = $(LESSON_TEST_LIBS)

# The workspace and class suites run the asynclab program itself.
EXTRA_tests_lessons_check_workspace_DEPENDENCIES = asynclab$(EXEEXT)
EXTRA_tests_lessons_check_class_DEPENDENCIES = asynclab$(EXEEXT)
EXTRA_tests_lessons_check_learners_DEPENDENCIES = asynclab$(EXEEXT)

# The variants each lesson is judged against (see check_lessons.c).
EXTRA_DIST += tests/lessons/variants

# kind = trace checks judged on real runs with the probe's trace.
check_PROGRAMS += tests/lessons/check_engine_trace
TESTS += tests/lessons/check_engine_trace
tests_lessons_check_engine_trace_SOURCES = tests/lessons/check_engine_trace.c \
	tests/lessons/lesson_fixture.h tests/testutil.h
tests_lessons_check_engine_trace_CFLAGS = $(LESSON_TEST_CFLAGS)
tests_lessons_check_engine_trace_LDADD = $(LESSON_TEST_LIBS)
