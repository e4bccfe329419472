# checker/probe.mk - the in-process checker probe, a shared object that is
# loaded with LD_PRELOAD into a program linked against libasynclab (or
# linked into it, as the sanitizer builds of the tests do).
pkglib_LTLIBRARIES += libasynclab-probe.la
libasynclab_probe_la_SOURCES = \
	checker/probe.h \
	checker/finding_ids.h \
	checker/probe_detect.h \
	checker/probe.c \
	checker/probe_config.c \
	checker/probe_detect.c \
	checker/probe_futures.c \
	checker/probe_emit.c \
	checker/probe_crash.c \
	checker/probe_libc.h \
	checker/probe_libc.c \
	checker/probe_libc_locks.c \
	checker/probe_locks.c \
	checker/probe_trace.c \
	checker/probe_watch.c
# Only the installed headers (include/): the probe reads the runtime
# through asynclab/instrument.h, never runtime/internal.h
# (tests/checker/boundary checks every checker source for it).
libasynclab_probe_la_CPPFLAGS = $(AM_CPPFLAGS)
libasynclab_probe_la_CFLAGS = $(AM_CFLAGS) -pthread -fvisibility=hidden
libasynclab_probe_la_LIBADD = libasynclab.la $(AX_PTHREAD_LIBS) -ldl
libasynclab_probe_la_LDFLAGS = $(AM_LDFLAGS) -module -avoid-version -shared
