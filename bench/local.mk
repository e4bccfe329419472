# bench/local.mk - benchmarks (built by `make`, run by hand or bench/run).
noinst_PROGRAMS += bench/peer-asynclab
bench_peer_asynclab_SOURCES = bench/peer-asynclab.c
bench_peer_asynclab_CFLAGS = $(AM_CFLAGS) -O2
# A real executable (not a libtool wrapper script) that finds the
# uninstalled libasynclab.so: run-peers starts it once per measurement.
bench_peer_asynclab_LDFLAGS = -no-install
bench_peer_asynclab_LDADD = libasynclab.la $(AX_PTHREAD_LIBS)
EXTRA_DIST += bench/run bench/instr bench/README.md

# The class server with 300 simulated learners pushing on the loopback
# (docs/workshop.md has the figures).
noinst_PROGRAMS += bench/class-push
bench_class_push_SOURCES = bench/class-push.c
bench_class_push_CFLAGS = $(AM_CFLAGS) -O2 $(JANSSON_CFLAGS) $(CURL_CFLAGS)
bench_class_push_LDADD = libaxworkshop.la libaxlessons.la libaxcheck.la libasynclab.la \
	$(CURL_LIBS) $(JANSSON_LIBS) $(AX_PTHREAD_LIBS)
