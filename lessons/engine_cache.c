/* engine_cache.c - compiled harnesses, kept between builds.  A lesson's
 * harness.c is the same for every learner's file, so it is compiled once
 * per optimisation level and compiler and the object is reused: a verify
 * then compiles only the learner's unit.  An object is named after a hash
 * of everything that goes into it (harness.c, lesson.h, the kit, the
 * compiler, its flags, the headers' folder), so a changed lesson gets a new
 * one; it is written to a temporary name and renamed, so builds running
 * side by side never see half an object.  The folder is
 * $ASYNCLAB_CACHE_DIR, else $XDG_CACHE_HOME/asynclab, else
 * ~/.cache/asynclab; with none usable, nothing is cached. */
#include "config.h"

#include "engine.h"
#include "engine_int.h"
#include "../checker/inspect.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct hash {
	uint64_t h;
} hash;

static void hash_bytes(hash *x, const void *p, size_t n)
{
	const unsigned char *c = p;
	for (size_t i = 0; i < n; i++)
		x->h = (x->h ^ c[i]) * 1099511628211ull;
	x->h = (x->h ^ 0xff) * 1099511628211ull; /* a separator between parts */
}

static void hash_str(hash *x, const char *s)
{
	hash_bytes(x, s ? s : "", s ? strlen(s) : 0);
}

/* Hash a file's contents; false when it cannot be read. */
static bool hash_file(hash *x, const char *path)
{
	size_t len;
	char *t = axl_read_file(path, &len);
	if (!t)
		return false;
	hash_bytes(x, t, len);
	free(t);
	return true;
}

static char *cache_dir(void)
{
	const char *e = getenv("ASYNCLAB_CACHE_DIR");
	char *d = NULL;
	if (e && *e)
		d = strdup(e);
	else if ((e = getenv("XDG_CACHE_HOME")) && *e) {
		if (asprintf(&d, "%s/asynclab", e) < 0)
			d = NULL;
	} else if ((e = getenv("HOME")) && *e) {
		if (asprintf(&d, "%s/.cache/asynclab", e) < 0)
			d = NULL;
	}
	if (!d)
		return NULL;
	/* mkdir -p of the last two levels (~/.cache may not exist yet). */
	char *slash = strrchr(d, '/');
	if (slash && slash != d) {
		*slash = '\0';
		mkdir(d, 0755);
		*slash = '/';
	}
	if (mkdir(d, 0755) != 0 && errno != EEXIST) {
		free(d);
		return NULL;
	}
	return d;
}

char *axl__harness_object(const axl_lesson *l, const char *opt, const axc__paths *paths,
			  const char *const *incflags, size_t nflags, char **error)
{
	*error = NULL;
	char *harness = axl_lesson_path(l, "harness.c");
	char *lesson_h = axl_lesson_path(l, "lesson.h");
	char *kit = axl__kit_dir(l);
	char *dir = cache_dir();
	char *obj = NULL, *lk = NULL, *hk = NULL;
	hash x = { 14695981039346656037ull };
	if (!harness || !lesson_h || !kit || !dir ||
	    asprintf(&lk, "%s/lesson_kit.h", kit) < 0 || asprintf(&hk, "%s/harness_kit.h", kit) < 0)
		goto out;
	if (!hash_file(&x, harness) || !hash_file(&x, lesson_h) || !hash_file(&x, lk) ||
	    !hash_file(&x, hk))
		goto out;
	hash_str(&x, opt);
	hash_str(&x, paths->cc);
	hash_str(&x, paths->include);
	hash_str(&x, axc__sanitized() ? "san" : "");
	for (size_t i = 0; i < nflags; i++)
		hash_str(&x, incflags[i]);
	/* The headers of the library the object is compiled against. */
	char *api = NULL;
	if (asprintf(&api, "%s/asynclab.h", paths->include) >= 0) {
		hash_file(&x, api);
		free(api);
	}
	if (asprintf(&obj, "%s/harness-%016llx.o", dir, (unsigned long long)x.h) < 0) {
		obj = NULL;
		goto out;
	}
	if (access(obj, R_OK) == 0)
		goto out;

	const char *files[1] = { harness };
	const char *flags[12];
	size_t n = 0;
	flags[n++] = opt;
	for (size_t i = 0; i < nflags && n < 10; i++)
		flags[n++] = incflags[i];
	flags[n++] = "-c";
	axc_opts co;
	axc_opts_init(&co);
	co.files = files;
	co.nfiles = 1;
	co.cflags = flags;
	co.ncflags = n;
	axc__build cb;
	bool ran = axc__build_run(&co, paths, &cb) == 0;
	bool ok = ran && cb.exe && access(cb.exe, F_OK) == 0 && cb.output &&
		  !strstr(cb.output, "error");
	if (ran && !ok && cb.output && strstr(cb.output, "error"))
		*error = strdup(cb.output);
	if (ok) {
		size_t len = 0;
		char *text = axl_read_file(cb.exe, &len);
		ok = text && axl_write_atomic(obj, text, len) == 0;
		free(text);
	}
	axc__build_free(&cb);
	if (!ok) {
		free(obj);
		obj = NULL;
	}
out:
	free(harness);
	free(lesson_h);
	free(kit);
	free(dir);
	free(lk);
	free(hk);
	return obj;
}
