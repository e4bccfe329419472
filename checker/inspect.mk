# checker/inspect.mk - the inspector (out-of-process half of the checker):
# a convenience library for the asynclab program, and a small driver.

# Where programs under check find the header, the library and the probe:
# the build tree when running from it, else the installed prefix.
AXC_PATH_DEFS = \
	-DAXC_BUILD_TOP='"$(abs_top_builddir)"' \
	-DAXC_BUILD_INCLUDE='"$(abs_top_srcdir)/include"' \
	-DAXC_BUILD_LIBDIR='"$(abs_top_builddir)/.libs"' \
	-DAXC_BUILD_PROBE='"$(abs_top_builddir)/.libs/libasynclab-probe.so"' \
	-DAXC_INST_INCLUDE='"$(includedir)"' \
	-DAXC_INST_LIBDIR='"$(libdir)"' \
	-DAXC_INST_PROBE='"$(pkglibdir)/libasynclab-probe.so"' \
	-DAXC_BUILD_SANDBOX_INIT='"$(abs_top_builddir)/checker/asynclab-sandbox-init"' \
	-DAXC_INST_SANDBOX_INIT='"$(pkglibexecdir)/asynclab-sandbox-init"' \
	-DAXC_SAN_CFLAGS='"$(AX_SAN_LDFLAGS)"'

noinst_LTLIBRARIES += libaxcheck.la
libaxcheck_la_SOURCES = \
	checker/axcheck.h \
	checker/finding_ids.h \
	checker/report.h \
	checker/report_priv.h \
	checker/report.c \
	checker/report_json.c \
	checker/report_trace.c \
	checker/inspect.h \
	checker/inspect_ids.c \
	checker/inspect_build.c \
	checker/inspect_run.c \
	checker/sandbox.h \
	checker/sandbox.c \
	checker/inspect_events.c \
	checker/inspect_symbol.c \
	checker/inspect_report.c \
	checker/inspect_suppress.c \
	checker/inspect_check.c \
	checker/inspect_text.c \
	checker/inspect_json.c \
	checker/inspect_sarif.c \
	checker/inspect_cli.c \
	checker/safe_text.h \
	checker/safe_text.c
libaxcheck_la_CPPFLAGS = $(AM_CPPFLAGS) $(AXC_PATH_DEFS)
libaxcheck_la_CFLAGS = $(AM_CFLAGS) $(JANSSON_CFLAGS) $(LIBDW_CFLAGS) $(SECCOMP_CFLAGS)
libaxcheck_la_LIBADD = $(JANSSON_LIBS) $(LIBDW_LIBS) $(SECCOMP_LIBS)

# The first process inside the sandbox (checker/sandbox.h): it starts the
# program and reports how it ended.
pkglibexec_PROGRAMS = checker/asynclab-sandbox-init
checker_asynclab_sandbox_init_SOURCES = checker/sandbox_init.c checker/sandbox.h

noinst_PROGRAMS += checker/asynclab-check
checker_asynclab_check_SOURCES = checker/inspect_driver.c
checker_asynclab_check_CFLAGS = $(AM_CFLAGS) $(JANSSON_CFLAGS)
checker_asynclab_check_LDADD = libaxcheck.la
