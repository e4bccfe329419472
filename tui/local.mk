# tui/local.mk - the asynclab program: the subcommands (cli*.c) and the
# interactive lab (libaxtui.la, tui/lab.mk), over the lesson engine and the
# checker.
bin_PROGRAMS += asynclab
asynclab_SOURCES = tui/main.c tui/cli.h tui/cli.c tui/cli_verify.c tui/cli_cmds.c \
	tui/cli_lint.c tui/cli_class.c
asynclab_CFLAGS = $(AM_CFLAGS) $(JANSSON_CFLAGS)
asynclab_LDADD = libaxtui.la libaxworkshop.la libaxlessons.la libaxcheck.la libasynclab.la \
	$(JANSSON_LIBS) $(AX_PTHREAD_LIBS)

man_MANS = doc/asynclab.1
EXTRA_DIST += doc/asynclab.1
