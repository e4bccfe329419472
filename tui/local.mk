# tui/local.mk - the asynclab program.
bin_PROGRAMS += asynclab
asynclab_SOURCES = tui/main.c
asynclab_LDADD = libasynclab.la
