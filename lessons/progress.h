/* progress.h - what the progress model (progress.c) and its file store
 * (progress_store.c) share: the workspace lock and the merge of a changed
 * progress with the file's newer contents.  Private to lessons/. */
#ifndef ASYNCLAB_LESSONS_PROGRESS_H
#define ASYNCLAB_LESSONS_PROGRESS_H

#include "engine.h"

#define AXL_PROGRESS_VERSION 1

/* Take the lock that serialises every read-modify-write of the progress
 * file at path (flock on PATH.lock, waiting for it).  Returns the lock's
 * descriptor or -errno. */
int axl__progress_lock(const char *path);
void axl__progress_unlock(int fd);

/* With the lock held: fold what the file at path holds now into p (see
 * axl_progress_save for the rules).  A missing file merges nothing; a file
 * that does not parse is moved aside (with a diagnostic in d). */
int axl__progress_refresh(axl_progress *p, const char *path, axl_diags *d);

/* With the lock held: write p to path atomically; p's base becomes a copy
 * of what was written. */
int axl__progress_write(axl_progress *p, const char *path);

/* A deep copy of p's lessons and current lesson (not its base or path);
 * NULL when out of memory. */
axl_progress *axl__progress_copy(const axl_progress *p);

#endif /* ASYNCLAB_LESSONS_PROGRESS_H */
