/* watch.h - watch one file for saves with inotify, debounced.  Editors
 * save by writing in place or by writing a new file and renaming it over
 * the old one; both count.  Where inotify fails, watch_open says so and
 * the lab falls back to the manual `r`. */
#ifndef ASYNCLAB_TUI_WATCH_H
#define ASYNCLAB_TUI_WATCH_H

#include <stdint.h>

typedef struct watch {
	int fd;		 /* inotify descriptor, -1 when not watching */
	int wd;
	char dir[4096];
	char name[256];
	uint64_t due_ms; /* when the debounced change fires; 0 none */
	int debounce_ms;
} watch;

/* Watch path.  Returns 0 or -errno (the watch is then inactive). */
int watch_open(watch *w, const char *path, int debounce_ms);
void watch_close(watch *w);
/* Read pending events without blocking; returns 1 once a change has
 * settled for debounce_ms (now_ms is the caller's monotonic clock). */
int watch_poll(watch *w, uint64_t now_ms);

#endif
