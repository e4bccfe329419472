# bench/local.mk - benchmarks (built by `make`, run by hand or bench/run).
noinst_PROGRAMS += bench/peer-asynclab
bench_peer_asynclab_SOURCES = bench/peer-asynclab.c
bench_peer_asynclab_CFLAGS = $(AM_CFLAGS) -O2
bench_peer_asynclab_LDADD = libasynclab.la $(AX_PTHREAD_LIBS)
