/* engine_int.h - the lesson engine's private interfaces between its files:
 * the built-in lessons directory and the harness kit, the build's
 * frame-locals analysis, and the harness's records in a run's output. */
#ifndef ASYNCLAB_LESSONS_ENGINE_INT_H
#define ASYNCLAB_LESSONS_ENGINE_INT_H

#include "engine.h"

struct axc__paths;

/* The lab's own lessons directory (the source tree's from the build tree,
 * else the installed one), whatever ASYNCLAB_LESSONS says. */
const char *axl__builtin_lessons_dir(void);
/* The harness kit for lesson l: DIR/kit beside its folder, else the lab's.
 * malloc'd. */
char *axl__kit_dir(const axl_lesson *l);
bool axl__lesson_has_kind(const axl_lesson *l, axl_check_kind k);

/* Compile unit once more with gcc for the frame-locals analysis and fill
 * b->locals (engine_locals.c).  cflags: the build's include flags. */
void axl__locals_analyse(axl_build *b, const struct axc__paths *paths, const char *unit,
			 const char *const *cflags, size_t ncflags, const char *text);

/* The lesson's harness.c compiled at opt with incflags, from the cache
 * (compiled into it when missing): the object's path (malloc'd), or NULL
 * when there is no cache or it did not compile; then *error holds the
 * compiler's output (malloc'd), or NULL (engine_cache.c). */
char *axl__harness_object(const axl_lesson *l, const char *opt, const struct axc__paths *paths,
			  const char *const *incflags, size_t nflags, char **error);

/* One verdict the harness recorded. */
typedef struct axl__hcheck {
	char *name;
	bool pass;
	char *file;	/* the site it is about, or NULL */
	int line;
	char *text;	/* what the harness observed */
} axl__hcheck;

/* The harness's records of one run (see lessons/kit/harness_kit.h). */
typedef struct axl__harness {
	char *end;		/* how the harness said the run ended, or NULL */
	char *end_text;
	axl__hcheck *checks;
	size_t nchecks;
} axl__harness;

/* A fresh per-run key for ASYNCLAB_HARNESS_KEY (hex, NUL-terminated). */
void axl__key_new(char *buf, size_t n);
/* Take the records carrying key out of text (in place: the lines go) and
 * add them to h. */
void axl__harness_take(axl__harness *h, const char *key, char *text);
void axl__harness_free(axl__harness *h);
const axl__hcheck *axl__harness_find(const axl__harness *h, const char *name);

#endif /* ASYNCLAB_LESSONS_ENGINE_INT_H */
