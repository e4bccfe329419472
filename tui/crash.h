/* crash.h - where a run crashed, as the learner should read it: the
 * innermost frame of the checker's crash stack that is in the learner's
 * file (else in any of the program's own files), and the program's frames
 * that called it.  Shared by the lab's result screen and `asynclab
 * verify`. */
#ifndef ASYNCLAB_TUI_CRASH_H
#define ASYNCLAB_TUI_CRASH_H

#include "../lessons/engine.h"

#define CRASH_MAX_CALLERS 8

typedef struct crash_frame {
	const char *file; /* borrowed from the result's report */
	int line;
	char fn[96];	  /* an async fn's name, without __body / __poll */
} crash_frame;

typedef struct crash_site {
	const char *signal; /* "SIGSEGV" (borrowed) */
	int found;	    /* at holds a frame of the program's own */
	crash_frame at;
	crash_frame callers[CRASH_MAX_CALLERS]; /* the program's frames below */
	int ncallers;
	char *source;	    /* at's line of source (malloc'd), or NULL */
} crash_site;

/* Fill *s from r when the run was killed by a signal and the checker
 * caught its stack; exercise is the learner's file as it was compiled.
 * Returns 1 then (crash_free it), else 0. */
int crash_find(const axl_result *r, const char *exercise, crash_site *s);
void crash_free(crash_site *s);

#endif
