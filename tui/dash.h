/* dash.h - the live class dashboard (`asynclab class --watch`) as a model,
 * free of curses: a class's numbers laid out as styled lines for a screen
 * of a given size, most urgent first (checks holding several learners
 * back, who is over the time box), then the lessons the class has
 * reached, then every learner; and the sources it refreshes from (folders
 * and class stores read again, or a class server asked over the network
 * by a background thread so a slow server never freezes the screen). */
#ifndef ASYNCLAB_TUI_DASH_H
#define ASYNCLAB_TUI_DASH_H

#include "../lessons/engine.h"
#include "md.h"

#include <pthread.h>
#include <stdbool.h>

typedef struct dash_opts {
	int cols;		/* the width to lay out for (>= 40) */
	bool ascii;		/* ASCII only */
	int64_t now;		/* the time the numbers are for */
	const char *source;	/* where the class comes from, for the title */
} dash_opts;

/* Lay out class k (over catalog c) as lines: out is filled (md_free) and
 * title gets the one-line heading ("class: 12 learners, course
 * tuesday.course, as of 14:03:22").  0 or -ENOMEM. */
int dash_layout(const axl_class *k, const axl_catalog *c, const dash_opts *o, md_doc *out,
		char *title, size_t titlelen);

/* A line builder for screens laid out as documents: append one line in
 * one style, formatted, clipped to cols columns.  *nomem is set when
 * memory ran out (the line is then missing). */
void dash_line(md_doc *d, int cols, bool *nomem, md_style st, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

/* The same for a long text: wrapped at blanks over as many lines as it
 * needs, the first starting with first, the others with rest. */
void dash_wrap(md_doc *d, int cols, bool *nomem, md_style st, const char *first,
	       const char *rest, const char *text);

/* A class server as a source: a thread fetches the class every period_ms
 * (each fetch limited to a few seconds) and keeps the latest answer. */
typedef struct dash_remote {
	char *server, *code;
	int period_ms;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t wake;
	bool stop, started;
	json_t *doc;		/* the latest class document, or NULL */
	uint64_t version;	/* bumped with each new document */
	char error[256];	/* why the last fetch failed; "" when it worked */
} dash_remote;

int dash_remote_start(dash_remote *r, const char *server, const char *code, int period_ms);
/* The latest document (a new reference, or NULL) if newer than *seen,
 * which is updated; the last error in err. */
json_t *dash_remote_take(dash_remote *r, uint64_t *seen, char *err, size_t errlen);
void dash_remote_stop(dash_remote *r);

#endif /* ASYNCLAB_TUI_DASH_H */
