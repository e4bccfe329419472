# lessons/local.mk - the lesson engine (a convenience library linked into the
# asynclab program and the tests) and the lesson folders, which are
# installed under $(pkgdatadir)/lessons.
noinst_LTLIBRARIES += libaxlessons.la
libaxlessons_la_SOURCES = \
	lessons/engine.h \
	lessons/engine_int.h \
	lessons/engine_manifest.c \
	lessons/engine_catalog.c \
	lessons/engine_verify.c \
	lessons/engine_build.c \
	lessons/engine_cache.c \
	lessons/engine_locals.c \
	lessons/engine_harness.c \
	lessons/engine_lint.c \
	lessons/engine_util.c \
	lessons/progress.h \
	lessons/progress.c \
	lessons/progress_store.c \
	lessons/workspace.c \
	lessons/course.c \
	lessons/class.c lessons/class.h lessons/class_tally.c \
	lessons/classdb.c lessons/classdb.h
libaxlessons_la_CPPFLAGS = $(AM_CPPFLAGS) \
	-DAXL_SRC_LESSONS='"$(abs_top_srcdir)/lessons"' \
	-DAXL_INSTALLED_LESSONS='"$(pkgdatadir)/lessons"' \
	-DAXL_BUILDDIR='"$(abs_top_builddir)"'
libaxlessons_la_CFLAGS = $(AM_CFLAGS) $(JANSSON_CFLAGS) $(SQLITE3_CFLAGS)
libaxlessons_la_LIBADD = $(JANSSON_LIBS) $(SQLITE3_LIBS)
# Programs that link it also link libaxcheck.la (axc_run).

# The curriculum, one folder per lesson (dist copies folders recursively).
LESSON_DIRS = \
	lessons/00-welcome lessons/01-async-fn lessons/02-await \
	lessons/03-manual-future lessons/04-join lessons/05-select \
	lessons/06-spawn lessons/07-cancel-token lessons/08-cancel-drop \
	lessons/09-streams lessons/10-buffered lessons/11-try-join \
	lessons/12-retry lessons/13-pin lessons/14-blocking \
	lessons/15-lock-across-await lessons/16-unbounded-spawn
EXTRA_DIST += lessons/README.md $(LESSON_DIRS) lessons/kit

# Install every NN-id folder present in the source tree, so a lesson added
# by an instructor is installed without editing this file.
lessondir = $(pkgdatadir)/lessons
install-data-local: install-lessons
install-lessons:
	@$(MKDIR_P) "$(DESTDIR)$(lessondir)"
	$(INSTALL_DATA) $(srcdir)/lessons/README.md "$(DESTDIR)$(lessondir)/README.md"
	@$(MKDIR_P) "$(DESTDIR)$(lessondir)/kit"
	$(INSTALL_DATA) $(srcdir)/lessons/kit/*.h "$(DESTDIR)$(lessondir)/kit/"
	@set -e; for d in $(srcdir)/lessons/[0-9][0-9]-*; do \
		[ -d "$$d" ] || continue; \
		n=$$(basename "$$d"); \
		$(MKDIR_P) "$(DESTDIR)$(lessondir)/$$n"; \
		for f in "$$d"/*; do \
			[ -f "$$f" ] || continue; \
			echo " $(INSTALL_DATA) $$f $(DESTDIR)$(lessondir)/$$n/"; \
			$(INSTALL_DATA) "$$f" "$(DESTDIR)$(lessondir)/$$n/"; \
		done; \
	done
uninstall-local: uninstall-lessons
uninstall-lessons:
	rm -rf "$(DESTDIR)$(lessondir)"
.PHONY: install-lessons uninstall-lessons

# The verify round-trip benchmark over the lessons (docs/performance.md).
EXTRA_DIST += bench/verify-lessons
