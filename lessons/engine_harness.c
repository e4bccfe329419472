/* engine_harness.c - the records a lesson's harness leaves in its run's
 * output (lessons/kit/harness_kit.h writes them): verdicts for the
 * lesson's harness checks and how the run ended.  Each record is a line
 * carrying the run's secret key, so what the exercise prints is never
 * taken for one; the records are taken out of the output the learner
 * sees. */
#include "config.h"

#include "engine.h"
#include "engine_int.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

void axl__key_new(char *buf, size_t n)
{
	unsigned char raw[12];
	if (getrandom(raw, sizeof raw, 0) != (ssize_t)sizeof raw) {
		struct timespec ts;
		clock_gettime(CLOCK_MONOTONIC, &ts);
		uint64_t x = (uint64_t)ts.tv_nsec ^ ((uint64_t)getpid() << 32) ^ (uint64_t)ts.tv_sec;
		for (size_t i = 0; i < sizeof raw; i++, x = x * 6364136223846793005u + 1442695040888963407u)
			raw[i] = (unsigned char)(x >> 56);
	}
	size_t k = 0;
	for (size_t i = 0; i < sizeof raw && k + 2 < n; i++)
		k += (size_t)snprintf(buf + k, n - k, "%02x", raw[i]);
	buf[k] = '\0';
}

/* Split a record's fields at tabs (in place). */
static size_t fields(char *s, char **f, size_t max)
{
	size_t n = 0;
	while (n < max) {
		f[n++] = s;
		char *t = strchr(s, '\t');
		if (!t)
			break;
		*t = '\0';
		s = t + 1;
	}
	return n;
}

static void add_record(axl__harness *h, char *rec)
{
	char *f[6];
	size_t n = fields(rec, f, 6);
	if (n >= 5 && !strcmp(f[0], "check")) {
		axl__hcheck *nv = realloc(h->checks, (h->nchecks + 1) * sizeof *nv);
		if (!nv)
			return;
		h->checks = nv;
		axl__hcheck *c = &nv[h->nchecks++];
		memset(c, 0, sizeof *c);
		c->name = strdup(f[1]);
		c->pass = !strcmp(f[2], "pass");
		char *colon = strrchr(f[3], ':');
		if (strcmp(f[3], "-") && colon) {
			c->file = strndup(f[3], (size_t)(colon - f[3]));
			c->line = atoi(colon + 1);
		}
		c->text = strdup(f[4]);
	} else if (n >= 3 && !strcmp(f[0], "end") && !h->end) {
		h->end = strdup(f[1]);
		h->end_text = strdup(f[2]);
	}
}

void axl__harness_take(axl__harness *h, const char *key, char *text)
{
	if (!text || !key)
		return;
	char mark[128];
	snprintf(mark, sizeof mark, "@@axh:%s\t", key);
	size_t ml = strlen(mark);
	char *w = text;
	for (char *p = text; *p;) {
		char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		char *hit = NULL;
		for (char *q = p; q + ml <= p + len; q++)
			if (!memcmp(q, mark, ml)) {
				hit = q;
				break;
			}
		if (hit) {
			char *rec = strndup(hit + ml, (size_t)(p + len - hit - ml));
			if (rec) {
				add_record(h, rec);
				free(rec);
			}
			/* What the exercise printed before the record on the same
			 * line (no newline of its own) stays. */
			size_t keep = (size_t)(hit - p);
			memmove(w, p, keep);
			w += keep;
			if (keep && nl)
				*w++ = '\n';
		} else {
			memmove(w, p, len + (nl ? 1 : 0));
			w += len + (nl ? 1 : 0);
		}
		p += len + (nl ? 1 : 0);
	}
	*w = '\0';
}

const axl__hcheck *axl__harness_find(const axl__harness *h, const char *name)
{
	/* The last verdict recorded for a check wins (a harness may judge a
	 * check again once it knows more). */
	for (size_t i = h->nchecks; i-- > 0;)
		if (h->checks[i].name && !strcmp(h->checks[i].name, name))
			return &h->checks[i];
	return NULL;
}

void axl__harness_free(axl__harness *h)
{
	for (size_t i = 0; i < h->nchecks; i++) {
		free(h->checks[i].name);
		free(h->checks[i].file);
		free(h->checks[i].text);
	}
	free(h->checks);
	free(h->end);
	free(h->end_text);
	memset(h, 0, sizeof *h);
}
