/* watch.c - file-save detection for watch mode: inotify on the file's
 * directory (so a rename-over save is seen), filtered by name, with a
 * debounce so that one save that touches the file several times verifies
 * once. */
#include "config.h"

#include "watch.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <libgen.h>
#include <string.h>
#include <sys/inotify.h>
#include <unistd.h>

int watch_open(watch *w, const char *path, int debounce_ms)
{
	memset(w, 0, sizeof *w);
	w->fd = -1;
	w->debounce_ms = debounce_ms;
	char a[4096], b[4096];
	snprintf(a, sizeof a, "%s", path);
	snprintf(b, sizeof b, "%s", path);
	snprintf(w->dir, sizeof w->dir, "%s", dirname(a));
	snprintf(w->name, sizeof w->name, "%s", basename(b));
	w->fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (w->fd < 0)
		return -errno;
	w->wd = inotify_add_watch(w->fd, w->dir,
				  IN_CLOSE_WRITE | IN_MOVED_TO | IN_CREATE | IN_MODIFY);
	if (w->wd < 0) {
		int e = errno;
		close(w->fd);
		w->fd = -1;
		return -e;
	}
	return 0;
}

void watch_close(watch *w)
{
	if (w->fd >= 0)
		close(w->fd);
	w->fd = -1;
}

int watch_poll(watch *w, uint64_t now_ms)
{
	if (w->fd < 0)
		return 0;
	char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
	for (;;) {
		ssize_t n = read(w->fd, buf, sizeof buf);
		if (n <= 0)
			break;
		for (char *p = buf; p < buf + n;) {
			struct inotify_event *ev = (struct inotify_event *)(void *)p;
			if (ev->len && !strcmp(ev->name, w->name))
				w->due_ms = now_ms + (uint64_t)w->debounce_ms;
			p += sizeof *ev + ev->len;
		}
	}
	if (w->due_ms && now_ms >= w->due_ms) {
		w->due_ms = 0;
		return 1;
	}
	return 0;
}
