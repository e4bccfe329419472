# tui/workshop.mk - the workshop: the class server and the learners' pushes
# (serve*.c), linked into the asynclab program.
noinst_LTLIBRARIES += libaxworkshop.la
libaxworkshop_la_SOURCES = \
	tui/serve.h tui/serve.c \
	tui/serve_client.c tui/serve_push.c \
	tui/dash.h tui/dash.c \
	tui/present.h tui/present_model.c tui/present_view.c
libaxworkshop_la_CFLAGS = $(AM_CFLAGS) $(JANSSON_CFLAGS) $(MHD_CFLAGS) $(CURL_CFLAGS) \
	$(CMARK_CFLAGS)
libaxworkshop_la_LIBADD = $(MHD_LIBS) $(CURL_LIBS) $(JANSSON_LIBS) $(AX_PTHREAD_LIBS)

# libaxworkshop.la is in asynclab_LDADD (tui/local.mk), ahead of the engine it uses.
asynclab_SOURCES += tui/serve_cli.c tui/present_cli.c tui/class_watch.c
