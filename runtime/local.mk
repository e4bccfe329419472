# runtime/local.mk - libasynclab, the executor runtime.
lib_LTLIBRARIES += libasynclab.la
libasynclab_la_SOURCES = \
	runtime/internal.h \
	runtime/hooks.c \
	runtime/future.c \
	runtime/slab.c \
	runtime/task.c \
	runtime/taskset.c \
	runtime/rt.c \
	runtime/wsq.h \
	runtime/wsq.c \
	runtime/mt.c \
	runtime/time.c \
	runtime/io.c \
	runtime/blocking.c \
	runtime/sync.c \
	runtime/channel.c \
	runtime/token.c \
	runtime/combinators.c \
	runtime/retry.c \
	runtime/stream.c
libasynclab_la_CFLAGS = $(AM_CFLAGS) -pthread
libasynclab_la_LIBADD = $(AX_PTHREAD_LIBS)
libasynclab_la_LDFLAGS = $(AM_LDFLAGS) -version-info 0:0:0 -export-symbols-regex '^ax_'
